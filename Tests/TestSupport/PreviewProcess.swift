import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `notebook preview` running in the background for a test, with the address it printed,
/// and raw HTTP requests to it (any bytes, any `Host`).
public final class PreviewProcess {
    public let process = Process()
    /// The URL the preview printed on its first line, `http://127.0.0.1:PORT/PAGE`.
    public let pageURL: URL
    /// The first line the preview printed.
    public let firstLine: String
    public var port: Int { pageURL.port ?? 0 }

    /// Starts `notebook preview arguments…` in `folder` and waits for its first line.
    public init(_ arguments: [String], in folder: URL) throws {
        process.executableURL = NotebookBinary.url
        process.arguments = ["preview"] + arguments
        process.currentDirectoryURL = folder
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        var line = Data()
        while !line.contains(0x0A) {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        firstLine = String(decoding: line, as: UTF8.self)
        guard let address = firstLine.split(separator: " ").first(where: { $0.hasPrefix("http://127.0.0.1:") }),
              let url = URL(string: String(address)) else {
            process.terminate()
            throw PreviewStartError(firstLine: firstLine)
        }
        pageURL = url
    }

    public struct PreviewStartError: Error, CustomStringConvertible {
        public var firstLine: String
        public var description: String { "the preview printed no address: '\(firstLine)'" }
    }

    /// Stops the preview (SIGINT, as Ctrl-C) and waits for it.
    public func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGINT)
        let start = Date()
        while process.isRunning, Date().timeIntervalSince(start) < 10 { Thread.sleep(forTimeInterval: 0.05) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    deinit { stop() }

    /// The seconds of CPU the preview has used so far (Linux: `/proc/PID/stat`), or nil.
    public var cpuSeconds: Double? {
        guard let stat = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// An answer to a raw request.
    public struct Answer: Sendable {
        /// `HTTP/1.1 200 OK`, or empty when the connection closed without an answer.
        public var statusLine: String
        public var headers: [String]
        public var body: String
        /// The status code, or 0 without an answer.
        public var status: Int { statusLine.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0 }
        /// The value of header `name` (case-insensitive), if any.
        public func header(_ name: String) -> String? {
            headers.first { $0.lowercased().hasPrefix(name.lowercased() + ":") }
                .map { String($0.dropFirst(name.count + 1)).trimmingCharacters(in: .whitespaces) }
        }
    }

    /// `GET path` with `Host: host` (the loopback address and port when nil; no Host at all
    /// when `host` is "").
    public func get(_ path: String, host: String? = nil, extraHeaders: String = "") throws -> Answer {
        let host = host ?? "127.0.0.1:\(port)"
        let hostLine = host.isEmpty ? "" : "Host: \(host)\r\n"
        return try send(Data("GET \(path) HTTP/1.1\r\n\(hostLine)\(extraHeaders)\r\n".utf8))
    }

    /// Sends `request` on a new connection and reads the answer to the connection's end.
    public func send(_ request: Data, timeout: Int = 20) throws -> Answer {
        let fd = socket(AF_INET, Self.streamType, 0)
        guard fd >= 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        defer { close(fd) }
        var time = timeval(tv_sec: timeout, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port)).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        // A refusal may come before the whole request is sent; a failed write is then no error.
        let bytes = [UInt8](request)
        var sent = 0
        while sent < bytes.count {
            let count = bytes.withUnsafeBytes { Self.write(fd, $0.baseAddress! + sent, bytes.count - sent) }
            guard count > 0 else { break }
            sent += count
        }
        var received = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = recv(fd, &buffer, buffer.count, 0)
            guard count > 0 else { break }
            received += buffer[..<count]
        }
        let text = String(decoding: received, as: UTF8.self)
        let parts = text.components(separatedBy: "\r\n\r\n")
        let head = parts[0].components(separatedBy: "\r\n")
        return Answer(statusLine: head.first ?? "", headers: Array(head.dropFirst()),
                      body: parts.dropFirst().joined(separator: "\r\n\r\n"))
    }

    #if canImport(Glibc)
    private static let streamType = Int32(SOCK_STREAM.rawValue)
    private static func write(_ fd: Int32, _ pointer: UnsafeRawPointer, _ count: Int) -> Int {
        Glibc.send(fd, pointer, count, Int32(MSG_NOSIGNAL))
    }
    #else
    private static let streamType = SOCK_STREAM
    private static func write(_ fd: Int32, _ pointer: UnsafeRawPointer, _ count: Int) -> Int {
        var on: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &on, socklen_t(MemoryLayout<Int32>.size))
        return Darwin.send(fd, pointer, count, 0)
    }
    #endif
}
