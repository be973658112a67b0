import Foundation

/// How the four files of a user's dataset are stored.
public enum ImageFileFormat: String, Sendable, Equatable, Codable {
    /// IDX, the MNIST format, raw or gzip (KMNIST, EMNIST, copies of MNIST).
    case idx
    /// NumPy `.npy` arrays.
    case npy
}

/// What the headers of a dataset's files say, read before anything runs.
public struct DatasetShape: Sendable, Equatable {
    public var trainCount: Int
    public var testCount: Int
    public var rows: Int
    public var columns: Int
    /// The largest label in either split.
    public var largestLabel: Int

    public init(trainCount: Int, testCount: Int, rows: Int, columns: Int, largestLabel: Int) {
        self.trainCount = trainCount
        self.testCount = testCount
        self.rows = rows
        self.columns = columns
        self.largestLabel = largestLabel
    }
}

/// A labelled image dataset from four files a user names: training images and labels, test
/// images and labels, in one format.
///
/// Images are `N × rows × columns` (also `N × 1 × rows × columns` or `N × rows × columns × 1`),
/// or flat `N × pixels` with the image size given or a square number of pixels. Pixels are
/// bytes (0 to 255) or, in `.npy` files, floats in 0...1, kept as the nearest of 256 grey levels
/// (`round(x · 255)`) like every other dataset. Labels are integers from 0 to 255.
public struct LabelledImageFiles: Sendable, Equatable, Codable {
    public var format: ImageFileFormat
    public var trainImages: String
    public var trainLabels: String
    public var testImages: String
    public var testLabels: String
    /// For flat images: rows and columns; nil to take a square.
    public var imageRows: Int?
    public var imageColumns: Int?

    public init(format: ImageFileFormat, trainImages: String, trainLabels: String, testImages: String,
                testLabels: String, imageRows: Int? = nil, imageColumns: Int? = nil) {
        self.format = format
        self.trainImages = trainImages
        self.trainLabels = trainLabels
        self.testImages = testImages
        self.testLabels = testLabels
        self.imageRows = imageRows
        self.imageColumns = imageColumns
    }

    /// Training images, training labels, test images, test labels.
    public var paths: [String] { [trainImages, trainLabels, testImages, testLabels] }

    /// Checks the files without reading the images: headers, shapes, counts and element types,
    /// and the labels in full (they are small). For messages before anything runs.
    /// - Throws: `DatasetError` naming the file at fault.
    public func shape() throws -> DatasetShape {
        var imageShapes: [[Int]] = []
        var labelCounts: [Int] = []
        var largest = 0
        for (index, path) in paths.enumerated() {
            let isImages = index % 2 == 0
            let dimensions: [Int]
            switch format {
            case .idx:
                dimensions = try IDXReader.dimensions(path: path)
            case .npy:
                let header = try NPYReader.header(path: path)
                try Self.check(header, path: path, images: isImages)
                dimensions = header.shape
            }
            if isImages {
                imageShapes.append(dimensions)
            } else {
                labelCounts.append(try Self.labelCount(dimensions, path: path))
            }
        }
        var sizes: [(count: Int, rows: Int, columns: Int)] = []
        for (index, dimensions) in imageShapes.enumerated() {
            sizes.append(try imageSize(dimensions, path: paths[2 * index]))
        }
        try checkTogether(sizes, labelCounts: labelCounts)
        for path in [trainLabels, testLabels] {
            largest = max(largest, try Self.largestLabel(labels(path: path), path: path))
        }
        return DatasetShape(trainCount: sizes[0].count, testCount: sizes[1].count,
                            rows: sizes[0].rows, columns: sizes[0].columns, largestLabel: largest)
    }

    /// Reads both splits (`name/train`, `name/test`).
    ///
    /// - Parameters:
    ///   - classNames: one name per label from 0 to the largest; nil names them `0`, `1`, ….
    ///   - checksumKeys: the names the four files' SHA-256 are recorded under, in `paths` order.
    /// - Throws: `DatasetError` naming the file at fault.
    public func load(name: String, classNames: [String]?, checksumKeys: [String]) throws -> DatasetSplits {
        var images: [(pixels: [UInt8], dimensions: [Int])] = []
        // Exact whatever the file's integer type, so a label out of range is reported as it is.
        var labels: [[Int128]] = []
        var digests: [String] = []
        switch format {
        case .idx:
            let files = try IDXReader.read(paths: paths)
            for (index, file) in files.enumerated() {
                digests.append(file.sha256)
                if index % 2 == 0 {
                    images.append((file.array.bytes, file.array.dimensions))
                } else {
                    _ = try Self.labelCount(file.array.dimensions, path: paths[index])
                    labels.append(file.array.bytes.map { Int128($0) })
                }
            }
        case .npy:
            for (index, path) in paths.enumerated() {
                let file = try NPYReader.read(path: path)
                try Self.check(file.header, path: path, images: index % 2 == 0)
                digests.append(file.sha256)
                if index % 2 == 0 {
                    images.append((try Self.pixels(file, path: path), file.header.shape))
                } else {
                    _ = try Self.labelCount(file.header.shape, path: path)
                    labels.append(try Self.integers(file, path: path))
                }
            }
        }
        let sizes = try [imageSize(images[0].dimensions, path: trainImages),
                         imageSize(images[1].dimensions, path: testImages)]
        try checkTogether(sizes, labelCounts: labels.map(\.count))
        let largestTrain = try Self.largestLabel(labels[0], path: trainLabels)
        let largestTest = try Self.largestLabel(labels[1], path: testLabels)
        let largest = max(largestTrain, largestTest)
        let names = classNames ?? (0...largest).map(String.init)
        if names.count != largest + 1 {
            throw DatasetError.invalidDataset(path: largestTrain >= largestTest ? trainLabels : testLabels,
                                              reason: Self.classCountProblem(names.count, largest: largest))
        }
        func split(_ index: Int, _ suffix: String) -> ImageDataset {
            ImageDataset(name: "\(name)/\(suffix)", width: sizes[index].columns, height: sizes[index].rows,
                         pixels: images[index].pixels, labels: labels[index].map { UInt8($0) }, classNames: names)
        }
        var checksums: [String: String] = [:]
        for (key, digest) in zip(checksumKeys, digests) { checksums[key] = digest }
        return DatasetSplits(train: split(0, "train"), test: split(1, "test"), checksums: checksums)
    }

    /// Why `count` class names do not fit labels up to `largest`.
    public static func classCountProblem(_ count: Int, largest: Int) -> String {
        "\(count) class name\(count == 1 ? "" : "s") given but the labels go from 0 to \(largest): "
            + "give \(largest + 1) names, one per label"
    }

    // MARK: - Checks

    /// Images as `(count, rows, columns)`.
    private func imageSize(_ dimensions: [Int], path: String) throws -> (count: Int, rows: Int, columns: Int) {
        let shape = "(" + dimensions.map(String.init).joined(separator: ", ") + ")"
        func invalid(_ reason: String) -> DatasetError { .invalidDataset(path: path, reason: reason) }
        var result: (count: Int, rows: Int, columns: Int)
        switch dimensions.count {
        case 3:
            result = (dimensions[0], dimensions[1], dimensions[2])
        case 4 where dimensions[1] == 1:
            result = (dimensions[0], dimensions[2], dimensions[3])
        case 4 where dimensions[3] == 1:
            result = (dimensions[0], dimensions[1], dimensions[2])
        case 2:
            let pixels = dimensions[1]
            if let rows = imageRows, let columns = imageColumns {
                guard rows * columns == pixels else {
                    throw invalid("images of \(pixels) pixels each (shape \(shape)) cannot be \(rows)×\(columns)")
                }
                result = (dimensions[0], rows, columns)
            } else {
                let side = Int(Double(pixels).squareRoot().rounded())
                guard side * side == pixels, side > 0 else {
                    throw invalid("flat images of \(pixels) pixels (shape \(shape)) are not square; "
                        + "give their size with size=[rows,columns]")
                }
                result = (dimensions[0], side, side)
            }
        default:
            throw invalid("expected images as count × rows × columns (or count × pixels), found shape \(shape)")
        }
        if result.count == 0 { throw invalid("holds no images") }
        if result.rows == 0 || result.columns == 0 { throw invalid("images of \(result.rows)×\(result.columns) pixels are empty") }
        if dimensions.count != 2, let rows = imageRows, let columns = imageColumns, (rows, columns) != (result.rows, result.columns) {
            throw invalid("images are \(result.rows)×\(result.columns), not the size=[\(rows),\(columns)] given")
        }
        return result
    }

    /// The two splits agree on image size, and each has as many labels as images.
    private func checkTogether(_ sizes: [(count: Int, rows: Int, columns: Int)], labelCounts: [Int]) throws {
        if (sizes[1].rows, sizes[1].columns) != (sizes[0].rows, sizes[0].columns) {
            throw DatasetError.invalidDataset(
                path: testImages, reason: "images are \(sizes[1].rows)×\(sizes[1].columns) but those of "
                    + "\((trainImages as NSString).lastPathComponent) are \(sizes[0].rows)×\(sizes[0].columns)")
        }
        for (index, (size, labels)) in zip(sizes, labelCounts).enumerated() where size.count != labels {
            let imagesPath = index == 0 ? trainImages : testImages
            throw DatasetError.invalidDataset(
                path: index == 0 ? trainLabels : testLabels,
                reason: "\(labels) labels but \((imagesPath as NSString).lastPathComponent) holds \(size.count) images")
        }
    }

    /// The largest label, after checking every label is in 0...255 (labels are kept as bytes).
    private static func largestLabel(_ labels: [Int128], path: String) throws -> Int {
        if let index = labels.firstIndex(where: { !(0...255).contains($0) }) {
            throw DatasetError.invalidDataset(
                path: path, reason: "label \(labels[index]) at index \(index) is out of range: labels must be 0 to 255")
        }
        return Int(labels.max() ?? 0)
    }

    private static func labelCount(_ dimensions: [Int], path: String) throws -> Int {
        if dimensions.count == 1 || (dimensions.count == 2 && dimensions[1] == 1) { return dimensions[0] }
        let shape = "(" + dimensions.map(String.init).joined(separator: ", ") + ")"
        throw DatasetError.invalidDataset(path: path, reason: "expected labels as a list (1 dimension), found shape \(shape)")
    }

    /// The element type and order a `.npy` file needs to be used as images or labels.
    private static func check(_ header: NPYHeader, path: String, images: Bool) throws {
        let type = header.elementType
        if images, !(type.kind == "u" && type.size == 1) && type.kind != "f" {
            throw DatasetError.invalidNPY(
                path: path, reason: "images must be uint8 (|u1) or float32 (<f4) in 0...1, found element type \(type)")
        }
        if !images, !type.isInteger {
            throw DatasetError.invalidNPY(
                path: path, reason: "labels must be integers (such as |u1, <i4 or <i8), found element type \(type)")
        }
        if header.fortranOrder && header.shape.filter({ $0 > 1 }).count > 1 {
            throw DatasetError.invalidNPY(
                path: path, reason: "the array is stored in Fortran order; save it in C order "
                    + "(numpy.save(path, numpy.ascontiguousarray(array)))")
        }
    }

    /// The labels of the labels file at `path`.
    private func labels(path: String) throws -> [Int128] {
        switch format {
        case .idx:
            return try IDXReader.read(path: path).array.bytes.map { Int128($0) }
        case .npy:
            return try Self.integers(NPYReader.read(path: path), path: path)
        }
    }

    private static func integers(_ file: NPYFile, path: String) throws -> [Int128] {
        var labels = [Int128](repeating: 0, count: file.header.elementCount)
        file.forEachInteger { labels[$0] = $1 }
        return labels
    }

    /// Image elements as grey levels: bytes as they are, floats in 0...1 scaled to 0...255.
    private static func pixels(_ file: NPYFile, path: String) throws -> [UInt8] {
        if file.header.elementType.kind == "u" { return file.data }
        var pixels = [UInt8](repeating: 0, count: file.header.elementCount)
        var outside: (index: Int, value: Double)?
        file.forEachValue { index, value in
            if (0...1).contains(value) {
                pixels[index] = UInt8((value * 255).rounded())
            } else if outside == nil {
                outside = (index, value)
            }
        }
        if let outside {
            throw DatasetError.invalidNPY(
                path: path, reason: "pixel \(outside.value) at element \(outside.index) is outside 0...1; "
                    + "float images must be scaled to 0...1 (or saved as uint8 0 to 255)")
        }
        return pixels
    }
}
