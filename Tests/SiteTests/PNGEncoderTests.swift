import Site
import Testing

@Suite struct PNGEncoderTests {
    @Test(arguments: [(1, 1), (3, 2), (28, 28), (31, 7)])
    func encodesAValidGreyScalePNG(width: Int, height: Int) throws {
        let pixels = (0..<(width * height)).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ ($0 / width) &* 11) }
        let png = try PNGEncoder.encodeGrayscale(width: width, height: height, pixels: pixels)
        #expect(Array(png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        let decoded = try DecodedPNG(png)
        #expect(decoded.chunkTypes == ["IHDR", "IDAT", "IEND"])
        #expect(decoded.width == width)
        #expect(decoded.height == height)
        #expect(decoded.bitDepth == 8)
        #expect(decoded.colorType == 0)
        #expect(decoded.compression == 0)
        #expect(decoded.filter == 0)
        #expect(decoded.interlace == 0)
        #expect(decoded.pixels == pixels)
    }

    @Test func isDeterministic() throws {
        let pixels = (0..<100).map { UInt8($0 * 2) }
        let first = try PNGEncoder.encodeGrayscale(width: 10, height: 10, pixels: pixels)
        let second = try PNGEncoder.encodeGrayscale(width: 10, height: 10, pixels: pixels)
        #expect(first == second)
    }

    @Test func rejectsMismatchedSizes() {
        #expect(throws: PNGEncodingError.self) {
            try PNGEncoder.encodeGrayscale(width: 2, height: 2, pixels: [1, 2, 3])
        }
        #expect(throws: PNGEncodingError.self) {
            try PNGEncoder.encodeGrayscale(width: 0, height: 2, pixels: [])
        }
    }

    @Test func base64() {
        #expect(PNGEncoder.base64([]) == "")
        #expect(PNGEncoder.base64(Array("Man".utf8)) == "TWFu")
        #expect(PNGEncoder.base64(Array("Ma".utf8)) == "TWE=")
        #expect(PNGEncoder.dataURI(png: [0xFF]) == "data:image/png;base64,/w==")
    }
}
