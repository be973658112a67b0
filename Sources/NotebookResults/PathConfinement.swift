import Foundation

/// Where the files a notebook names may be: inside the notebook's folder tree, or inside a
/// folder the user allowed with `--allow-outside`, judged after every symbolic link is followed.
///
/// Every command that names a file (`save weights`, `load weights`, the images the prose
/// shows, …) resolves it here, once when the notebook is compiled (so a bad path is an error
/// at its argument before anything runs) and again right before the file is read or replaced
/// (the filesystem may have changed in between). Only regular files are read or replaced: a
/// folder, device node, FIFO or socket at the path is refused, so a rename can never turn
/// `/dev/…` into a file and a read can never hang on a FIFO.
public struct PathConfinement: Sendable, Equatable {
    /// The notebook's folder, with its symbolic links resolved.
    public let root: String
    /// Further folders the user allowed, resolved likewise.
    public let allowed: [String]

    /// `notebookFolder` and `allowedOutside` are resolved now; a folder that does not exist
    /// stays as written (nothing can be inside it).
    public init(notebookFolder: URL, allowedOutside: [URL] = []) {
        root = Self.realPath(notebookFolder.path)
        allowed = allowedOutside.map { Self.realPath($0.path) }
    }

    /// The folders a path may lead into.
    public var folders: [String] { [root] + allowed }

    /// A file a notebook names, resolved.
    public struct Resolved: Sendable, Equatable {
        /// The path with every symbolic link followed and every `.`/`..` applied.
        public var realPath: String
        /// What is there now; nil when nothing is.
        public var kind: FileKind?

        /// The file, relative to the notebook's (resolved) folder when it is inside it, so a
        /// message shows `vae.ckpt` rather than the whole path.
        public func url(root: String) -> URL {
            if realPath.hasPrefix(root + "/") {
                return URL(fileURLWithPath: String(realPath.dropFirst(root.count + 1)),
                           relativeTo: URL(fileURLWithPath: root, isDirectory: true))
            }
            return URL(fileURLWithPath: realPath)
        }
    }

    /// `path` (relative to the notebook's folder, or absolute) resolved and checked: it must
    /// lead inside an allowed folder and name a regular file or nothing yet.
    public func resolve(_ path: String) throws(PathConfinementError) -> Resolved {
        guard !path.isEmpty, !path.contains("\0") else { throw .invalid(path: path) }
        let real = try Self.resolvedPath(path, from: root)
        guard folders.contains(where: { real == $0 || real.hasPrefix($0 == "/" ? "/" : $0 + "/") }) else {
            throw .outside(path: path, realPath: real, root: root)
        }
        let kind = FileKind.at(real)
        if let kind, kind != .regularFile { throw .notRegularFile(path: path, kind: kind) }
        return Resolved(realPath: real, kind: kind)
    }

    /// `resolve` for a file about to be replaced, checked again now: still inside, still a
    /// regular file or nothing, and not a symbolic link (which a rename would replace, and
    /// which `resolve` followed to somewhere the caller never writes).
    public func resolveForWriting(_ path: String) throws(PathConfinementError) -> URL {
        let resolved = try resolve(path)
        // After `resolve` followed the links, the final component is no link unless one
        // appeared since: lstat, never stat, so it is not followed again.
        if FileKind.at(resolved.realPath) == .symbolicLink { throw .notRegularFile(path: path, kind: .symbolicLink) }
        return resolved.url(root: root)
    }

    /// `resolve` for a file about to be read: it must exist now, as a regular file.
    public func resolveForReading(_ path: String) throws(PathConfinementError) -> URL {
        let resolved = try resolve(path)
        guard resolved.kind != nil else { throw .missing(path: path, realPath: resolved.realPath) }
        return resolved.url(root: root)
    }

    /// `path` from `base` with each symbolic link replaced by its target, as the kernel would
    /// walk it, except that the components after the first missing one are taken as written
    /// (a file or folder a run will create). At most 40 links, as Linux's `ELOOP`.
    static func resolvedPath(_ path: String, from base: String) throws(PathConfinementError) -> String {
        var remaining = Array(path.split(separator: "/", omittingEmptySubsequences: true).map(String.init).reversed())
        var components: [String] = path.hasPrefix("/") ? [] : base.split(separator: "/").map(String.init)
        var links = 0
        var missing = false
        while let component = remaining.popLast() {
            if component == "." { continue }
            if component == ".." {
                if !components.isEmpty { components.removeLast() }
                continue
            }
            components.append(component)
            if missing { continue }
            let current = "/" + components.joined(separator: "/")
            switch FileKind.at(current) {
            case nil:
                missing = true
            case .symbolicLink:
                links += 1
                guard links <= 40, let target = try? FileManager.default.destinationOfSymbolicLink(atPath: current) else {
                    throw .tooManyLinks(path: path)
                }
                components.removeLast()
                if target.hasPrefix("/") { components = [] }
                remaining += target.split(separator: "/", omittingEmptySubsequences: true).map(String.init).reversed()
            default:
                break
            }
        }
        return "/" + components.joined(separator: "/")
    }

    /// `path` with its links resolved, or as written (standardized) when it cannot be.
    static func realPath(_ path: String) -> String {
        (try? resolvedPath(path, from: FileManager.default.currentDirectoryPath))
            ?? URL(fileURLWithPath: path).standardizedFileURL.path
    }
}

/// What a path names, as `lstat` sees it (a link is not followed).
public enum FileKind: String, Sendable, Equatable {
    case regularFile = "a regular file"
    case folder = "a folder"
    case symbolicLink = "a symbolic link"
    case fifo = "a FIFO (named pipe)"
    case characterDevice = "a character device"
    case blockDevice = "a block device"
    case socket = "a socket"

    /// What is at `path`, or nil when nothing is (or it cannot be seen).
    public static func at(_ path: String) -> FileKind? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        return kind(info.st_mode)
    }

    /// What `path` names after following its links (`stat`), or nil when nothing is.
    public static func following(_ path: String) -> FileKind? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return kind(info.st_mode)
    }

    private static func kind(_ mode: mode_t) -> FileKind {
        switch mode & S_IFMT {
        case S_IFREG: return .regularFile
        case S_IFDIR: return .folder
        case S_IFLNK: return .symbolicLink
        case S_IFIFO: return .fifo
        case S_IFCHR: return .characterDevice
        case S_IFBLK: return .blockDevice
        default: return .socket
        }
    }
}

/// Why a path a notebook names is refused.
public enum PathConfinementError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalid(path: String)
    case outside(path: String, realPath: String, root: String)
    case notRegularFile(path: String, kind: FileKind)
    case missing(path: String, realPath: String)
    case tooManyLinks(path: String)

    /// The reason, to follow "cannot save 'x': ".
    public var description: String {
        switch self {
        case .invalid:
            return "not a usable path"
        case .outside(let path, let realPath, let root):
            let written = path.hasPrefix("/") ? path : root + "/" + path
            let via = URL(fileURLWithPath: written).standardizedFileURL.path == realPath ? "" : " (it leads to \(realPath))"
            return "it is outside the notebook's folder \(root)\(via); keep the file inside it, "
                + "or allow its folder with --allow-outside \(URL(fileURLWithPath: realPath).deletingLastPathComponent().path)"
        case .notRegularFile(_, let kind):
            return "it is \(kind.rawValue), not a regular file"
        case .missing(_, let realPath):
            return "no such file (looked for \(realPath))"
        case .tooManyLinks:
            return "too many symbolic links (more than 40, or a loop)"
        }
    }
}
