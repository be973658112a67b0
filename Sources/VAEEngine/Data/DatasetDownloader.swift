import Checksums
import Foundation
import SystemErrors
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// One try at getting a file: where from, and why it did not give a usable file.
public struct DownloadAttempt: Sendable, Equatable, CustomStringConvertible {
    /// The URL tried, or the path of a local copy that was not accepted.
    public var source: String
    /// Why it failed: `HTTP 404 (not found)`, `connection refused`, `checksum mismatch: …`.
    public var reason: String

    public init(source: String, reason: String) {
        self.source = source
        self.reason = reason
    }

    /// `source: reason`.
    public var description: String { "\(source): \(reason)" }
}

/// Why dataset files could not be downloaded. `description` is the message a user reads.
public enum DownloadError: Error, CustomStringConvertible, Equatable, Sendable {
    /// A mirror URL that is never used: plain `http` to a host other than the loopback
    /// interface, or a scheme other than `https`/`http`. Raised before any network traffic.
    case refusedMirror(url: String, reason: String)
    /// Some files could be got from no mirror. `attempts` lists every try for those files in
    /// order (including a local copy with the wrong checksum).
    case offline(folder: String, missing: [String], attempts: [DownloadAttempt])
    /// The folder or a file in it could not be written.
    case cannotWrite(path: String, reason: String)

    public var description: String {
        switch self {
        case .refusedMirror(let url, let reason):
            return "\(url): refused mirror: \(reason)"
        case .cannotWrite(let path, let reason):
            return "\(path): cannot write: \(reason)"
        case .offline(let folder, let missing, let attempts):
            let names = missing.joined(separator: ", ")
            var lines = ["cannot download \(names) into \(folder): every mirror failed"]
            lines += attempts.map { "  \($0)" }
            let subfolder = (folder as NSString).lastPathComponent
            lines.append("to work offline, copy \(names) into \(folder) "
                + "(or set \(DatasetCache.environmentVariable) to a folder whose \(subfolder)/ subfolder holds them)")
            return lines.joined(separator: "\n")
        }
    }
}

/// What `DatasetDownloader.fetch` did.
public struct DownloadReport: Sendable, Equatable {
    /// The folder that now holds every file.
    public var folder: URL
    /// Files that were already there with the expected checksum (no request made).
    public var alreadyPresent: [String]
    /// Files downloaded by this call, in order.
    public var downloaded: [String]
    /// File name → the URL it was downloaded from.
    public var sources: [String: URL]

    public init(folder: URL, alreadyPresent: [String], downloaded: [String], sources: [String: URL]) {
        self.folder = folder
        self.alreadyPresent = alreadyPresent
        self.downloaded = downloaded
        self.sources = sources
    }
}

/// Downloads files with known SHA-256 checksums from a list of mirrors into a folder.
///
/// - A file already in the folder with the expected checksum is kept and not requested.
///   One with another checksum is never trusted: it is downloaded again (and replaced only
///   by a verified copy).
/// - Each missing file is requested from each mirror in turn (`<mirror>/<name>`) and streamed
///   into a temporary file in the same folder (`.<name>.download-<UUID>`) while its SHA-256
///   is computed. Only a complete transfer (HTTP 200, the announced length) with the expected
///   checksum is renamed into place, atomically; anything else deletes the temporary file and
///   moves on to the next mirror. So the folder never holds a partial or unverified file.
/// - A mirror that cannot be reached (connection refused, unknown host, timeout) is not tried
///   again for the following files of the same call.
/// - Mirrors must be `https`; plain `http` is accepted only for a loopback host (127.0.0.0/8,
///   `::1`, `localhost`), which is what tests use.
///
/// The API is synchronous: it blocks the calling thread until every file is done.
public enum DatasetDownloader {
    /// The default time without any data after which a request is abandoned, in seconds.
    public static let defaultTimeout: TimeInterval = 30

    /// Makes sure every file of `files` is in `folder` with its checksum, downloading the
    /// missing ones from `mirrors`.
    ///
    /// - Parameters:
    ///   - files: plain file names with their expected SHA-256 (hexadecimal, any case).
    ///   - mirrors: base URLs, tried in order; the file name is appended to each.
    ///   - folder: where the files go; created when needed.
    ///   - timeout: the longest wait for data on one request, in seconds.
    /// - Throws: `DownloadError.refusedMirror` before any traffic when a mirror is not allowed,
    ///   `DownloadError.offline` when some file could be got from no mirror (the others are
    ///   kept), `DownloadError.cannotWrite` when the folder cannot be written.
    @discardableResult
    public static func fetch(
        files: [(name: String, sha256: String)], mirrors: [URL], into folder: URL,
        timeout: TimeInterval = defaultTimeout
    ) throws -> DownloadReport {
        for mirror in mirrors { try checkMirror(mirror) }
        for file in files where !isPlainFileName(file.name) {
            throw DownloadError.cannotWrite(
                path: folder.appendingPathComponent(file.name).path,
                reason: "\"\(file.name)\" is not a plain file name")
        }

        var report = DownloadReport(folder: folder, alreadyPresent: [], downloaded: [], sources: [:])
        var attempts: [String: [DownloadAttempt]] = [:]
        var needed: [(name: String, sha256: String)] = []
        for file in files {
            let expected = file.sha256.lowercased()
            let path = folder.appendingPathComponent(file.name).path
            guard FileManager.default.fileExists(atPath: path) else {
                needed.append((file.name, expected))
                continue
            }
            let actual: String
            do {
                actual = try sha256(ofFileAt: path)
            } catch {
                attempts[file.name, default: []].append(DownloadAttempt(
                    source: path, reason: "unreadable local copy (\(describe(error)))"))
                needed.append((file.name, expected))
                continue
            }
            if actual == expected {
                report.alreadyPresent.append(file.name)
            } else {
                attempts[file.name, default: []].append(DownloadAttempt(
                    source: path, reason: "local copy has the wrong checksum: SHA-256 \(actual), expected \(expected)"))
                needed.append((file.name, expected))
            }
        }
        if needed.isEmpty { return report }

        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw DownloadError.cannotWrite(path: folder.path, reason: describe(error))
        }
        removeLeftovers(of: needed.map(\.name), in: folder)

        var unreachable: [Int: String] = [:]  // mirror index → why, for the skipped attempts
        var missing: [String] = []
        for file in needed {
            var done = false
            for (index, mirror) in mirrors.enumerated() {
                let url = mirror.appendingPathComponent(file.name)
                if let why = unreachable[index] {
                    attempts[file.name, default: []].append(DownloadAttempt(
                        source: url.absoluteString, reason: "not tried (\(why))"))
                    continue
                }
                switch try download(url, name: file.name, sha256: file.sha256, into: folder, timeout: timeout) {
                case .success:
                    report.downloaded.append(file.name)
                    report.sources[file.name] = url
                    done = true
                case .failure(let reason, let hostUnreachable):
                    attempts[file.name, default: []].append(DownloadAttempt(source: url.absoluteString, reason: reason))
                    if hostUnreachable { unreachable[index] = "\(reason) for \(file.name)" }
                }
                if done { break }
            }
            if !done { missing.append(file.name) }
        }
        if !missing.isEmpty {
            throw DownloadError.offline(
                folder: folder.path, missing: missing,
                attempts: missing.flatMap { attempts[$0] ?? [] })
        }
        return report
    }

    /// Throws `DownloadError.refusedMirror` unless `url` is `https`, or `http` to a loopback host.
    public static func checkMirror(_ url: URL) throws {
        let scheme = url.scheme?.lowercased() ?? ""
        guard let host = url.host, !host.isEmpty else {
            throw DownloadError.refusedMirror(url: url.absoluteString, reason: "not an absolute URL with a host")
        }
        switch scheme {
        case "https":
            return
        case "http":
            if isLoopback(host: host) { return }
            throw DownloadError.refusedMirror(
                url: url.absoluteString,
                reason: "plain http is allowed only to a loopback host (127.0.0.1, ::1, localhost); use https")
        default:
            throw DownloadError.refusedMirror(
                url: url.absoluteString, reason: "unsupported scheme \"\(scheme)\"; use https")
        }
    }

    /// Whether `host` names the loopback interface: `localhost`, 127.0.0.0/8 or `::1`.
    public static func isLoopback(host: String) -> Bool {
        var name = host.lowercased()
        if name.hasPrefix("[") && name.hasSuffix("]") { name = String(name.dropFirst().dropLast()) }
        if name == "localhost" || name == "::1" || name == "0:0:0:0:0:0:0:1" { return true }
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "127" else { return false }
        return parts.allSatisfy { part in
            !part.isEmpty && part.count <= 3 && part.allSatisfy(\.isASCII) && UInt8(part) != nil
        }
    }

    /// The SHA-256 (lowercase hex) of the file at `path`, read in pieces.
    public static func sha256(ofFileAt path: String) throws -> String {
        let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        var hasher = SHA256()
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            hasher.update(chunk)
        }
        return hasher.finalize().hex
    }

    // MARK: - One transfer

    private enum Outcome {
        case success
        /// `hostUnreachable`: the mirror itself is out of reach, so later files skip it.
        case failure(reason: String, hostUnreachable: Bool)
    }

    /// The prefix of the temporary files for `name`.
    private static func temporaryPrefix(_ name: String) -> String { ".\(name).download-" }

    private static func isPlainFileName(_ name: String) -> Bool {
        !name.isEmpty && name != "." && name != ".." && !name.contains("/") && !name.contains("\0")
    }

    /// Deletes temporary files left by an interrupted earlier download of these files.
    private static func removeLeftovers(of names: [String], in folder: URL) {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return }
        let prefixes = names.map(temporaryPrefix)
        for entry in entries where prefixes.contains(where: { entry.hasPrefix($0) }) {
            try? FileManager.default.removeItem(at: folder.appendingPathComponent(entry))
        }
    }

    /// Downloads `url` into a temporary file in `folder` and renames it to `name` when it is
    /// complete and has the checksum `sha256`. Throws only when the folder cannot be written.
    private static func download(
        _ url: URL, name: String, sha256 expected: String, into folder: URL, timeout: TimeInterval
    ) throws -> Outcome {
        let temporary = folder.appendingPathComponent(temporaryPrefix(name) + UUID().uuidString)
        let destination = folder.appendingPathComponent(name)
        guard FileManager.default.createFile(atPath: temporary.path, contents: nil) else {
            throw DownloadError.cannotWrite(path: temporary.path, reason: "cannot create a temporary file")
        }
        var keep = false
        defer { if !keep { try? FileManager.default.removeItem(at: temporary) } }
        let handle: FileHandle
        do {
            handle = try FileHandle(forWritingTo: temporary)
        } catch {
            throw DownloadError.cannotWrite(path: temporary.path, reason: describe(error))
        }

        let transfer = Transfer(handle: handle)
        let queue = OperationQueue()
        queue.maxConcurrentOperationCount = 1
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.timeoutIntervalForResource = max(timeout, 3600)
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        configuration.urlCache = nil
        let session = URLSession(configuration: configuration, delegate: transfer, delegateQueue: queue)
        let request = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: timeout)
        let task = session.dataTask(with: request)
        task.resume()
        // URLSession enforces both timeouts; this bound only guards against it never answering.
        if transfer.finished.wait(timeout: .now() + configuration.timeoutIntervalForResource + 60) == .timedOut {
            task.cancel()
            _ = transfer.finished.wait(timeout: .now() + 10)
        }
        session.finishTasksAndInvalidate()
        // The delegate queue has run its last callback before `finished` was signalled.
        let received = transfer.byteCount
        let response = task.response

        if let error = transfer.writeError {
            try? handle.close()
            throw DownloadError.cannotWrite(path: temporary.path, reason: describe(error))
        }
        if let error = transfer.error {
            try? handle.close()
            // A connection closed before the announced length (libcurl reports "transfer closed
            // with N bytes remaining") is a truncated transfer, whatever error code carries it.
            if let http = response as? HTTPURLResponse, http.statusCode == 200,
               http.value(forHTTPHeaderField: "Content-Encoding") == nil,
               http.expectedContentLength > Int64(received) {
                return .failure(
                    reason: "truncated transfer: received \(received) of \(http.expectedContentLength) bytes",
                    hostUnreachable: false)
            }
            return failure(for: error, timeout: timeout)
        }
        guard let http = response as? HTTPURLResponse else {
            try? handle.close()
            return .failure(reason: "no HTTP response", hostUnreachable: false)
        }
        guard http.statusCode == 200 else {
            try? handle.close()
            return .failure(reason: statusReason(http.statusCode), hostUnreachable: false)
        }
        // With a Content-Encoding the announced length is of the encoded bytes; the checksum
        // still catches a short file then.
        let announced = http.expectedContentLength
        if announced >= 0, http.value(forHTTPHeaderField: "Content-Encoding") == nil, Int64(received) != announced {
            try? handle.close()
            return .failure(reason: "truncated transfer: received \(received) of \(announced) bytes", hostUnreachable: false)
        }
        let actual = transfer.hasher.finalize().hex
        guard actual == expected else {
            try? handle.close()
            return .failure(
                reason: "checksum mismatch: SHA-256 \(actual), expected \(expected) (\(received) bytes)",
                hostUnreachable: false)
        }
        do {
            try handle.synchronize()
            try handle.close()
        } catch {
            throw DownloadError.cannotWrite(path: temporary.path, reason: describe(error))
        }
        guard rename(temporary.path, destination.path) == 0 else {
            let reason = String(cString: strerror(errno))
            throw DownloadError.cannotWrite(path: destination.path, reason: reason)
        }
        keep = true
        return .success
    }

    /// A reason for a transfer error, and whether it means the host is out of reach.
    private static func failure(for error: Error, timeout: TimeInterval) -> Outcome {
        guard let urlError = error as? URLError else {
            return .failure(reason: describe(error), hostUnreachable: false)
        }
        switch urlError.code {
        case .cannotConnectToHost:
            return .failure(reason: "connection refused", hostUnreachable: true)
        case .cannotFindHost, .dnsLookupFailed:
            return .failure(reason: "host not found", hostUnreachable: true)
        case .notConnectedToInternet:
            return .failure(reason: "not connected to a network", hostUnreachable: true)
        case .timedOut:
            return .failure(reason: "timed out (no data for \(Int(timeout.rounded())) s)", hostUnreachable: true)
        case .secureConnectionFailed, .serverCertificateUntrusted, .serverCertificateHasBadDate,
             .serverCertificateNotYetValid, .serverCertificateHasUnknownRoot, .clientCertificateRejected:
            return .failure(reason: "TLS failure (\(urlError.localizedDescription))", hostUnreachable: true)
        case .networkConnectionLost:
            return .failure(reason: "connection lost during the transfer", hostUnreachable: false)
        default:
            return .failure(
                reason: "\(urlError.localizedDescription) (URLError \(urlError.code.rawValue))",
                hostUnreachable: false)
        }
    }

    /// `HTTP 404 (not found)`; the same words on every platform (Foundation's differ).
    private static func statusReason(_ status: Int) -> String {
        let phrases: [Int: String] = [
            301: "moved permanently", 302: "found", 304: "not modified", 400: "bad request",
            401: "unauthorized", 403: "forbidden", 404: "not found", 408: "request timeout",
            410: "gone", 429: "too many requests", 500: "internal server error", 502: "bad gateway",
            503: "service unavailable", 504: "gateway timeout",
        ]
        if let phrase = phrases[status] { return "HTTP \(status) (\(phrase))" }
        return "HTTP \(status)"
    }

    private static func describe(_ error: Error) -> String {
        if let error = error as? CocoaError, let path = error.filePath {
            return "\(SystemErrorReason.reason(for: error)) (\(path))"
        }
        return SystemErrorReason.reason(for: error)
    }
}

/// Streams one response body into a file while hashing it. Its state is touched only on the
/// session's serial delegate queue until `finished` is signalled, and only by the caller after.
private final class Transfer: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    let handle: FileHandle
    var hasher = SHA256()
    var byteCount = 0
    var error: Error?
    var writeError: Error?
    let finished = DispatchSemaphore(value: 0)

    init(handle: FileHandle) {
        self.handle = handle
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        guard writeError == nil else { return }
        do {
            try handle.write(contentsOf: data)
            hasher.update(data)
            byteCount += data.count
        } catch {
            writeError = error
            dataTask.cancel()
        }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: Error?) {
        self.error = error
        finished.signal()
    }
}
