import NotebookResults
import Checksums

/// An image grid reduced to what `check` needs: its shape, intensity statistics, a 7×7
/// thumbnail of every image, and a hash of the exact pixels.
///
/// Statistics and thumbnails change a little when floats do and a lot when the model does;
/// the hash catches any change at all when the configuration is the same.
public struct GridFingerprint: Sendable, Equatable, Codable {
    public var rows: Int
    public var columns: Int
    public var imageWidth: Int
    public var imageHeight: Int
    public var mean: Double
    public var standardDeviation: Double
    public var minimum: Double
    public var maximum: Double
    /// Per image: 7×7 block means of its intensities, each as two hex digits (0…255), row by row.
    public var thumbnails: [String]
    /// SHA-256 of every intensity's Float bits, little-endian, in grid order.
    public var sha256: String

    /// Thumbnail side: 28-pixel images pool 4×4 blocks; coarse enough to ignore float noise.
    public static let thumbnailSide = 7

    enum CodingKeys: String, CodingKey {
        case rows, columns, mean, minimum, maximum, thumbnails, sha256
        case imageWidth = "image-width"
        case imageHeight = "image-height"
        case standardDeviation = "standard-deviation"
    }

    init(_ grid: ImageGridOutput) {
        rows = grid.rows
        columns = grid.columns
        imageWidth = grid.imageWidth
        imageHeight = grid.imageHeight
        var sum = 0.0, sumOfSquares = 0.0, count = 0
        var low = Double.infinity, high = -Double.infinity
        var hash = SHA256()
        for image in grid.images {
            for value in image {
                let v = Double(value)
                sum += v
                sumOfSquares += v * v
                low = Swift.min(low, v)
                high = Swift.max(high, v)
            }
            count += image.count
            image.withUnsafeBytes { hash.update($0) }
        }
        let average = count > 0 ? sum / Double(count) : 0
        mean = average
        standardDeviation = count > 0 ? Swift.max(0, sumOfSquares / Double(count) - average * average).squareRoot() : 0
        minimum = count > 0 ? low : 0
        maximum = count > 0 ? high : 0
        thumbnails = grid.images.map { Self.thumbnail($0, width: grid.imageWidth, height: grid.imageHeight) }
        sha256 = hash.finalize().hex
    }

    /// Block means of one image on a `thumbnailSide`² grid, as hex bytes.
    static func thumbnail(_ image: [Float], width: Int, height: Int) -> String {
        let side = thumbnailSide
        var text = ""
        for blockRow in 0..<side {
            let top = blockRow * height / side, bottom = Swift.max(top + 1, (blockRow + 1) * height / side)
            for blockColumn in 0..<side {
                let left = blockColumn * width / side, right = Swift.max(left + 1, (blockColumn + 1) * width / side)
                var sum = 0.0, count = 0
                for y in top..<Swift.min(bottom, height) {
                    for x in left..<Swift.min(right, width) where y * width + x < image.count {
                        sum += Double(image[y * width + x])
                        count += 1
                    }
                }
                let level = count > 0 ? Int((Swift.min(1, Swift.max(0, sum / Double(count))) * 255).rounded()) : 0
                text += String(level, radix: 16, uppercase: false).leftPadded(to: 2)
            }
        }
        return text
    }

    /// A thumbnail's levels in 0…1, for comparing and drawing.
    public static func levels(of thumbnail: String) -> [Double]? {
        let digits = Array(thumbnail.utf8)
        guard digits.count == 2 * thumbnailSide * thumbnailSide else { return nil }
        var levels: [Double] = []
        for index in stride(from: 0, to: digits.count, by: 2) {
            guard let byte = UInt8(String(decoding: digits[index..<index + 2], as: UTF8.self), radix: 16) else { return nil }
            levels.append(Double(byte) / 255)
        }
        return levels
    }
}

extension String {
    func leftPadded(to width: Int, with pad: Character = "0") -> String {
        count >= width ? self : String(repeating: pad, count: width - count) + self
    }
}
