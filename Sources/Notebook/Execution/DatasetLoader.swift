import VAEEngine

/// Where datasets come from; tests point it at small generated files.
public struct DatasetLocations: Sendable {
    /// The folder with Fashion-MNIST's four IDX files.
    public var fashionMNIST: String

    public init(fashionMNIST: String = FashionMNIST.defaultDirectory) {
        self.fashionMNIST = fashionMNIST
    }

    /// Honours `NOTEBOOK_FASHION_MNIST` so a run can use another copy of the files.
    public static func fromEnvironment(_ environment: [String: String]) -> DatasetLocations {
        DatasetLocations(fashionMNIST: environment["NOTEBOOK_FASHION_MNIST"] ?? FashionMNIST.defaultDirectory)
    }

    /// Loads `request`, cutting the splits to the sizes it asks for.
    func load(_ request: DataRequest) throws -> DatasetSplits {
        var splits: DatasetSplits
        switch request.name {
        case "fashion-mnist":
            splits = try FashionMNIST.load(directory: fashionMNIST)
        default:
            preconditionFailure("the compiler admits only known datasets")
        }
        if let count = request.trainCount { splits.train = splits.train.prefix(count) }
        if let count = request.testCount { splits.test = splits.test.prefix(count) }
        return splits
    }
}
