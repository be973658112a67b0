import Checksums
import Crypto
import Foundation
import Testing

/// Cache entries rewritten as a stranger would, for tests of what the cache then does.
///
/// An entry is `notebook-cache-entry/2 KIND KEY KEY-ID\n`, the header's length and the header,
/// the number of floats and the floats, then a 32-byte HMAC-SHA-256 of all that.
enum CacheEntryEditor {
    /// How an edited entry is sealed again.
    enum Seal {
        /// With the test key (`CacheAuthenticationKey.forTests`): what only someone holding
        /// the user's key, or a bug, could do.
        case testKey
        /// With a plain SHA-256 in place of the code: what the previous format accepted.
        case sha256
    }

    static let testKeyBytes = [UInt8](repeating: 0x5a, count: 32)

    /// The parts of an entry.
    struct Parts {
        var firstLine: String
        var header: [UInt8]
        var floats: [Float]
    }

    static func parts(of url: URL) throws -> Parts {
        let bytes = [UInt8](try Data(contentsOf: url))
        let lineEnd = try #require(bytes.firstIndex(of: 0x0A))
        func count(at offset: Int) -> Int {
            var value = 0
            for index in 0..<8 { value |= Int(bytes[offset + index]) << (8 * index) }
            return value
        }
        let headerLength = count(at: lineEnd + 1)
        let headerStart = lineEnd + 9
        let floatCount = count(at: headerStart + headerLength)
        let floatStart = headerStart + headerLength + 8
        let floats = (0..<floatCount).map { index in
            Float(bitPattern: UInt32(bytes[floatStart + 4 * index]) | UInt32(bytes[floatStart + 4 * index + 1]) << 8
                  | UInt32(bytes[floatStart + 4 * index + 2]) << 16 | UInt32(bytes[floatStart + 4 * index + 3]) << 24)
        }
        return Parts(firstLine: String(decoding: bytes[..<lineEnd], as: UTF8.self),
                     header: Array(bytes[headerStart..<(headerStart + headerLength)]), floats: floats)
    }

    static func write(_ parts: Parts, to url: URL, seal: Seal) throws {
        var body = Array((parts.firstLine + "\n").utf8)
        func append(_ value: Int) { for index in 0..<8 { body.append(UInt8(truncatingIfNeeded: value >> (8 * index))) } }
        append(parts.header.count)
        body += parts.header
        append(parts.floats.count)
        for value in parts.floats {
            for index in 0..<4 { body.append(UInt8(truncatingIfNeeded: value.bitPattern >> (8 * UInt32(index)))) }
        }
        switch seal {
        case .testKey: body += Array(HMAC<Crypto.SHA256>.authenticationCode(for: body, using: SymmetricKey(data: testKeyBytes)))
        case .sha256: body += Checksums.SHA256.hash(body).bytes
        }
        try Data(body).write(to: url)
    }

    /// Changes the entry's JSON header with `edit` and seals it again; false (and the entry
    /// left alone) when the edit changes nothing.
    @discardableResult
    static func editHeader(_ url: URL, seal: Seal = .testKey, _ edit: (String) -> String) throws -> Bool {
        var entry = try parts(of: url)
        let header = String(decoding: entry.header, as: UTF8.self)
        let edited = edit(header)
        guard edited != header else { return false }
        entry.header = Array(edited.utf8)
        try write(entry, to: url, seal: seal)
        return true
    }

    /// The entries of sub-folder `kind` of a cache.
    static func entries(_ kind: String, in cache: URL) throws -> [URL] {
        let folder = cache.appendingPathComponent(kind)
        return try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { !$0.hasPrefix(".") }.sorted()
            .map { folder.appendingPathComponent($0) }
    }
}
