import Checksums
import Foundation

/// SHA-256 of input files for cache keys, each file hashed once per process and size/mtime.
enum FileDigest {
    private static let memo = Memo()

    /// The file's SHA-256 (hex), or `missing` when it cannot be read (the run then reports it).
    static func of(_ url: URL) -> String {
        let path = url.standardizedFileURL.path
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else { return "missing" }
        let stamp = "\(path)|\(attributes[.size] ?? 0)|\((attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0)"
        if let known = memo.get(stamp) { return known }
        guard let data = FileManager.default.contents(atPath: path) else { return "missing" }
        let digest = data.withUnsafeBytes { SHA256.hash($0).hex }
        memo.set(stamp, digest)
        return digest
    }

    private final class Memo: @unchecked Sendable {
        private var digests: [String: String] = [:]
        private let lock = NSLock()
        func get(_ key: String) -> String? { lock.withLock { digests[key] } }
        func set(_ key: String, _ value: String) { lock.withLock { digests[key] = value } }
    }
}
