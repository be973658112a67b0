import Foundation
import SystemErrors
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The cache's folder, opened once and used only through its descriptor.
///
/// A cache folder is one the tool made: it holds a `CACHEDIR.TAG` (the convention backup
/// tools know) that names this cache's format. Every name inside it is opened relative to
/// the folder's descriptor and without following links, so a link, device or FIFO put
/// there by someone else is never read through, written through or deleted through; and
/// only regular files whose names have the cache's own form are ever deleted, so the
/// cache cannot remove what it did not make, wherever `--cache` points.
///
/// Temporary names carry the host, the pid and a random part, so processes on several
/// machines sharing one cache folder (a cluster's file system) never collide.
final class CacheFolder: @unchecked Sendable {
    /// The sub-folders the cache makes: four kinds of entry and the run histories.
    static let entryKinds = ["outputs", "snapshots", "continuations", "blobs"]
    static let historyKind = "runs"
    static var kinds: [String] { entryKinds + [historyKind] }

    static let markerName = "CACHEDIR.TAG"
    /// The marker's bytes: the CACHEDIR.TAG signature, then the line that makes it ours.
    static let markerText = """
        Signature: 8a477f597d28d172789f06886806bc55
        # This folder is a cache made by notebook (\(CacheKeys.format)): block outputs and
        # session snapshots of notebook runs. Delete it to forget them; notebook makes it again.

        """
    /// The line of the marker that says the folder is a notebook cache (any format).
    private static let markerOwnLine = "# This folder is a cache made by notebook ("

    let url: URL
    private let descriptor: Int32
    /// Called once for a sub-folder that is not the cache's own (a link, a file).
    private let warn: @Sendable (String) -> Void
    private let lock = NSLock()
    private var subfolders: [String: Int32] = [:]
    private var refusedSubfolders: Set<String> = []

    /// Opens (and makes, when it does not exist) the cache folder at `url`.
    ///
    /// An empty folder is marked; a folder the previous version left (only regular files
    /// of the cache's name form in its sub-folders) is adopted: its entries are removed,
    /// since they are of an older format, and it is marked.
    ///
    /// - Throws: `CacheFolderError` when the folder is a link, is not a folder, is
    ///   another program's, or holds files the cache did not make; `.unusable` when it
    ///   cannot be made or opened (the caller then runs without a cache).
    init(opening url: URL, warn: @escaping @Sendable (String) -> Void) throws(CacheFolderError) {
        self.url = url
        self.warn = warn
        let path = url.path
        var status = stat()
        if lstat(path, &status) != 0 {
            guard errno == ENOENT else { throw .unusable(path: path, reason: Self.currentReason()) }
            do {
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(),
                                                        withIntermediateDirectories: true)
            } catch {
                throw .unusable(path: path, reason: SystemErrorReason.reason(for: error))
            }
            // Another process may make it at the same moment: both go on with the folder.
            if mkdir(path, 0o755) != 0, errno != EEXIST {
                throw .unusable(path: path, reason: Self.currentReason())
            }
            guard lstat(path, &status) == 0 else { throw .unusable(path: path, reason: Self.currentReason()) }
        }
        if (status.st_mode & S_IFMT) == S_IFLNK { throw .link(path: path) }
        guard (status.st_mode & S_IFMT) == S_IFDIR else { throw .notAFolder(path: path) }
        let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard descriptor >= 0 else {
            if errno == ELOOP { throw .link(path: path) }
            throw .unusable(path: path, reason: Self.currentReason())
        }
        self.descriptor = descriptor
        do {
            try claim()
        } catch {
            close(descriptor)
            throw error
        }
    }

    deinit {
        for descriptor in subfolders.values { close(descriptor) }
        close(descriptor)
    }

    // MARK: - The marker

    /// Checks the marker, or marks an empty folder or one the previous version left.
    private func claim() throws(CacheFolderError) {
        switch regularFile(Self.markerName, in: descriptor) {
        case .file(let bytes):
            guard String(decoding: bytes, as: UTF8.self).contains(Self.markerOwnLine) else {
                throw .foreign(path: url.path, reason: "its \(Self.markerName) is another program's")
            }
            return
        case .other:
            throw .foreign(path: url.path, reason: "its \(Self.markerName) is not a regular file")
        case .missing:
            break
        }
        let names = Self.names(in: descriptor).filter { !Self.isMarkerTemporary($0) }
        if !names.isEmpty {
            guard let previous = previousVersionEntries(names) else {
                throw .foreign(path: url.path, reason: "it is not empty and has no \(Self.markerName)")
            }
            // Entries of the previous format would each be a miss: they go now.
            for (kind, name) in previous { remove(kind, name) }
        }
        try mark()
    }

    /// Writes the marker by a rename, so a process that finds it sees all of it, and two
    /// processes marking the same folder both succeed.
    private func mark() throws(CacheFolderError) {
        let temporary = "." + Self.markerName + "~" + Self.uniqueSuffix()
        guard writeFile(Data(Self.markerText.utf8), named: temporary, in: descriptor),
              renameat(descriptor, temporary, descriptor, Self.markerName) == 0 else {
            let reason = Self.currentReason()
            unlinkat(descriptor, temporary, 0)
            throw .unusable(path: url.path, reason: reason)
        }
    }

    private static func isMarkerTemporary(_ name: String) -> Bool {
        name.hasPrefix("." + markerName + "~") && name.hasSuffix(".tmp")
    }

    /// The files of a cache the previous version left, as (sub-folder, name), when the
    /// folder holds nothing else: only the cache's sub-folders (real folders), holding only
    /// regular files named as that version named them. Nil otherwise.
    private func previousVersionEntries(_ names: [String]) -> [(String, String)]? {
        guard names.allSatisfy(Self.kinds.contains) else { return nil }
        var entries: [(String, String)] = []
        for kind in names {
            let folder = openat(descriptor, kind, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            guard folder >= 0 else { return nil }
            defer { close(folder) }
            for name in Self.names(in: folder) {
                var status = stat()
                guard fstatat(folder, name, &status, AT_SYMLINK_NOFOLLOW) == 0, (status.st_mode & S_IFMT) == S_IFREG,
                      CacheName.isPreviousVersion(name, kind: kind) else { return nil }
                entries.append((kind, name))
            }
        }
        return entries
    }

    // MARK: - Sub-folders

    /// The descriptor of a sub-folder, made when `create` and missing; nil when it is
    /// missing, or is not a folder the cache can use (a link: said once, never followed).
    private func subfolder(_ kind: String, create: Bool) -> Int32? {
        lock.lock()
        defer { lock.unlock() }
        if let open = subfolders[kind] { return open }
        if refusedSubfolders.contains(kind) { return nil }
        var folder = openat(descriptor, kind, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        if folder < 0, errno == ENOENT {
            guard create else { return nil }
            if mkdirat(descriptor, kind, 0o755) != 0, errno != EEXIST { return nil }
            folder = openat(descriptor, kind, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        }
        guard folder >= 0 else {
            if errno == ELOOP || errno == ENOTDIR {
                refusedSubfolders.insert(kind)
                warn("warning: \(url.appendingPathComponent(kind).path) is a link or a file, not a folder the cache "
                     + "made; its entries are neither read nor written")
            }
            return nil
        }
        subfolders[kind] = folder
        return folder
    }

    // MARK: - Entries

    /// What a name in the cache is, read without following a link.
    enum Lookup {
        case missing
        /// A link, a folder, a device or a FIFO: never opened.
        case other
        case file(Data)
    }

    /// The bytes of the regular file `name` in sub-folder `kind`.
    func read(_ kind: String, _ name: String) -> Lookup {
        guard CacheName.isOwn(name, kind: kind), let folder = subfolder(kind, create: false) else { return .missing }
        return regularFile(name, in: folder)
    }

    /// Whether sub-folder `kind` holds a regular file `name`.
    func holds(_ kind: String, _ name: String) -> Bool {
        guard CacheName.isOwn(name, kind: kind), let folder = subfolder(kind, create: false) else { return false }
        var status = stat()
        return fstatat(folder, name, &status, AT_SYMLINK_NOFOLLOW) == 0 && (status.st_mode & S_IFMT) == S_IFREG
    }

    /// Writes `bytes` as `name` in sub-folder `kind`: to a temporary file, then renamed
    /// into place, so a reader sees the old entry or the new one. False when it failed.
    @discardableResult
    func write(_ bytes: Data, _ kind: String, _ name: String) -> Bool {
        guard CacheName.isOwn(name, kind: kind), let folder = subfolder(kind, create: true) else { return false }
        let temporary = CacheName.temporary(for: name, suffix: Self.uniqueSuffix())
        guard writeFile(bytes, named: temporary, in: folder), renameat(folder, temporary, folder, name) == 0 else {
            unlinkat(folder, temporary, 0)
            return false
        }
        return true
    }

    /// Deletes `name` from sub-folder `kind` when it is a regular file of the cache's own
    /// name form; anything else is left where it is.
    func remove(_ kind: String, _ name: String) {
        guard CacheName.isOwn(name, kind: kind) || CacheName.isTemporary(name)
                || CacheName.isPreviousVersion(name, kind: kind),
              let folder = subfolder(kind, create: false) else { return }
        var status = stat()
        guard fstatat(folder, name, &status, AT_SYMLINK_NOFOLLOW) == 0, (status.st_mode & S_IFMT) == S_IFREG else { return }
        unlinkat(folder, name, 0)
    }

    /// A file of sub-folder `kind`: its name, size and last change.
    struct Listed {
        var name: String
        var size: Int64
        var modified: Date
    }

    /// The regular files of sub-folder `kind` whose names have the cache's own form
    /// (entries and temporary files); links and anything else are left out.
    func list(_ kind: String) -> [Listed] {
        guard let folder = subfolder(kind, create: false) else { return [] }
        return Self.names(in: folder).compactMap { name in
            guard CacheName.isOwn(name, kind: kind) || CacheName.isTemporary(name) else { return nil }
            var status = stat()
            guard fstatat(folder, name, &status, AT_SYMLINK_NOFOLLOW) == 0, (status.st_mode & S_IFMT) == S_IFREG else {
                return nil
            }
            return Listed(name: name, size: Int64(status.st_size),
                          modified: Date(timeIntervalSince1970: TimeInterval(status.st_mtim.tv_sec)))
        }
    }

    // MARK: - System calls

    private func regularFile(_ name: String, in folder: Int32) -> Lookup {
        var status = stat()
        guard fstatat(folder, name, &status, AT_SYMLINK_NOFOLLOW) == 0 else {
            return errno == ENOENT ? .missing : .other
        }
        guard (status.st_mode & S_IFMT) == S_IFREG else { return .other }
        // O_NONBLOCK: a FIFO swapped in after the check does not block the open.
        let file = openat(folder, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard file >= 0 else { return errno == ENOENT ? .missing : .other }
        defer { close(file) }
        guard fstat(file, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else { return .other }
        var bytes = Data(count: Int(status.st_size))
        var filled = 0
        let complete = bytes.withUnsafeMutableBytes { buffer -> Bool in
            while filled < buffer.count {
                let count = Glibc.read(file, buffer.baseAddress! + filled, buffer.count - filled)
                if count < 0, errno == EINTR { continue }
                guard count > 0 else { return false }
                filled += count
            }
            return true
        }
        // A file that shrank while it was read is as good as damaged: its entry check fails.
        return .file(complete ? bytes : bytes.prefix(filled))
    }

    private func writeFile(_ bytes: Data, named name: String, in folder: Int32) -> Bool {
        let file = openat(folder, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard file >= 0 else { return false }
        defer { close(file) }
        return bytes.withUnsafeBytes { buffer in
            var written = 0
            while written < buffer.count {
                let count = Glibc.write(file, buffer.baseAddress! + written, buffer.count - written)
                if count < 0, errno == EINTR { continue }
                guard count > 0 else { return false }
                written += count
            }
            return true
        }
    }

    /// The names in an open folder, without `.` and `..`.
    private static func names(in folder: Int32) -> [String] {
        let copy = dup(folder)
        guard copy >= 0, let directory = fdopendir(copy) else {
            if copy >= 0 { close(copy) }
            return []
        }
        defer { closedir(directory) }
        rewinddir(directory)
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: Int(NAME_MAX) + 1) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// `strerror(errno)`, read at once.
    private static func currentReason() -> String { String(cString: strerror(errno)) }

    /// `HOST~PID~RANDOM.tmp`: unique across the machines that share a cache folder.
    static func uniqueSuffix() -> String {
        "\(CacheName.hostName)~\(getpid())~\(String(UInt64.random(in: 0...UInt64.max), radix: 16)).tmp"
    }
}

/// A cache folder that cannot be used. `description` is the message the user reads.
public enum CacheFolderError: Error, Equatable, CustomStringConvertible {
    /// The folder is a symbolic link: refused, since it may lead anywhere.
    case link(path: String)
    case notAFolder(path: String)
    /// Not a folder the tool made: refused, since pruning it could delete the user's files.
    case foreign(path: String, reason: String)
    /// It cannot be made or opened: the run goes on without a cache.
    case unusable(path: String, reason: String)

    public var description: String {
        switch self {
        case .link(let path):
            "the cache folder \(path) is a symbolic link; notebook uses only a folder it made itself. "
                + "Remove the link, or choose another folder with --cache DIR or NOTEBOOK_CACHE"
        case .notAFolder(let path):
            "the cache folder \(path) is not a folder; choose another with --cache DIR or NOTEBOOK_CACHE"
        case .foreign(let path, let reason):
            "\(path) is not a notebook cache (\(reason)); notebook uses only a folder it made itself, "
                + "so it never deletes files it did not make. Choose a new or empty folder with --cache DIR "
                + "or NOTEBOOK_CACHE, or remove this one if it holds nothing you need"
        case .unusable(let path, let reason):
            "cannot use the cache folder \(path): \(reason)"
        }
    }
}
