import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A tiny HTTP/1.1 server on 127.0.0.1 for tests that download: it serves fixed responses
/// by path and counts the requests it gets.
///
/// One connection at a time on one background thread; every response carries
/// `Content-Length` and `Connection: close`, and the connection is closed after it. A route can
/// cut the body short (`cutAfter`) to imitate a transfer that breaks off. The thread ends on
/// `stop()`, on `deinit`, or by itself after `lifetime` seconds, so a test that forgets to stop
/// the server does not keep the process alive.
///
/// ```swift
/// let server = try LocalHTTPServer(routes: ["/a.gz": .init(body: bytes)])
/// defer { server.stop() }
/// let url = server.url("/a.gz")            // http://127.0.0.1:<port>/a.gz
/// server.requestCount(path: "/a.gz")       // 1 after one GET
/// ```
public final class LocalHTTPServer: @unchecked Sendable {
    /// What the server answers for one path.
    public struct Response: Sendable, Equatable {
        public var status: Int
        public var body: [UInt8]
        /// When set, only this many body bytes are sent (after headers that announce the full
        /// length), then the connection is closed.
        public var cutAfter: Int?

        public init(status: Int = 200, body: [UInt8], cutAfter: Int? = nil) {
            self.status = status
            self.body = body
            self.cutAfter = cutAfter
        }
    }

    /// The port the server listens on.
    public let port: UInt16
    /// `http://127.0.0.1:<port>/`.
    public var baseURL: URL { URL(string: "http://127.0.0.1:\(port)/")! }

    private let state: State

    /// Starts listening on an ephemeral port of 127.0.0.1. Unknown paths get a 404.
    /// - Parameter lifetime: seconds after which the server stops by itself.
    public init(routes: [String: Response] = [:], lifetime: TimeInterval = 120) throws {
        let socket = try Socket.listening()
        port = socket.port
        state = State(listener: socket.descriptor, routes: routes, deadline: Date().addingTimeInterval(lifetime))
        let state = self.state
        let thread = Thread { state.run() }
        thread.name = "LocalHTTPServer:\(port)"
        thread.start()
    }

    deinit {
        stop()
    }

    /// `http://127.0.0.1:<port><path>`; `path` starts with `/`.
    public func url(_ path: String) -> URL {
        URL(string: "http://127.0.0.1:\(port)\(path)")!
    }

    /// Sets (or, with nil, removes) the response for `path`.
    public func setRoute(_ path: String, _ response: Response?) {
        state.lock.withLock { state.routes[path] = response }
    }

    /// How many requests asked for `path` (query strings removed).
    public func requestCount(path: String) -> Int {
        state.lock.withLock { state.counts[path] ?? 0 }
    }

    /// How many requests arrived, for any path.
    public var totalRequestCount: Int {
        state.lock.withLock { state.counts.values.reduce(0, +) }
    }

    /// The request paths in arrival order.
    public var requestedPaths: [String] {
        state.lock.withLock { state.log }
    }

    /// Stops accepting connections and waits (a few seconds at most) for the thread to end.
    /// Calling it again does nothing.
    public func stop() {
        state.lock.withLock { state.stopped = true }
        _ = state.exited.wait(timeout: .now() + 5)
        state.exited.signal()  // let a later `stop()` return at once
    }

    // MARK: - Serving

    private final class State: @unchecked Sendable {
        let lock = NSLock()
        let listener: Int32
        let deadline: Date
        let exited = DispatchSemaphore(value: 0)
        // Guarded by `lock`.
        var routes: [String: Response]
        var counts: [String: Int] = [:]
        var log: [String] = []
        var stopped = false

        init(listener: Int32, routes: [String: Response], deadline: Date) {
            self.listener = listener
            self.routes = routes
            self.deadline = deadline
        }

        var shouldStop: Bool {
            lock.withLock { stopped } || Date() >= deadline
        }

        func run() {
            defer {
                _ = close(listener)
                exited.signal()
            }
            while !shouldStop {
                var descriptor = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
                let ready = poll(&descriptor, 1, 50)
                if ready < 0 && errno != EINTR { return }
                guard ready > 0 else { continue }
                let client = accept(listener, nil, nil)
                guard client >= 0 else { continue }
                serve(client)
                _ = close(client)
            }
        }

        /// Reads one request and answers it.
        private func serve(_ client: Int32) {
            Socket.configureClient(client)
            guard let head = readHead(client) else { return }
            let requestLine = head.split(separator: "\r\n", maxSplits: 1).first.map(String.init) ?? ""
            let parts = requestLine.split(separator: " ")
            guard parts.count >= 2 else {
                send(client, status: 400, body: Array("bad request\n".utf8), cutAfter: nil, includeBody: true)
                return
            }
            let method = String(parts[0])
            let target = String(parts[1])
            let path = String(target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
            let response: Response? = lock.withLock {
                counts[path, default: 0] += 1
                log.append(path)
                return routes[path]
            }
            guard method == "GET" || method == "HEAD" else {
                send(client, status: 405, body: Array("method not allowed\n".utf8), cutAfter: nil, includeBody: true)
                return
            }
            let answer = response ?? Response(status: 404, body: Array("not found\n".utf8))
            send(client, status: answer.status, body: answer.body, cutAfter: answer.cutAfter,
                 includeBody: method == "GET")
            // Let the client read everything before the close: half-close, then drain.
            _ = shutdown(client, Int32(SHUT_WR))
            var scratch = [UInt8](repeating: 0, count: 1024)
            while recv(client, &scratch, scratch.count, 0) > 0 {}
        }

        /// The request line and headers, up to the blank line (the body of a GET is ignored).
        private func readHead(_ client: Int32) -> String? {
            var bytes: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 4096)
            let end: [UInt8] = Array("\r\n\r\n".utf8)
            while bytes.count < 65536 {
                let count = recv(client, &buffer, buffer.count, 0)
                if count <= 0 { return nil }  // closed, error or the receive timeout
                bytes += buffer[0..<count]
                if bytes.count >= 4, search(end, in: bytes) { return String(decoding: bytes, as: UTF8.self) }
            }
            return nil
        }

        private func search(_ needle: [UInt8], in haystack: [UInt8]) -> Bool {
            guard haystack.count >= needle.count else { return false }
            for start in 0...(haystack.count - needle.count) where haystack[start..<(start + needle.count)].elementsEqual(needle) {
                return true
            }
            return false
        }

        private func send(_ client: Int32, status: Int, body: [UInt8], cutAfter: Int?, includeBody: Bool) {
            let head = "HTTP/1.1 \(status) \(Self.reasonPhrase(status))\r\n"
                + "Content-Type: application/octet-stream\r\n"
                + "Content-Length: \(body.count)\r\n"
                + "Connection: close\r\n\r\n"
            guard write(client, Array(head.utf8)) else { return }
            guard includeBody else { return }
            let sent = min(cutAfter ?? body.count, body.count)
            _ = write(client, Array(body[0..<sent]))
        }

        /// Writes all of `bytes`; false when the peer went away.
        private func write(_ client: Int32, _ bytes: [UInt8]) -> Bool {
            var offset = 0
            while offset < bytes.count {
                let count = bytes[offset...].withUnsafeBytes { buffer in
                    sendBytes(client, buffer.baseAddress, buffer.count)
                }
                if count < 0 && errno == EINTR { continue }
                if count <= 0 { return false }
                offset += count
            }
            return true
        }

        private static func reasonPhrase(_ status: Int) -> String {
            switch status {
            case 200: return "OK"
            case 400: return "Bad Request"
            case 403: return "Forbidden"
            case 404: return "Not Found"
            case 405: return "Method Not Allowed"
            case 500: return "Internal Server Error"
            case 503: return "Service Unavailable"
            default: return "Status"
            }
        }
    }
}

/// A port on 127.0.0.1 that is bound but not listening: connecting to it is refused at once.
/// Tests use it for a mirror that is "down" without any chance of another server taking the port.
public final class RefusingPort: @unchecked Sendable {
    public let port: UInt16
    private let descriptor: Int32

    public init() throws {
        let socket = try Socket.bound()
        port = socket.port
        descriptor = socket.descriptor
    }

    deinit {
        _ = close(descriptor)
    }

    /// `http://127.0.0.1:<port>/`.
    public var baseURL: URL { URL(string: "http://127.0.0.1:\(port)/")! }
}

/// Why the test server could not start.
public struct LocalHTTPServerError: Error, CustomStringConvertible {
    public var description: String
}

// MARK: - POSIX helpers

private func sendBytes(_ socket: Int32, _ bytes: UnsafeRawPointer?, _ count: Int) -> Int {
    #if canImport(Glibc)
    return send(socket, bytes, count, Int32(MSG_NOSIGNAL))
    #else
    return send(socket, bytes, count, 0)
    #endif
}

private enum Socket {
    /// A TCP socket bound to 127.0.0.1 on an ephemeral port, listening.
    static func listening() throws -> (descriptor: Int32, port: UInt16) {
        let socket = try bound()
        guard listen(socket.descriptor, 16) == 0 else {
            let message = String(cString: strerror(errno))
            _ = close(socket.descriptor)
            throw LocalHTTPServerError(description: "listen: \(message)")
        }
        return socket
    }

    /// A TCP socket bound to 127.0.0.1 on an ephemeral port.
    static func bound() throws -> (descriptor: Int32, port: UInt16) {
        #if canImport(Glibc)
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let descriptor = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard descriptor >= 0 else {
            throw LocalHTTPServerError(description: "socket: \(String(cString: strerror(errno)))")
        }
        _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
        #if canImport(Darwin)
        var one: Int32 = 1
        _ = setsockopt(descriptor, SOL_SOCKET, SO_NOSIGPIPE, &one, socklen_t(MemoryLayout<Int32>.size))
        #endif
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0 else {
            let message = String(cString: strerror(errno))
            _ = close(descriptor)
            throw LocalHTTPServerError(description: "bind 127.0.0.1: \(message)")
        }
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        guard named == 0 else {
            let message = String(cString: strerror(errno))
            _ = close(descriptor)
            throw LocalHTTPServerError(description: "getsockname: \(message)")
        }
        return (descriptor, UInt16(bigEndian: actual.sin_port))
    }

    /// Bounds reads and writes on an accepted connection so a silent client cannot stall the
    /// server thread.
    static func configureClient(_ client: Int32) {
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        let size = socklen_t(MemoryLayout<timeval>.size)
        _ = setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, size)
        _ = setsockopt(client, SOL_SOCKET, SO_SNDTIMEO, &timeout, size)
        #if canImport(Darwin)
        var one: Int32 = 1
        _ = setsockopt(client, SOL_SOCKET, SO_NOSIGPIPE, &one, socklen_t(MemoryLayout<Int32>.size))
        #endif
    }
}
