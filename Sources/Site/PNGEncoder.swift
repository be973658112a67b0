import CZlib
import Foundation

/// Why an image could not be encoded as PNG.
public struct PNGEncodingError: Error, Equatable, CustomStringConvertible {
    public var reason: String

    public init(reason: String) {
        self.reason = reason
    }

    public var description: String { "cannot encode PNG: \(reason)" }
}

/// Encodes 8-bit grey-scale images as PNG files, for embedding in pages as data URIs.
///
/// The encoder writes the smallest valid PNG for this case: the signature, an
/// `IHDR` (colour type 0, bit depth 8, no interlace), one `IDAT` with the filtered
/// rows deflated by zlib at level 9, and `IEND`. Each row gets the filter that
/// minimises the sum of absolute filtered bytes (the heuristic libpng uses), which
/// keeps smooth reconstructions and large manifolds small. Output is a pure function
/// of the input, so pages are byte-identical across runs.
public enum PNGEncoder {
    /// The eight bytes every PNG file starts with.
    public static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// Encodes `pixels` (row-major, `width * height` bytes, 0 = black, 255 = white).
    public static func encodeGrayscale(width: Int, height: Int, pixels: [UInt8]) throws -> [UInt8] {
        guard width > 0, height > 0, width <= Int(Int32.max), height <= Int(Int32.max) else {
            throw PNGEncodingError(reason: "image size \(width)x\(height) is empty or too large")
        }
        guard pixels.count == width * height else {
            throw PNGEncodingError(reason: "expected \(width * height) pixels for \(width)x\(height), got \(pixels.count)")
        }
        var header: [UInt8] = []
        header.appendBigEndian(UInt32(width))
        header.appendBigEndian(UInt32(height))
        header += [8, 0, 0, 0, 0] // bit depth 8, grey-scale, deflate, adaptive filtering, no interlace

        let compressed = try deflate(filteredRows(width: width, height: height, pixels: pixels))

        var png = signature
        appendChunk("IHDR", header, to: &png)
        appendChunk("IDAT", compressed, to: &png)
        appendChunk("IEND", [], to: &png)
        return png
    }

    /// The standard Base64 text of `bytes` (RFC 4648, with padding, no line breaks).
    public static func base64(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
    }

    /// A `data:` URI that embeds a PNG file in a page.
    public static func dataURI(png bytes: [UInt8]) -> String {
        "data:image/png;base64," + base64(bytes)
    }

    /// The rows, each prefixed with the filter type byte chosen for it.
    private static func filteredRows(width: Int, height: Int, pixels: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity((width + 1) * height)
        let zeroRow = [UInt8](repeating: 0, count: width)
        var candidate = [UInt8](repeating: 0, count: width)
        var best = [UInt8](repeating: 0, count: width)
        pixels.withUnsafeBufferPointer { image in
            for y in 0..<height {
                let row = Array(image[(y * width)..<((y + 1) * width)])
                let above = y == 0 ? zeroRow : Array(image[((y - 1) * width)..<(y * width)])
                var bestFilter: UInt8 = 0
                var bestCost = Int.max
                for filter: UInt8 in 0...4 {
                    var cost = 0
                    for x in 0..<width {
                        let left = x == 0 ? 0 : row[x - 1]
                        let upLeft = x == 0 ? 0 : above[x - 1]
                        let predicted: UInt8
                        switch filter {
                        case 0: predicted = 0
                        case 1: predicted = left
                        case 2: predicted = above[x]
                        case 3: predicted = UInt8((Int(left) + Int(above[x])) / 2)
                        default: predicted = paethPredictor(left: left, above: above[x], upperLeft: upLeft)
                        }
                        let value = row[x] &- predicted
                        candidate[x] = value
                        cost += value < 128 ? Int(value) : 256 - Int(value)
                    }
                    if cost < bestCost {
                        bestCost = cost
                        bestFilter = filter
                        swap(&best, &candidate)
                    }
                }
                output.append(bestFilter)
                output += best
            }
        }
        return output
    }

    /// The Paeth predictor of the PNG specification (section 9.4).
    private static func paethPredictor(left: UInt8, above: UInt8, upperLeft: UInt8) -> UInt8 {
        let estimate = Int(left) + Int(above) - Int(upperLeft)
        let distanceLeft = abs(estimate - Int(left))
        let distanceAbove = abs(estimate - Int(above))
        let distanceUpperLeft = abs(estimate - Int(upperLeft))
        if distanceLeft <= distanceAbove && distanceLeft <= distanceUpperLeft { return left }
        if distanceAbove <= distanceUpperLeft { return above }
        return upperLeft
    }

    /// A zlib stream of `bytes` at the best compression level.
    private static func deflate(_ bytes: [UInt8]) throws -> [UInt8] {
        var capacity = compressBound(uLong(bytes.count))
        var output = [UInt8](repeating: 0, count: Int(capacity))
        let status = output.withUnsafeMutableBufferPointer { destination in
            bytes.withUnsafeBufferPointer { source in
                compress2(destination.baseAddress, &capacity, source.baseAddress, uLong(source.count), 9)
            }
        }
        guard status == Z_OK else {
            throw PNGEncodingError(reason: "zlib compress2 failed with status \(status)")
        }
        return Array(output.prefix(Int(capacity)))
    }

    /// Appends one chunk: length, type, data and the CRC-32 of type and data.
    private static func appendChunk(_ type: String, _ data: [UInt8], to png: inout [UInt8]) {
        let typeAndData = Array(type.utf8) + data
        png.appendBigEndian(UInt32(data.count))
        png += typeAndData
        let checksum = typeAndData.withUnsafeBufferPointer { buffer in
            crc32(crc32(0, nil, 0), buffer.baseAddress, uInt(buffer.count))
        }
        png.appendBigEndian(UInt32(truncatingIfNeeded: checksum))
    }
}

extension [UInt8] {
    /// Appends `value` in network byte order, as PNG stores every integer.
    fileprivate mutating func appendBigEndian(_ value: UInt32) {
        append(UInt8(truncatingIfNeeded: value >> 24))
        append(UInt8(truncatingIfNeeded: value >> 16))
        append(UInt8(truncatingIfNeeded: value >> 8))
        append(UInt8(truncatingIfNeeded: value))
    }
}
