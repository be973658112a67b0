import CRenameExchange
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file operation of the publish step failed; `description` names the path and the reason.
public struct FileOperationError: Error, Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var reason: String
    /// The system's error number, when the system gave one.
    public var code: Int32?

    public init(path: String, reason: String, code: Int32? = nil) {
        self.path = path
        self.reason = reason
        self.code = code
    }

    public var description: String { "\(path): \(reason)" }

    static func system(_ path: String, _ code: Int32 = errno) -> FileOperationError {
        FileOperationError(path: path, reason: String(cString: strerror(code)), code: code)
    }
}

/// Every operation that changes files while a run publishes, in one place so tests can
/// stop the publish at any one of them.
///
/// `beforeEach` is called with a description before each operation; a test hook makes
/// its Nth call throw, which is how "killed at operation N" is checked for every N
/// (see `FailingOperations` in the tests). Production code uses `.system`, which has none.
public struct FileOperations: Sendable {
    public var beforeEach: (@Sendable (String) throws -> Void)?

    public init(beforeEach: (@Sendable (String) throws -> Void)? = nil) {
        self.beforeEach = beforeEach
    }

    public static let system = FileOperations()

    private func announce(_ operation: String) throws {
        try beforeEach?(operation)
    }

    public func createDirectory(_ url: URL, mode: mode_t = 0o755) throws {
        try announce("mkdir \(url.path)")
        if mkdir(url.path, mode) != 0 { throw FileOperationError.system(url.path) }
    }

    /// Writes `data` to a new file (failing if one exists) and flushes it to disk, so a
    /// rename of it after a crash never exposes an empty file.
    public func write(_ data: Data, to url: URL) throws {
        try announce("write \(url.path)")
        let descriptor = open(url.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw FileOperationError.system(url.path) }
        defer { close(descriptor) }
        try data.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = posixWrite(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw FileOperationError.system(url.path)
                }
                offset += written
            }
        }
        if fsync(descriptor) != 0 { throw FileOperationError.system(url.path) }
    }

    /// A new file at `url` produced by `body`, which is handed the path to write (for
    /// encoders that stream to a file); the file must exist afterwards.
    public func write(to url: URL, by body: (URL) throws -> Void) throws {
        try announce("write \(url.path)")
        try body(url)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw FileOperationError(path: url.path, reason: "the file was not written")
        }
    }

    /// A second name for the file at `source`, or a copy when the file system refuses a link.
    public func linkOrCopy(_ source: URL, to destination: URL) throws {
        try announce("link \(source.path) → \(destination.path)")
        if link(source.path, destination.path) == 0 { return }
        guard errno == EXDEV || errno == EPERM || errno == EMLINK || errno == ENOTSUP else {
            throw FileOperationError.system(destination.path)
        }
        guard let data = FileManager.default.contents(atPath: source.path) else {
            throw FileOperationError(path: source.path, reason: "cannot be read")
        }
        let descriptor = open(destination.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw FileOperationError.system(destination.path) }
        defer { close(descriptor) }
        let written = data.withUnsafeBytes { posixWrite(descriptor, $0.baseAddress, $0.count) }
        if written != data.count { throw FileOperationError.system(destination.path) }
        var status = stat()
        if stat(source.path, &status) == 0 { fchmod(descriptor, status.st_mode & 0o7777) }
        if fsync(descriptor) != 0 { throw FileOperationError.system(destination.path) }
    }

    /// A symbolic link at `destination` with the same target as the one at `source`.
    public func copySymbolicLink(_ source: URL, to destination: URL) throws {
        try announce("symlink \(destination.path)")
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let length = readlink(source.path, &buffer, buffer.count - 1)
        guard length >= 0 else { throw FileOperationError.system(source.path) }
        buffer[length] = 0
        if symlink(buffer, destination.path) != 0 { throw FileOperationError.system(destination.path) }
    }

    /// `rename(2)`: replaces `destination` in one step.
    public func rename(_ source: URL, to destination: URL) throws {
        try announce("rename \(source.path) → \(destination.path)")
        if posixRename(source.path, destination.path) != 0 { throw FileOperationError.system(destination.path) }
    }

    /// Swaps two existing paths in one step (Linux `renameat2(RENAME_EXCHANGE)`).
    public func exchange(_ first: URL, _ second: URL) throws {
        try announce("exchange \(first.path) ↔ \(second.path)")
        if notebook_rename_exchange(first.path, second.path) != 0 { throw FileOperationError.system(second.path) }
    }

    /// Deletes the file or folder at `url` and everything under it. It never follows a
    /// symbolic link and never descends into another file system (a mount point), so a
    /// staging folder cannot take anything else with it.
    public func removeTree(_ url: URL) throws {
        try announce("remove \(url.path)")
        var top = stat()
        guard lstat(url.path, &top) == 0 else {
            if errno == ENOENT { return }
            throw FileOperationError.system(url.path)
        }
        try Self.remove(url, device: top.st_dev)
    }

    private static func remove(_ url: URL, device: dev_t) throws {
        var status = stat()
        guard lstat(url.path, &status) == 0 else {
            if errno == ENOENT { return }
            throw FileOperationError.system(url.path)
        }
        if (status.st_mode & S_IFMT) == S_IFDIR {
            guard status.st_dev == device else {
                throw FileOperationError(path: url.path, reason: "is a mount point; it was left in place")
            }
            let names = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
            for name in names { try remove(url.appendingPathComponent(name), device: device) }
            if rmdir(url.path) != 0 && errno != ENOENT { throw FileOperationError.system(url.path) }
        } else if unlink(url.path) != 0 && errno != ENOENT {
            throw FileOperationError.system(url.path)
        }
    }
}

#if canImport(Glibc)
private let posixWrite = Glibc.write
private let posixRename = Glibc.rename
#elseif canImport(Darwin)
private let posixWrite = Darwin.write
private let posixRename = Darwin.rename
#endif
