/// A labelled set of grey-scale images kept as bytes, converted to floats per batch.
///
/// Keeping `UInt8` storage makes full Fashion-MNIST 47 MB instead of 188 MB.
public struct ImageDataset: Sendable, Equatable {
    /// A short name for messages and the record (`fashion-mnist/train`).
    public var name: String
    public var width: Int
    public var height: Int
    /// `count * height * width` pixel bytes, image after image, row-major.
    public var pixels: [UInt8]
    /// One class index per image.
    public var labels: [UInt8]
    /// Human-readable class names, indexed by label.
    public var classNames: [String]

    public init(name: String, width: Int, height: Int, pixels: [UInt8], labels: [UInt8], classNames: [String]) {
        precondition(pixels.count == labels.count * width * height, "pixel count does not match labels")
        self.name = name
        self.width = width
        self.height = height
        self.pixels = pixels
        self.labels = labels
        self.classNames = classNames
    }

    public var count: Int { labels.count }
    public var pixelsPerImage: Int { width * height }

    /// The first `n` images (all of them when `n` is larger), in file order.
    public func prefix(_ n: Int) -> ImageDataset {
        let kept = min(max(n, 0), count)
        return ImageDataset(name: name, width: width, height: height,
                            pixels: Array(pixels[0..<(kept * pixelsPerImage)]),
                            labels: Array(labels[0..<kept]), classNames: classNames)
    }

    /// Image `index` as intensities in 0...1.
    public func image(_ index: Int) -> [Float] {
        let start = index * pixelsPerImage
        return pixels[start..<(start + pixelsPerImage)].map { Float($0) / 255 }
    }
}

/// The train and test splits of a dataset with the checksums of the files they came from.
public struct DatasetSplits: Sendable, Equatable {
    public var train: ImageDataset
    public var test: ImageDataset
    /// File name → SHA-256 (lowercase hex) of the file bytes as stored on disk.
    public var checksums: [String: String]

    public init(train: ImageDataset, test: ImageDataset, checksums: [String: String]) {
        self.train = train
        self.test = test
        self.checksums = checksums
    }
}
