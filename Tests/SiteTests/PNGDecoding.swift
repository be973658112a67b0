import CZlib
import Foundation

/// A minimal reader for the grey-scale PNG files the Site writes, to check them in tests.
struct DecodedPNG {
    var width: Int
    var height: Int
    var bitDepth: UInt8
    var colorType: UInt8
    var compression: UInt8
    var filter: UInt8
    var interlace: UInt8
    var chunkTypes: [String]
    var pixels: [UInt8]

    enum Failure: Error { case badSignature, truncated, badChecksum(String), inflate(Int32), badFilter(UInt8) }

    init(_ bytes: [UInt8]) throws {
        guard bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) else { throw Failure.badSignature }
        func integer(at offset: Int) throws -> Int {
            guard offset + 4 <= bytes.count else { throw Failure.truncated }
            return bytes[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
        }
        var offset = 8
        var header: [UInt8] = []
        var compressed: [UInt8] = []
        chunkTypes = []
        while offset < bytes.count {
            let length = try integer(at: offset)
            guard offset + 12 + length <= bytes.count else { throw Failure.truncated }
            let typeAndData = Array(bytes[(offset + 4)..<(offset + 8 + length)])
            let type = String(decoding: typeAndData.prefix(4), as: UTF8.self)
            let expected = typeAndData.withUnsafeBufferPointer { crc32(0, $0.baseAddress, uInt($0.count)) }
            guard try integer(at: offset + 8 + length) == Int(expected) else { throw Failure.badChecksum(type) }
            chunkTypes.append(type)
            if type == "IHDR" { header = Array(typeAndData.dropFirst(4)) }
            if type == "IDAT" { compressed += typeAndData.dropFirst(4) }
            offset += 12 + length
        }
        guard header.count == 13 else { throw Failure.truncated }
        width = header[0..<4].reduce(0) { $0 << 8 | Int($1) }
        height = header[4..<8].reduce(0) { $0 << 8 | Int($1) }
        (bitDepth, colorType, compression, filter, interlace) = (header[8], header[9], header[10], header[11], header[12])

        var rawLength = uLongf((width + 1) * height)
        var raw = [UInt8](repeating: 0, count: Int(rawLength))
        let status = compressed.withUnsafeBufferPointer { source in
            uncompress(&raw, &rawLength, source.baseAddress, uLong(source.count))
        }
        guard status == Z_OK, Int(rawLength) == (width + 1) * height else { throw Failure.inflate(status) }

        var pixels = [UInt8](repeating: 0, count: width * height)
        for y in 0..<height {
            let filterType = raw[y * (width + 1)]
            for x in 0..<width {
                let value = raw[y * (width + 1) + 1 + x]
                let left = x > 0 ? Int(pixels[y * width + x - 1]) : 0
                let above = y > 0 ? Int(pixels[(y - 1) * width + x]) : 0
                let upperLeft = x > 0 && y > 0 ? Int(pixels[(y - 1) * width + x - 1]) : 0
                let predicted: Int
                switch filterType {
                case 0: predicted = 0
                case 1: predicted = left
                case 2: predicted = above
                case 3: predicted = (left + above) / 2
                case 4:
                    let estimate = left + above - upperLeft
                    let (a, b, c) = (abs(estimate - left), abs(estimate - above), abs(estimate - upperLeft))
                    predicted = a <= b && a <= c ? left : (b <= c ? above : upperLeft)
                default: throw Failure.badFilter(filterType)
                }
                pixels[y * width + x] = value &+ UInt8(predicted)
            }
        }
        self.pixels = pixels
    }

    /// Decodes the first `data:image/png;base64,` URI found in `markup`.
    init(firstDataURIIn markup: String) throws {
        let prefix = "data:image/png;base64,"
        guard let start = markup.range(of: prefix) else { throw Failure.truncated }
        let base64 = markup[start.upperBound...].prefix { $0 != "\"" }
        guard let data = Data(base64Encoded: String(base64)) else { throw Failure.truncated }
        try self.init([UInt8](data))
    }
}
