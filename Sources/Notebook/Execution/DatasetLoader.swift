import NotebookResults
import Foundation
import VAEEngine

/// Where datasets come from; tests point it at small generated files.
public struct DatasetLocations: Sendable {
    /// The folder with Fashion-MNIST's four IDX files.
    public var fashionMNIST: String
    /// The download cache (MNIST lives in its `mnist/` subfolder).
    public var cache: URL
    /// Where missing MNIST files are fetched from.
    public var mnistMirrors: [URL]

    public init(fashionMNIST: String = FashionMNIST.defaultDirectory,
                cache: URL = DatasetCache.folder(environment: ProcessInfo.processInfo.environment),
                mnistMirrors: [URL] = MNIST.mirrors) {
        self.fashionMNIST = fashionMNIST
        self.cache = cache
        self.mnistMirrors = mnistMirrors
    }

    /// Honours `NOTEBOOK_FASHION_MNIST` (another copy of Fashion-MNIST), `NOTEBOOK_DATA`
    /// and `XDG_CACHE_HOME` (the download cache), and `NOTEBOOK_MNIST_MIRROR` (one mirror
    /// URL to use instead of the public ones).
    public static func fromEnvironment(_ environment: [String: String]) -> DatasetLocations {
        let mirrors = environment["NOTEBOOK_MNIST_MIRROR"].flatMap(URL.init(string:)).map { [$0] } ?? MNIST.mirrors
        return DatasetLocations(fashionMNIST: environment["NOTEBOOK_FASHION_MNIST"] ?? FashionMNIST.defaultDirectory,
                                cache: DatasetCache.folder(environment: environment), mnistMirrors: mirrors)
    }

    /// The files `request` reads, for the cache key: a changed file changes the key.
    public func files(for request: DataRequest) -> [URL] {
        let names = [FashionMNIST.trainImagesFile, FashionMNIST.trainLabelsFile,
                     FashionMNIST.testImagesFile, FashionMNIST.testLabelsFile]
        let folder = request.name == "mnist" ? cache.appendingPathComponent(MNIST.subfolder)
            : URL(fileURLWithPath: fashionMNIST)
        return names.map { folder.appendingPathComponent($0) }
    }

    /// Makes sure the files of `request` are on this machine, before anything runs: Fashion-MNIST
    /// must be in its folder; MNIST is downloaded now if it is missing, as loading it would.
    /// Throws what loading would: a `DatasetError` or a `DownloadError`, with their advice.
    public func makeAvailable(_ request: DataRequest) throws {
        switch request.name {
        case "fashion-mnist": try FashionMNIST.checkAvailable(directory: fashionMNIST)
        case "mnist": try MNIST.fetch(cache: cache, mirrors: mnistMirrors)
        default: preconditionFailure("the compiler admits only known datasets")
        }
    }

    /// Loads `request`, cutting the splits to the sizes it asks for and binarizing statically if asked.
    func load(_ request: DataRequest) throws -> DatasetSplits {
        var splits: DatasetSplits
        switch request.name {
        case "fashion-mnist":
            splits = try FashionMNIST.load(directory: fashionMNIST)
        case "mnist":
            splits = try MNIST.load(cache: cache, mirrors: mnistMirrors)
        default:
            preconditionFailure("the compiler admits only known datasets")
        }
        if let count = request.trainCount { splits.train = splits.train.prefix(count) }
        if let count = request.testCount { splits.test = splits.test.prefix(count) }
        splits.train = request.binarization.applied(to: splits.train)
        splits.test = request.binarization.applied(to: splits.test)
        return splits
    }
}
