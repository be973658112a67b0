import Checksums
import Foundation

/// The bytes of one cache entry: a JSON header, raw little-endian floats beside it, and a
/// SHA-256 of everything before it, so a damaged or truncated entry is found, never trusted.
///
/// Layout: the line `notebook-cache-entry/1 KIND\n`, the header's length (UInt64, little
/// endian) and the header, the number of floats (UInt64) and the floats, then the 32-byte
/// digest. Entries are written to a temporary file and renamed into place.
enum CacheEntryFile {
    static func encode(kind: String, header: Data, floats: [[Float]]) -> Data {
        var data = Data("notebook-cache-entry/1 \(kind)\n".utf8)
        append(UInt64(header.count), to: &data)
        data.append(header)
        let total = floats.reduce(0) { $0 + $1.count }
        append(UInt64(total), to: &data)
        data.reserveCapacity(data.count + total * 4 + 32)
        for array in floats {
            array.withUnsafeBufferPointer { buffer in
                // Floats are stored little-endian; every machine this builds on is little-endian.
                data.append(UnsafeBufferPointer(start: UnsafeRawPointer(buffer.baseAddress)?
                    .assumingMemoryBound(to: UInt8.self), count: buffer.count * 4))
            }
        }
        let digest = data.withUnsafeBytes { SHA256.hash($0).bytes }
        data.append(contentsOf: digest)
        return data
    }

    /// The header and the floats (in one run; the header says how they split).
    static func decode(_ data: Data, kind: String) throws -> (header: Data, floats: [Float]) {
        let bytes = [UInt8](data)
        guard bytes.count >= 32 else { throw CacheEntryError.damaged("truncated") }
        let body = bytes[..<(bytes.count - 32)]
        guard SHA256.hash(Array(body)).bytes == Array(bytes[(bytes.count - 32)...]) else {
            throw CacheEntryError.damaged("its checksum does not match")
        }
        let magic = Array("notebook-cache-entry/1 \(kind)\n".utf8)
        guard body.starts(with: magic) else { throw CacheEntryError.damaged("it is not a \(kind) entry") }
        var offset = magic.count
        func readCount() throws -> Int {
            guard offset + 8 <= body.count else { throw CacheEntryError.damaged("truncated") }
            var value: UInt64 = 0
            for index in 0..<8 { value |= UInt64(body[offset + index]) << (8 * UInt64(index)) }
            offset += 8
            guard value <= UInt64(body.count) else { throw CacheEntryError.damaged("a length is out of range") }
            return Int(value)
        }
        let headerLength = try readCount()
        guard offset + headerLength <= body.count else { throw CacheEntryError.damaged("truncated") }
        let header = Data(body[offset..<(offset + headerLength)])
        offset += headerLength
        let floatCount = try readCount()
        guard offset + floatCount * 4 == body.count else { throw CacheEntryError.damaged("its length is wrong") }
        var floats = [Float](repeating: 0, count: floatCount)
        floats.withUnsafeMutableBytes { destination in
            body.withUnsafeBytes { source in
                if floatCount > 0 {
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

/// A cache entry that cannot be used: it is reported in one line and computed again.
enum CacheEntryError: Error, CustomStringConvertible {
    case damaged(String)

    var description: String {
        switch self {
        case .damaged(let reason): reason
        }
    }
}
