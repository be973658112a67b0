import Foundation
import SystemErrors
import NotebookResults
import Publishing
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a site's pages and stylesheet into a folder as one unit: a reader (a browser, a
/// static server) sees the whole old site or the whole new one, never a mix, never a
/// half-written file.
///
/// The new site is built complete in a staging folder beside the site folder
/// (`.<site>.notebook-staging-<pid>-<random>/`, see `StagingArea`): the files being written,
/// plus every other file of the old site (other notebooks' pages, a README) carried over as
/// hard links. Then the two folders are swapped in one step (`renameat2` with
/// `RENAME_EXCHANGE`), and the old one, now in the staging folder, is deleted. Nothing is
/// ever built inside the site folder, so a run killed at any point leaves no temporary
/// file in it; the next run removes the staging folder the killed one left.
///
/// Where the file system cannot exchange two folders, the old folder is renamed away and
/// the new one renamed in: a reader may then briefly find no site, but still never a mix.
/// A site folder that is a mount point, or holds one, cannot be swapped and is refused.
public struct SiteWriter: Sendable {
    /// The folder the site is written into; created when missing.
    public var outputDirectory: URL
    /// The file operations of the publish, replaceable by a test that stops at each one.
    public var operations: FileOperations

    /// The file name of the stylesheet written with every site.
    public static let stylesheetName = "style.css"

    public init(outputDirectory: URL, operations: FileOperations = .system) {
        self.outputDirectory = outputDirectory
        self.operations = operations
    }

    /// Writes `style.css`, `pages` (file name → HTML) and `assets` (a relative path such as
    /// `figs/a.png` → its bytes, in sub-folders created as needed) into the output folder,
    /// holding the site's lock (`SiteLock`) while it does.
    ///
    /// - Throws: `SiteError` naming the path and the reason; the folder's previous
    ///   files are then unchanged.
    public func write(pages: [String: String], assets: [String: Data] = [:]) throws {
        let lock = try Self.lock(outputDirectory, holder: "pid \(getpid())", waiting: { _ in })
        defer { lock.release() }
        try writeHoldingLock(pages: pages, assets: assets)
    }

    /// Takes the lock of the site folder `folder` (see `SiteLock`), as `SiteError`.
    public static func lock(_ folder: URL, holder: String, waiting: (String) -> Void) throws -> SiteLock {
        let named = folder
        let folder = folder.standardizedFileURL
        do {
            try FileManager.default.createDirectory(at: folder.deletingLastPathComponent(), withIntermediateDirectories: true)
            // The folder as the user named it, for the waiting message.
            return try SiteLock.acquire(site: named, holder: holder, waiting: waiting)
        } catch let error as FileOperationError {
            throw SiteError.cannotCreateDirectory(path: folder.path, reason: "cannot lock it: \(error)")
        } catch {
            throw SiteError.cannotCreateDirectory(path: folder.path, reason: reason(for: error))
        }
    }

    /// `write(pages:assets:)` for a caller that holds the site's lock already. `beforeSwap`
    /// runs once the new site is complete and checked, just before it replaces the old one:
    /// a run commits its checkpoints and record there, so a failure before it writes nothing.
    public func writeHoldingLock(pages: [String: String], assets: [String: Data] = [:],
                                 beforeSwap: () throws -> Void = {}) throws {
        for name in pages.keys.sorted() { try Self.validate(pageName: name) }
        for path in assets.keys.sorted() { try Self.validate(assetPath: path, pages: pages) }
        var files = [(name: Self.stylesheetName, contents: Data(siteStylesheet.utf8))]
        files += pages.sorted { $0.key < $1.key }.map { (name: $0.key, contents: Data($0.value.utf8)) }
        files += assets.sorted { $0.key < $1.key }.map { (name: $0.key, contents: $0.value) }

        let site = try existingSiteFolder()
        let staging = StagingArea(besideSite: site, operations: operations)
        defer { staging.discard() }
        let old = try status(of: site)
        if let old, (old.st_mode & S_IFMT) != S_IFDIR { throw SiteError.notADirectory(path: site.path) }
        if let old, let parent = try status(of: site.deletingLastPathComponent()), parent.st_dev != old.st_dev {
            throw SiteError.cannotReplace(path: site.path, reason: "it is a mount point, and a site is replaced as a "
                                          + "whole folder; write the site to a folder inside it (--output)")
        }

        let new: URL
        do {
            new = try staging.newPath("site")
            try operations.createDirectory(new, mode: old.map { $0.st_mode & 0o7777 } ?? 0o755)
            if let old {
                // Other notebooks' pages and the user's own files go on into the new site.
                try carryOver(from: site, to: new, replacing: Set(files.map(\.name)), device: old.st_dev, relative: "")
            }
            for file in files {
                try makeParents(of: file.name, in: new, site: site)
                try operations.write(file.contents, to: new.appendingPathComponent(file.name))
            }
        } catch let error as FileOperationError {
            throw SiteError.cannotWrite(path: site.path, reason: error.description)
        }
        try beforeSwap()
        do {
            if old == nil {
                try operations.rename(new, to: site)
            } else {
                do {
                    try operations.exchange(new, site)
                } catch let error as FileOperationError where [EINVAL, ENOSYS, ENOTSUP].contains(error.code) {
                    // No exchange on this file system: move the old site away, then the new one in.
                    try operations.rename(site, to: try staging.newPath("old-site"))
                    try operations.rename(new, to: site)
                }
            }
        } catch let error as FileOperationError {
            throw SiteError.cannotReplace(path: site.path, reason: error.description)
        }
        // The old site is now where the new one was built; the staging folder goes with it.
    }

    /// The output folder with symbolic links resolved (a link to the site stays a link, the
    /// folder it points to is replaced).
    private func existingSiteFolder() throws -> URL {
        let folder = outputDirectory.standardizedFileURL
        return folder.resolvingSymlinksInPath()
    }

    private func status(of url: URL) throws -> stat? {
        var result = stat()
        if lstat(url.path, &result) == 0 { return result }
        if errno == ENOENT { return nil }
        throw SiteError.cannotWrite(path: url.path, reason: String(cString: strerror(errno)))
    }

    /// Copies (as hard links) the old site's files into the new one, except those replaced.
    private func carryOver(from old: URL, to new: URL, replacing: Set<String>, device: dev_t, relative: String) throws {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: old.path).sorted()
        } catch {
            throw SiteError.cannotWrite(path: old.path, reason: "cannot read the folder: \(reason(for: error))")
        }
        for name in names {
            // Temporary folders of versions that wrote the site file by file are not carried over.
            if relative.isEmpty && name.hasPrefix(".site-tmp-") { continue }
            let path = relative.isEmpty ? name : relative + "/" + name
            let source = old.appendingPathComponent(name), destination = new.appendingPathComponent(name)
            guard let status = try status(of: source) else { continue }
            switch status.st_mode & S_IFMT {
            case S_IFDIR:
                if replacing.contains(path) {
                    throw SiteError.cannotReplace(path: source.path, reason: "a folder is in the way")
                }
                guard status.st_dev == device else {
                    throw SiteError.cannotReplace(path: source.path, reason: "it is a mount point, and a site is "
                                                  + "replaced as a whole folder; mount it outside the site")
                }
                try operations.createDirectory(destination, mode: status.st_mode & 0o7777)
                try carryOver(from: source, to: destination, replacing: replacing, device: device, relative: path)
            case S_IFREG:
                if !replacing.contains(path) { try operations.linkOrCopy(source, to: destination) }
            case S_IFLNK:
                if !replacing.contains(path) { try operations.copySymbolicLink(source, to: destination) }
            default:
                throw SiteError.cannotReplace(path: source.path, reason: "it is not a file, folder or link, and a site "
                                              + "is replaced as a whole folder; move it out of the site")
            }
        }
    }

    /// Makes the folders above `name` in the new site; a file of the old site in the place
    /// of one of them is an error.
    private func makeParents(of name: String, in new: URL, site: URL) throws {
        var folder = new
        for component in name.split(separator: "/").dropLast() {
            folder = folder.appendingPathComponent(String(component))
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory) {
                guard isDirectory.boolValue else {
                    throw SiteError.cannotReplace(path: site.appendingPathComponent(name).path,
                                                  reason: "a file is in the way of its folder")
                }
                continue
            }
            try operations.createDirectory(folder)
        }
    }

    /// Rejects names that are not one plain file directly inside the output folder.
    private static func validate(pageName name: String) throws {
        if name.isEmpty { throw SiteError.invalidPageName(name: name, reason: "the name is empty") }
        if name.contains("/") || name.contains("\0") {
            throw SiteError.invalidPageName(name: name, reason: "a page name must be a file name, not a path")
        }
        if name.hasPrefix(".") {
            throw SiteError.invalidPageName(name: name, reason: "a page name must not start with '.'")
        }
        if name == stylesheetName {
            throw SiteError.invalidPageName(name: name, reason: "the name is reserved for the site's stylesheet")
        }
    }

    /// Rejects asset paths that are not relative paths of plain names inside the output
    /// folder, or that would replace a page or the stylesheet.
    private static func validate(assetPath path: String, pages: [String: String]) throws {
        let components = path.split(separator: "/", omittingEmptySubsequences: false)
        if path.isEmpty || path.contains("\0") || path.hasPrefix("/")
            || components.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." }) {
            throw SiteError.invalidPageName(name: path, reason: "a file of the site must be a relative path inside it")
        }
        if path.hasPrefix(".site-tmp-") || path == stylesheetName || pages[path] != nil {
            throw SiteError.invalidPageName(name: path, reason: "the name is the site's own")
        }
    }
}

/// The system's words for a file error: the POSIX message when there is one.
private func reason(for error: Error) -> String { SystemErrorReason.reason(for: error) }
