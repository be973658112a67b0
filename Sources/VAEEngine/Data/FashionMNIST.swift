import Foundation

/// Fashion-MNIST (Zalando): 60 000 training and 10 000 test grey-scale images of 28 × 28
/// pixels in ten clothing classes, read from the four gzip IDX files of the original release.
///
/// On Debian the package `dataset-fashion-mnist` installs them in `defaultDirectory`
/// (`scripts/bootstrap` installs the package).
public enum FashionMNIST {
    public static let defaultDirectory = "/usr/share/datasets/fashion-mnist"

    public static let classNames = [
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
        "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
    ]

    /// The file names in `directory`, in the order they are read.
    public static let trainImagesFile = "train-images-idx3-ubyte.gz"
    public static let trainLabelsFile = "train-labels-idx1-ubyte.gz"
    public static let testImagesFile = "t10k-images-idx3-ubyte.gz"
    public static let testLabelsFile = "t10k-labels-idx1-ubyte.gz"

    /// What a missing-file message adds: where the files come from.
    public static let missingFileHint =
        "Debian's package dataset-fashion-mnist provides it (scripts/bootstrap installs it)"

    /// Throws the `DatasetError` `load(directory:)` would for a missing file, without reading
    /// any: what can be known before a notebook runs.
    public static func checkAvailable(directory: String = defaultDirectory) throws {
        try IDXDataset.checkFilesExist(directory: directory,
                                       names: [trainImagesFile, trainLabelsFile, testImagesFile, testLabelsFile],
                                       hint: missingFileHint)
    }

    /// Loads both splits (`fashion-mnist/train`, `fashion-mnist/test`) with the SHA-256 of
    /// each file, keyed by file name.
    /// - Throws: `DatasetError` naming the file at fault.
    public static func load(directory: String = defaultDirectory) throws -> DatasetSplits {
        try IDXDataset.loadSplits(
            directory: directory,
            trainImages: trainImagesFile, trainLabels: trainLabelsFile,
            testImages: testImagesFile, testLabels: testLabelsFile,
            name: "fashion-mnist", classNames: classNames,
            imageSize: (rows: 28, columns: 28),
            missingFileHint: missingFileHint)
    }
}

/// A labelled image dataset stored as four IDX files (MNIST layout): images `N × rows × columns`
/// and labels `N` for a training and a test split.
public enum IDXDataset {
    /// Reads and cross-checks the four files in `directory`.
    ///
    /// Checks: images have 3 dimensions (and the given `imageSize`, when there is one), the
    /// two splits have the same image size, labels have 1 dimension and as many entries as
    /// there are images, and every label indexes `classNames`.
    ///
    /// - Parameters:
    ///   - name: the dataset's short name; the splits are called `name/train` and `name/test`.
    ///   - imageSize: the required image size, or nil to accept any (the same for both splits).
    ///   - missingFileHint: appended to the message when a file is missing, to say where the
    ///     files come from.
    /// - Returns: the splits and a checksum (SHA-256 of the file as stored) per file name.
    /// - Throws: `DatasetError` naming the file at fault.
    public static func loadSplits(
        directory: String,
        trainImages: String, trainLabels: String,
        testImages: String, testLabels: String,
        name: String, classNames: [String],
        imageSize: (rows: Int, columns: Int)? = nil,
        missingFileHint: String? = nil
    ) throws -> DatasetSplits {
        let names = [trainImages, trainLabels, testImages, testLabels]
        let paths = names.map { (directory as NSString).appendingPathComponent($0) }

        // Report a missing file before spending time decoding the others.
        try checkFilesExist(directory: directory, names: names, hint: missingFileHint)
        let files = try IDXReader.read(paths: paths)  // in parallel

        var checksums: [String: String] = [:]
        for (fileName, file) in zip(names, files) {
            checksums[fileName] = file.sha256
        }
        let train = try makeSplit(
            name: "\(name)/train", images: files[0].array, imagesPath: paths[0],
            labels: files[1].array, labelsPath: paths[1], classNames: classNames, imageSize: imageSize)
        let size = (rows: train.height, columns: train.width)
        let test = try makeSplit(
            name: "\(name)/test", images: files[2].array, imagesPath: paths[2],
            labels: files[3].array, labelsPath: paths[3], classNames: classNames,
            imageSize: imageSize ?? size)
        return DatasetSplits(train: train, test: test, checksums: checksums)
    }

    /// Throws `DatasetError.fileNotFound` for the first of `names` not in `directory`, with
    /// `hint` (where the files come from) after the reason.
    public static func checkFilesExist(directory: String, names: [String], hint: String?) throws {
        for name in names {
            try checkExists(path: (directory as NSString).appendingPathComponent(name), directory: directory, hint: hint)
        }
    }

    private static func checkExists(path: String, directory: String, hint: String?) throws {
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) { return }
        var reason = "no such file"
        if !FileManager.default.fileExists(atPath: directory, isDirectory: &isFolder) {
            reason += " (the folder \(directory) does not exist)"
        } else if !isFolder.boolValue {
            reason += " (\(directory) is not a folder)"
        }
        if let hint { reason += "; " + hint }
        throw DatasetError.fileNotFound(path: path, reason: reason)
    }

    private static func makeSplit(
        name: String, images: IDXArray, imagesPath: String, labels: IDXArray, labelsPath: String,
        classNames: [String], imageSize: (rows: Int, columns: Int)?
    ) throws -> ImageDataset {
        func shape(_ dimensions: [Int]) -> String { dimensions.map(String.init).joined(separator: " × ") }

        guard images.dimensions.count == 3 else {
            throw DatasetError.invalidDataset(
                path: imagesPath,
                reason: "expected images as count × rows × columns (3 dimensions), found \(shape(images.dimensions))")
        }
        let (count, rows, columns) = (images.dimensions[0], images.dimensions[1], images.dimensions[2])
        if let imageSize, imageSize.rows != rows || imageSize.columns != columns {
            throw DatasetError.invalidDataset(
                path: imagesPath,
                reason: "expected images of \(imageSize.rows) × \(imageSize.columns) pixels, found \(rows) × \(columns)")
        }
        guard labels.dimensions.count == 1 else {
            throw DatasetError.invalidDataset(
                path: labelsPath,
                reason: "expected labels as a list (1 dimension), found \(shape(labels.dimensions))")
        }
        guard labels.dimensions[0] == count else {
            let imagesName = (imagesPath as NSString).lastPathComponent
            throw DatasetError.invalidDataset(
                path: labelsPath,
                reason: "\(labels.dimensions[0]) labels but \(imagesName) holds \(count) images")
        }
        if let index = labels.bytes.firstIndex(where: { Int($0) >= classNames.count }) {
            throw DatasetError.invalidDataset(
                path: labelsPath,
                reason: "label \(labels.bytes[index]) at index \(index) is out of range: "
                    + "there are \(classNames.count) classes (0 to \(classNames.count - 1))")
        }
        return ImageDataset(name: name, width: columns, height: rows, pixels: images.bytes,
                            labels: labels.bytes, classNames: classNames)
    }
}
