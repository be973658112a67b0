import Foundation

/// MNIST (LeCun, Cortes, Burges): 60 000 training and 10 000 test grey-scale images of
/// handwritten digits, 28 × 28 pixels, from the four gzip IDX files of the original release.
///
/// The files are downloaded on first use into `<cache>/mnist/` (see `DatasetCache`) and checked
/// against their SHA-256 every time they are loaded from there.
public enum MNIST {
    public static let classNames = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"]

    /// The subfolder of the dataset cache that holds the files.
    public static let subfolder = "mnist"

    public static let trainImagesFile = "train-images-idx3-ubyte.gz"
    public static let trainLabelsFile = "train-labels-idx1-ubyte.gz"
    public static let testImagesFile = "t10k-images-idx3-ubyte.gz"
    public static let testLabelsFile = "t10k-labels-idx1-ubyte.gz"

    /// The four files with the SHA-256 of the gzip files as served.
    ///
    /// Source: TensorFlow Datasets, `tensorflow_datasets/url_checksums/mnist.txt`
    /// (github.com/tensorflow/datasets, commit 31f1255e57e519a6c004f0b097a2f5cfcf0dde7d), which
    /// lists for https://storage.googleapis.com/cvdf-datasets/mnist/:
    /// train-images 9 912 422 bytes, train-labels 28 881, t10k-images 1 648 877, t10k-labels 4 542,
    /// with these digests. PyTorch's mirror serves the same bytes (the sizes match torchvision's).
    public static let files: [(name: String, sha256: String)] = [
        (trainImagesFile, "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609"),
        (trainLabelsFile, "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c"),
        (testImagesFile, "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6"),
        (testLabelsFile, "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6"),
    ]

    /// Public mirrors, tried in order: PyTorch's (torchvision) and TensorFlow's.
    /// (yann.lecun.com now refuses automated downloads.)
    public static let mirrors: [URL] = [
        URL(string: "https://ossci-datasets.s3.amazonaws.com/mnist/")!,
        URL(string: "https://storage.googleapis.com/cvdf-datasets/mnist/")!,
    ]

    /// The folder in `cache` that holds the files.
    public static func folder(cache: URL) -> URL {
        cache.appendingPathComponent(subfolder, isDirectory: true)
    }

    /// Throws `DatasetError.checksumMismatch` for a file already in `directory` whose bytes
    /// are not MNIST's: a copy placed by hand is the user's, so it is neither replaced by a
    /// download nor read as MNIST, and the message says which file and how to go on.
    static func checkLocalCopies(in directory: URL) throws {
        for file in files {
            let path = directory.appendingPathComponent(file.name).path
            guard FileManager.default.fileExists(atPath: path),
                  let found = try? DatasetDownloader.sha256(ofFileAt: path), found != file.sha256 else { continue }
            throw DatasetError.checksumMismatch(
                path: path,
                reason: "not MNIST's file: its SHA-256 is \(found), expected \(file.sha256); delete it to download "
                    + "MNIST again, or read your copy with 'data idx train-images=… train-labels=… test-images=… test-labels=…'")
        }
    }

    /// Makes sure the four files are in `<cache>/mnist/` with their checksums, downloading
    /// the missing ones from `mirrors`; no request is made when all four are in place.
    ///
    /// - Throws: `DatasetError.checksumMismatch` for a copy placed by hand that is not MNIST's,
    ///   `DownloadError` when a file cannot be downloaded (offline: with the advice to copy them).
    public static func fetch(cache: URL, mirrors: [URL] = MNIST.mirrors) throws {
        let directory = folder(cache: cache)
        try checkLocalCopies(in: directory)
        try DatasetDownloader.fetch(files: files, mirrors: mirrors, into: directory)
    }

    /// Loads both splits (`mnist/train`, `mnist/test`) from `<cache>/mnist/`.
    ///
    /// - Parameters:
    ///   - cache: the dataset cache folder, usually `DatasetCache.folder()`.
    ///   - mirrors: where missing files come from.
    ///   - download: when true, every file is first checked against `files` and a missing or
    ///     mismatching one is downloaded (no request is made when all four are in place).
    ///     When false, no network is used and the files found are read as they are.
    /// - Returns: the splits and the SHA-256 of each file, keyed by file name.
    /// - Throws: `DownloadError` when a file cannot be downloaded, `DatasetError` when a file is
    ///   missing (with `download: false`) or not a valid MNIST file.
    public static func load(cache: URL, mirrors: [URL] = MNIST.mirrors, download: Bool = true) throws -> DatasetSplits {
        let directory = folder(cache: cache)
        if download { try fetch(cache: cache, mirrors: mirrors) }
        let names = files.map(\.name).joined(separator: ", ")
        return try IDXDataset.loadSplits(
            directory: directory.path,
            trainImages: trainImagesFile, trainLabels: trainLabelsFile,
            testImages: testImagesFile, testLabels: testLabelsFile,
            name: "mnist", classNames: classNames,
            imageSize: (rows: 28, columns: 28),
            missingFileHint: "MNIST is downloaded there on first use; to add it by hand, copy \(names) into "
                + "\(directory.path) (or set \(DatasetCache.environmentVariable))")
    }
}
