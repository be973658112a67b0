import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A run's private folder for everything it will publish, made the first time it is needed.
///
/// For `run` and `build` it is a sibling of the site folder,
/// `<parent>/.<site>.notebook-staging-<pid>-<random>/`: on the site's file system, so the
/// new site built in it can be swapped in, and outside the site, so a run killed at any
/// point leaves nothing in the published folder. Its owner holds an `flock` on its
/// `owner` file while it lives; a later run removes every staging folder whose `owner`
/// lock it can take (its run has ended), or whose run's pid is gone when it has none yet.
public final class StagingArea {
    /// The folder the staging folder is made in.
    public let parent: URL
    /// The start of the staging folder's name, e.g. `.site.notebook-staging-`.
    public let prefix: String
    private let operations: FileOperations
    private var made: URL?
    /// The folders above the staging folder that did not exist before it, deepest first:
    /// a run that fails removes them again (when still empty), so it leaves no new folder.
    private var madeParents: [URL] = []
    private var ownerDescriptor: Int32 = -1

    public init(parent: URL, prefix: String, operations: FileOperations = .system) {
        self.parent = parent.standardizedFileURL
        self.prefix = prefix
        self.operations = operations
    }

    /// The staging area of a run publishing into `site`.
    public convenience init(besideSite site: URL, operations: FileOperations = .system) {
        let site = site.standardizedFileURL
        self.init(parent: site.deletingLastPathComponent(), prefix: Self.prefix(forSite: site), operations: operations)
    }

    /// A staging area in the system's temporary folder, for runs that publish no site
    /// (`check`, `preview`, the library).
    public static func temporary(operations: FileOperations = .system) -> StagingArea {
        StagingArea(parent: FileManager.default.temporaryDirectory, prefix: "notebook-staging-", operations: operations)
    }

    /// `.site.notebook-staging-` for `site`.
    public static func prefix(forSite site: URL) -> String {
        ".\(site.standardizedFileURL.lastPathComponent).notebook-staging-"
    }

    deinit {
        if let made { try? operations.removeTree(made) }
        if ownerDescriptor >= 0 { close(ownerDescriptor) }
    }

    /// The staging folder, made (with the folders above it) on first use.
    public func folder() throws -> URL {
        if let made { return made }
        var missing = parent
        while !FileManager.default.fileExists(atPath: missing.path), missing.path != "/" {
            madeParents.append(missing)
            missing = missing.deletingLastPathComponent()
        }
        try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true)
        removeStale()
        let folder = parent.appendingPathComponent("\(prefix)\(getpid())-\(UUID().uuidString.prefix(8))")
        try operations.createDirectory(folder, mode: 0o700)
        made = folder
        let owner = folder.appendingPathComponent("owner")
        ownerDescriptor = open(owner.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard ownerDescriptor >= 0, flock(ownerDescriptor, LOCK_EX | LOCK_NB) == 0 else {
            throw FileOperationError.system(owner.path)
        }
        return folder
    }

    /// A new path in the staging folder for a file or folder called `name`.
    public func newPath(_ name: String) throws -> URL {
        try folder().appendingPathComponent("\(UUID().uuidString.prefix(8))-\(name)")
    }

    /// Deletes the staging folder and all it holds (nothing is published from it then).
    public func discard() {
        if let made { try? operations.removeTree(made) }
        made = nil
        // rmdir removes only empty folders: after a commit the site is in one of them.
        for folder in madeParents { rmdir(folder.path) }
        madeParents = []
        if ownerDescriptor >= 0 { close(ownerDescriptor) }
        ownerDescriptor = -1
    }

    /// Removes the staging folders of runs that have ended, beside this one's.
    public func removeStale() {
        Self.removeStale(in: parent, prefix: prefix, operations: operations)
    }

    /// Removes the staging folders called `prefix…` in `folder` whose run has ended.
    public static func removeStale(in folder: URL, prefix: String, operations: FileOperations = .system) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return }
        for name in names where name.hasPrefix(prefix) {
            let candidate = folder.appendingPathComponent(name)
            let owner = candidate.appendingPathComponent("owner")
            if FileManager.default.fileExists(atPath: owner.path) {
                if SiteLock.isHeld(owner) { continue }
            } else if let pid = pid(in: name.dropFirst(prefix.count)), isAlive(pid) {
                continue
            }
            try? operations.removeTree(candidate)
        }
    }

    // MARK: Files staged beside their destination

    /// `.vae.ckpt.notebook-staged-<pid>-<random>`: a file staged beside its destination,
    /// for a destination on another file system than the staging folder.
    public static func besideName(for destination: URL) -> String {
        ".\(destination.lastPathComponent).notebook-staged-\(getpid())-\(UUID().uuidString.prefix(8))"
    }

    /// Removes files staged beside their destination in `folder` by runs that have ended.
    public static func removeStaleBesideFiles(in folder: URL, operations: FileOperations = .system) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return }
        for name in names where name.hasPrefix(".") {
            guard let range = name.range(of: ".notebook-staged-") else { continue }
            guard let pid = pid(in: name[range.upperBound...]), !isAlive(pid) else { continue }
            try? operations.removeTree(folder.appendingPathComponent(name))
        }
    }

    /// The pid at the start of `<pid>-<random>`.
    private static func pid(in suffix: Substring) -> pid_t? {
        suffix.split(separator: "-").first.flatMap { pid_t($0) }
    }

    private static func isAlive(_ pid: pid_t) -> Bool {
        pid == getpid() || kill(pid, 0) == 0 || errno == EPERM
    }
}
