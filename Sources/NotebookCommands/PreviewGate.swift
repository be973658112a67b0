import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The preview's front door on 127.0.0.1: it reads each request's head within
/// `RequestHead`'s limits, checks its `Host` (`AllowedHosts`), and only then hands the
/// request to the HTTP server, which listens on a Unix socket in a folder only this user
/// can enter.
///
/// FlyingFox has no limit on a request's head and parses it in quadratic time, and no hook
/// between accepting a connection and parsing it, so the limits are kept here, on the
/// listening socket, before it sees a byte. Each connection carries one request: the head
/// is passed on with `Connection: close`, so every request on the port comes through the
/// gate. Blocking sockets and a thread per connection, at most `maxConnections` at once:
/// a local preview has a handful of clients, and this keeps the forwarding plain.
final class PreviewGate: @unchecked Sendable {
    /// How long a client may take to send a whole head (`408 Request Timeout` after).
    static let headTimeout = 10
    /// Connections served at once; more are answered `503` at once.
    static let maxConnections = 64

    /// The port the gate listens on (the system's choice when asked for 0).
    let port: Int
    private let listener: Int32
    private let upstream: String
    private let hosts: AllowedHosts
    private let lock = NSLock()
    private var connections = 0

    /// Why the gate cannot listen, in the system's words.
    struct ListenError: Error, CustomStringConvertible {
        var port: Int
        var reason: String
        var description: String { "cannot serve on 127.0.0.1:\(port): \(reason)" }
    }

    /// Listens on 127.0.0.1:`port` (0 picks a free one) for requests to pass to the HTTP
    /// server on the Unix socket `upstream`; `allowedHosts` are the `--allow-host` names.
    init(port: Int, upstream: String, allowedHosts: [String]) throws(ListenError) {
        let fd = socket(AF_INET, Self.streamType, 0)
        guard fd >= 0 else { throw ListenError(port: port, reason: Self.lastError()) }
        var on: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port)).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, SOMAXCONN) == 0 else {
            let reason = Self.lastError()
            close(fd)
            throw ListenError(port: port, reason: reason)
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        self.port = Int(UInt16(bigEndian: address.sin_port))
        listener = fd
        self.upstream = upstream
        hosts = AllowedHosts(port: self.port, names: allowedHosts)
    }

    /// Accepts connections on a thread of its own, each served on a thread of its own.
    func start() {
        Thread.detachNewThread { [self] in
            while true {
                let client = accept(listener, nil, nil)
                if client < 0 {
                    if errno == EINTR || errno == ECONNABORTED { continue }
                    // Out of descriptors: wait for connections to end rather than spin.
                    if errno == EMFILE || errno == ENFILE { usleep(50_000); continue }
                    return  // the listener was closed
                }
                Self.noSignalOnWrite(client)
                guard admit() else {
                    Self.refuse(client, status: 503, reason: "the preview is serving too many connections", drain: false)
                    continue
                }
                Thread.detachNewThread { [self] in
                    defer { release() }
                    serve(client)
                }
            }
        }
    }

    /// Stops accepting connections.
    func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    private func admit() -> Bool {
        lock.withLock {
            guard connections < Self.maxConnections else { return false }
            connections += 1
            return true
        }
    }

    private func release() {
        lock.withLock { connections -= 1 }
    }

    /// Reads the head of `client`'s request, refuses it or passes it on, and closes `client`.
    private func serve(_ client: Int32) {
        Self.setTimeout(client, SO_RCVTIMEO, seconds: Self.headTimeout)
        Self.setTimeout(client, SO_SNDTIMEO, seconds: 30)
        var scanner = RequestHead.Scanner()
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        let head: RequestHead
        let headEnd: Int
        do {
            while true {
                let count = recv(client, &buffer, buffer.count, 0)
                if count < 0, errno == EINTR { continue }
                if count < 0, errno == EAGAIN || errno == EWOULDBLOCK {
                    throw RequestHead.Refusal(status: 408, reason: "the request's head did not arrive within \(Self.headTimeout) s")
                }
                // Closed, or reset, before a whole head: there is no one to answer.
                guard count > 0 else { close(client); return }
                if let end = try scanner.feed(buffer[..<count]) {
                    headEnd = end
                    break
                }
            }
            head = try RequestHead.parse(scanner.bytes[..<headEnd])
            if let refusal = hosts.refusal(for: head) { throw refusal }
        } catch let refusal as RequestHead.Refusal {
            Self.refuse(client, status: refusal.status, reason: refusal.reason)
            return
        } catch {
            close(client)
            return
        }
        forward(head, rest: scanner.bytes[headEnd...], from: client)
    }

    /// Passes the request on to the HTTP server with `Connection: close`, then copies the
    /// client's further bytes (a body) to it and its answer back until it closes.
    private func forward(_ head: RequestHead, rest: ArraySlice<UInt8>, from client: Int32) {
        let server = socket(AF_UNIX, Self.streamType, 0)
        guard server >= 0, Self.connectUnix(server, path: upstream) else {
            if server >= 0 { close(server) }
            Self.refuse(client, status: 502, reason: "the preview's server is not answering")
            return
        }
        Self.noSignalOnWrite(server)
        let hopByHop: Set<String> = ["connection", "keep-alive", "proxy-connection"]
        var text = "\(head.method) \(head.target) \(head.version)\r\n"
        for field in head.fields where !hopByHop.contains(field.name.lowercased()) {
            text += "\(field.name): \(field.value)\r\n"
        }
        text += "Connection: close\r\n\r\n"
        guard Self.sendAll(Array(text.utf8), to: server), Self.sendAll(Array(rest), to: server) else {
            close(server)
            Self.refuse(client, status: 502, reason: "the preview's server is not answering")
            return
        }

        // The client's side: a body, if any, goes on; whatever follows is read and dropped.
        let clientDone = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            var buffer = [UInt8](repeating: 0, count: 16 * 1024)
            var passing = true
            while true {
                let count = recv(client, &buffer, buffer.count, 0)
                if count < 0, errno == EINTR { continue }
                guard count > 0 else { break }
                if passing { passing = Self.sendAll(Array(buffer[..<count]), to: server) }
            }
            clientDone.signal()
        }
        // The server's answer, to its end (it closes after one request).
        Self.setTimeout(server, SO_RCVTIMEO, seconds: 60)
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = recv(server, &buffer, buffer.count, 0)
            if count < 0, errno == EINTR { continue }
            guard count > 0, Self.sendAll(Array(buffer[..<count]), to: client) else { break }
        }
        // Let the client read the answer to its end and close first; closing a socket with
        // unread bytes would reset the connection and could lose the answer's tail.
        shutdown(client, Int32(SHUT_WR))
        if clientDone.wait(timeout: .now() + 2) == .timedOut {
            shutdown(client, Int32(SHUT_RD))
            clientDone.wait()
        }
        close(server)
        close(client)
    }

    /// Answers `status` with `reason` as plain text, then closes `client` after reading (and
    /// dropping) what it still sends, for up to a second: closing with unread bytes resets
    /// the connection, and the client may then never see the answer. Without `drain` (when
    /// too many connections are open) it closes at once.
    static func refuse(_ client: Int32, status: Int, reason: String, drain: Bool = true) {
        let body = "\(status) \(phrase(status)): \(reason)\n"
        let answer = "HTTP/1.1 \(status) \(phrase(status))\r\nContent-Type: text/plain; charset=utf-8\r\n"
            + "Content-Length: \(body.utf8.count)\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n" + body
        _ = sendAll(Array(answer.utf8), to: client)
        guard drain else { close(client); return }
        shutdown(client, Int32(SHUT_WR))
        setTimeout(client, SO_RCVTIMEO, seconds: 1)
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        var drained = 0
        let start = DispatchTime.now()
        while drained < 4 << 20, DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds < 1_000_000_000 {
            let count = recv(client, &buffer, buffer.count, 0)
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { break }
            drained += count
        }
        close(client)
    }

    static func phrase(_ status: Int) -> String {
        switch status {
        case 400: "Bad Request"
        case 403: "Forbidden"
        case 408: "Request Timeout"
        case 414: "URI Too Long"
        case 431: "Request Header Fields Too Large"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        default: "Error"
        }
    }

    // MARK: The system calls, wrapped once.

    #if canImport(Glibc)
    private static let streamType = Int32(SOCK_STREAM.rawValue)
    private static let sendFlags = Int32(MSG_NOSIGNAL)
    #else
    private static let streamType = SOCK_STREAM
    private static let sendFlags: Int32 = 0
    #endif

    /// A write to a peer that has gone is an error to handle, never a SIGPIPE that ends the preview.
    private static func noSignalOnWrite(_ fd: Int32) {
        #if canImport(Darwin)
        var on: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &on, socklen_t(MemoryLayout<Int32>.size))
        #endif
    }

    /// Writes all of `bytes`; false when the peer is gone or stopped reading.
    private static func sendAll(_ bytes: [UInt8], to fd: Int32) -> Bool {
        var sent = 0
        while sent < bytes.count {
            let count = bytes.withUnsafeBytes { send(fd, $0.baseAddress! + sent, bytes.count - sent, sendFlags) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { return false }
            sent += count
        }
        return true
    }

    private static func setTimeout(_ fd: Int32, _ option: Int32, seconds: Int) {
        var time = timeval(tv_sec: seconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, option, &time, socklen_t(MemoryLayout<timeval>.size))
    }

    private static func connectUnix(_ fd: Int32, path: String) -> Bool {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { return false }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes + [0]) }
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) == 0
            }
        }
    }

    private static func lastError() -> String { String(cString: strerror(errno)) }
}
