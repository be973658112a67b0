import Foundation
#if canImport(Glibc)
import Glibc
private let systemRead = Glibc.read
#elseif canImport(Darwin)
import Darwin
private let systemRead = Darwin.read
#endif

/// Reads a file a user named only if it is a regular file: a FIFO would block the read
/// forever, `/dev/zero` never ends, and a `/proc` entry such as `/proc/self/mem` fails in
/// ways Foundation reports as "NSCocoaErrorDomain error 256". The kind is checked with
/// `stat` before opening, and again on the open descriptor (the path may have changed),
/// which is opened non-blocking so even a FIFO swapped in between cannot hang it.
public enum RegularFileReader {
    /// Why `path` is no regular file ("it is a FIFO (named pipe), not a regular file"), or
    /// nil when it is one; a missing file gives `strerror`'s words.
    public static func problem(at path: String) -> String? {
        guard let kind = FileKind.following(path) else { return String(cString: strerror(errno)) }
        if kind != .regularFile { return "it is \(kind.rawValue), not a regular file" }
        if isKernelInterface(path) { return "it is a kernel interface file (/proc, /sys), not a regular file" }
        return nil
    }

    /// The bytes of the regular file at `path`.
    ///
    /// - Throws: `RegularFileError` with the reason in the system's words.
    public static func read(_ path: String) throws(RegularFileError) -> Data {
        if let problem = problem(at: path) { throw RegularFileError(path: path, reason: problem) }
        let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else { throw RegularFileError(path: path, reason: String(cString: strerror(errno))) }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
            throw RegularFileError(path: path, reason: "it is not a regular file")
        }
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = buffer.withUnsafeMutableBytes { systemRead(descriptor, $0.baseAddress, $0.count) }
            if count == 0 { break }
            if count < 0 {
                if errno == EINTR { continue }
                throw RegularFileError(path: path, reason: String(cString: strerror(errno)))
            }
            data.append(contentsOf: buffer[0..<count])
        }
        return data
    }

    /// Whether `path`, its links followed, lies under `/proc` or `/sys`, whose "regular files"
    /// are kernel interfaces (where those file systems are mounted, as on every Linux).
    private static func isKernelInterface(_ path: String) -> Bool {
        let real = PathConfinement.realPath(path)
        return ["/proc", "/sys"].contains { real == $0 || real.hasPrefix($0 + "/") }
    }
}

/// A file that could not be read, with the system's reason.
public struct RegularFileError: Error, Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var reason: String

    public var description: String { "cannot read \(path): \(reason)" }
}
