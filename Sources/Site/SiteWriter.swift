import Foundation
import NotebookResults
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a site's pages and stylesheet into a folder without ever exposing a
/// half-written file.
///
/// Every file is first written in full to a hidden temporary folder inside the output
/// folder (`.site-tmp-<UUID>`, so it is on the same file system), then moved over
/// its final name with `rename(2)`, which replaces a file atomically: a reader (a
/// browser, a static server) sees either the old file or the new one. If any write
/// fails, nothing is moved and the previous files stay as they were. Files of the
/// folder that are not being written (other notebooks' pages) are left alone.
///
/// Each file is replaced atomically, the set of files is not: should a rename fail
/// part-way (it practically cannot on one file system), earlier files are already new.
public struct SiteWriter: Sendable {
    /// The folder the site is written into; created when missing.
    public var outputDirectory: URL

    /// The file name of the stylesheet written with every site.
    public static let stylesheetName = "style.css"

    public init(outputDirectory: URL) {
        self.outputDirectory = outputDirectory
    }

    /// Writes `style.css`, `pages` (file name → HTML) and `assets` (a relative path such as
    /// `figs/a.png` → its bytes, in sub-folders created as needed) into the output folder.
    ///
    /// - Throws: `SiteError` naming the path and the reason; the folder's previous
    ///   files are then unchanged.
    public func write(pages: [String: String], assets: [String: Data] = [:]) throws {
        for name in pages.keys.sorted() { try Self.validate(pageName: name) }
        for path in assets.keys.sorted() { try Self.validate(assetPath: path, pages: pages) }
        var files = [(name: Self.stylesheetName, contents: Data(siteStylesheet.utf8))]
        files += pages.sorted { $0.key < $1.key }.map { (name: $0.key, contents: Data($0.value.utf8)) }
        files += assets.sorted { $0.key < $1.key }.map { (name: $0.key, contents: $0.value) }

        let directory = outputDirectory.standardizedFileURL
        try createDirectoryIfMissing(directory)
        let temporary = directory.appendingPathComponent(".site-tmp-\(UUID().uuidString)", isDirectory: true)
        do {
            try FileManager.default.createDirectory(at: temporary, withIntermediateDirectories: false)
        } catch {
            throw SiteError.cannotWrite(path: temporary.path, reason: reason(for: error))
        }
        defer { try? FileManager.default.removeItem(at: temporary) }

        for file in files {
            let staged = temporary.appendingPathComponent(file.name)
            do {
                if file.name.contains("/") {
                    try FileManager.default.createDirectory(at: staged.deletingLastPathComponent(),
                                                            withIntermediateDirectories: true)
                }
                try file.contents.write(to: staged)
            } catch {
                throw SiteError.cannotWrite(path: directory.appendingPathComponent(file.name).path,
                                            reason: reason(for: error))
            }
        }
        // A folder in a file's place would make its rename fail after earlier ones
        // succeeded; refuse before replacing anything.
        for file in files {
            let destination = directory.appendingPathComponent(file.name)
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: destination.path, isDirectory: &isDirectory), isDirectory.boolValue {
                throw SiteError.cannotReplace(path: destination.path, reason: "a folder is in the way")
            }
        }
        // The folders of assets exist before the first file is replaced.
        for file in files where file.name.contains("/") {
            let parent = directory.appendingPathComponent(file.name).deletingLastPathComponent()
            do {
                try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true)
            } catch {
                throw SiteError.cannotWrite(path: parent.path, reason: reason(for: error))
            }
        }
        for file in files {
            let staged = temporary.appendingPathComponent(file.name)
            let destination = directory.appendingPathComponent(file.name)
            if rename(staged.path, destination.path) != 0 {
                throw SiteError.cannotReplace(path: destination.path, reason: String(cString: strerror(errno)))
            }
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

    /// Creates the output folder (and its parents) unless it already exists as a folder.
    private func createDirectoryIfMissing(_ directory: URL) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw SiteError.notADirectory(path: directory.path) }
            return
        }
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw SiteError.cannotCreateDirectory(path: directory.path, reason: reason(for: error))
        }
    }
}

/// The system's words for a file error: the POSIX message when there is one.
private func reason(for error: Error) -> String { SystemErrorReason.reason(for: error) }
