import Foundation

/// The bytes of one cache entry: the entry's own kind and key, a JSON header, raw
/// little-endian floats beside it, and an HMAC-SHA-256 of everything before it under the
/// user's cache key, so an entry that was damaged, edited, moved to another key's name or
/// made with another key is found, never trusted.
///
/// Layout: the line `notebook-cache-entry/2 KIND KEY KEY-ID\n`, the header's length (UInt64,
/// little endian) and the header, the number of floats (UInt64) and the floats, then the
/// 32-byte authentication code.
enum CacheEntryFile {
    static let version = "notebook-cache-entry/2"
    private static let codeLength = 32

    static func encode(kind: String, key: String, header: Data, floats: [[Float]],
                       authentication: CacheAuthenticationKey) -> Data {
        var data = Data("\(version) \(kind) \(key) \(authentication.id)\n".utf8)
        let total = floats.reduce(0) { $0 + $1.count }
        data.reserveCapacity(data.count + 16 + header.count + total * 4 + codeLength)
        append(UInt64(header.count), to: &data)
        data.append(header)
        append(UInt64(total), to: &data)
        for array in floats {
            array.withUnsafeBufferPointer { buffer in
                // Floats are stored little-endian; every machine this builds on is little-endian.
                data.append(UnsafeBufferPointer(start: UnsafeRawPointer(buffer.baseAddress)?
                    .assumingMemoryBound(to: UInt8.self), count: buffer.count * 4))
            }
        }
        data.append(contentsOf: authentication.code([data]))
        return data
    }

    /// The header and the floats (in one run; the header says how they split) of the entry
    /// `kind`/`key`.
    static func decode(_ data: Data, kind: String, key: String,
                       authentication: CacheAuthenticationKey) throws(CacheEntryError) -> (header: Data, floats: [Float]) {
        let bytes = data.startIndex == 0 ? data : Data(data)
        guard let newline = bytes.prefix(256).firstIndex(of: 0x0A) else { throw .damaged("it is not a cache entry") }
        let words = String(decoding: bytes[..<newline], as: UTF8.self).split(separator: " ").map(String.init)
        guard words.count == 4, words[0] == version else { throw .damaged("it is not a cache entry of this version") }
        guard words[3] == authentication.id else { throw .anotherKey }
        guard bytes.count >= newline + 1 + codeLength else { throw .damaged("truncated") }
        let body = bytes[..<(bytes.count - codeLength)]
        guard authentication.code([body]) == Array(bytes[(bytes.count - codeLength)...]) else {
            throw .damaged("it is damaged or was changed outside notebook: its authentication code does not match")
        }
        // Authentic, so the names in it are the ones it was written under.
        guard words[1] == kind, words[2] == key else { throw .misplaced(kind: words[1], key: words[2]) }
        var offset = newline + 1
        func readCount() throws(CacheEntryError) -> Int {
            guard offset + 8 <= body.count else { throw .damaged("truncated") }
            var value: UInt64 = 0
            for index in 0..<8 { value |= UInt64(body[offset + index]) << (8 * UInt64(index)) }
            offset += 8
            guard value <= UInt64(body.count) else { throw .damaged("a length is out of range") }
            return Int(value)
        }
        let headerLength = try readCount()
        guard offset + headerLength <= body.count else { throw .damaged("truncated") }
        let header = Data(body[offset..<(offset + headerLength)])
        offset += headerLength
        let floatCount = try readCount()
        guard offset + floatCount * 4 == body.count else { throw .damaged("its length is wrong") }
        var floats = [Float](repeating: 0, count: floatCount)
        if floatCount > 0 {
            floats.withUnsafeMutableBytes { destination in
                body.withUnsafeBytes { source in
                    destination.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[offset..<(offset + floatCount * 4)]))
                }
            }
        }
        return (header, floats)
    }

    private static func append(_ value: UInt64, to data: inout Data) {
        for index in 0..<8 { data.append(UInt8(truncatingIfNeeded: value >> (8 * UInt64(index)))) }
    }
}

/// A cache entry that cannot be used: reported, and computed again.
enum CacheEntryError: Error, CustomStringConvertible {
    case damaged(String)
    /// Made with another cache key: another user's, or before the key changed.
    case anotherKey
    /// An authentic entry of another kind or key, found under this one's name.
    case misplaced(kind: String, key: String)

    var description: String {
        switch self {
        case .damaged(let reason): reason
        case .anotherKey: "it was made with another cache key"
        case .misplaced(let kind, let key): "it holds \(kind)/\(key.prefix(12)), not this entry"
        }
    }
}
