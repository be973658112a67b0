import Foundation
import NotebookResults
import VAEEngine

/// `data`: loads a dataset, optionally a subset, optionally binarized; later commands need it.
struct DataDefinition: CommandDefinition {
    let schema = CommandSchema(
        name: "data", summary: "Loads a dataset, optionally only its first images.",
        positionals: [ArgumentSchema("dataset", .choice(["fashion-mnist", "mnist"]), "the dataset")],
        options: [ArgumentSchema("train", .integer(1...Self.trainImages), absent: "all", "training images to use"),
                  ArgumentSchema("test", .integer(1...Self.testImages), absent: "all", "test images to use"),
                  ArgumentSchema("binarize", .choice(["none", "static", "dynamic"]), default: "none",
                                 "pixels as grey levels, thresholded once, or sampled as 0/1 every step"),
                  ArgumentSchema("threshold", .real(0...1), default: "0.5", "the threshold of binarize=static")],
        example: "data fashion-mnist train=2000 test=500")

    func build(_ arguments: CheckedArguments, _ line: inout LineContext) -> (any Command)? {
        guard let binarization = Self.binarization(arguments, &line) else { return nil }
        // Both named datasets are 28×28.
        let imageSize = ImageSize(rows: 28, columns: 28, location: line.location)
        if let problem = line.state.sizeProblem(imageSize) { return line.failCommand(problem) }
        line.state.imageSize = imageSize
        let trainCount = arguments.value("train")?.integer, testCount = arguments.value("test")?.integer
        line.state.splitSizes = SplitSizes(train: trainCount ?? Self.trainImages, test: testCount ?? Self.testImages,
                                           location: line.location)
        let request = DataRequest(name: arguments.word("dataset"), trainCount: trainCount, testCount: testCount,
                                  binarization: binarization)
        if let datasets = line.datasets {
            // Offline, a missing dataset would otherwise stop the run only when this block runs,
            // after the blocks before it (or, in a build, other notebooks) have trained.
            do {
                try datasets.makeAvailable(request)
            } catch let error as DatasetError {
                line.reportCommand(error.description)
            } catch let error as DownloadError {
                line.reportCommand(error.description)
            } catch {
                line.reportCommand("\(error)")
            }
        }
        // Built all the same: what later lines check against is known.
        return DataCommand(request)
    }

    /// The images in each split of both named datasets, which the schema's limits also assume.
    static let trainImages = 60_000, testImages = 10_000

    /// The `binarize` and `threshold` options of every form of `data`, or nil after reporting
    /// a threshold given without binarize=static.
    static func binarization(_ arguments: CheckedArguments, _ line: inout LineContext) -> Binarization? {
        if let span = arguments.span(of: "threshold"), arguments.word("binarize") != "static" {
            return line.fail("'threshold' applies only to binarize=static", at: span)
        }
        switch arguments.word("binarize") {
        case "static": return .threshold(Float(arguments.real("threshold")))
        case "dynamic": return .dynamic
        default: return Binarization.none
        }
    }

    /// Data, even from a failed line.
    func declare(_ arguments: CheckedArguments, built: (any Command)?, in state: inout StaticState) {
        state.hasData = true
        if built == nil {
            state.imageSize = nil
            state.splitSizes = nil
        }
    }
}

/// The dataset a `data` command asks for, with optional subset sizes.
public struct DataRequest: Sendable, Equatable {
    public var name: String
    public var trainCount: Int?
    public var testCount: Int?
    public var binarization: Binarization

    public init(name: String, trainCount: Int? = nil, testCount: Int? = nil, binarization: Binarization = .none) {
        self.name = name
        self.trainCount = trainCount
        self.testCount = testCount
        self.binarization = binarization
    }
}

/// Loads the dataset into the session; every later command reads it.
public struct DataCommand: Command, Equatable {
    public var request: DataRequest

    public init(_ request: DataRequest) { self.request = request }

    public var effect: CommandEffect { .changesSession }

    public func inputFiles(_ inputs: InputLocations) -> [URL] { inputs.datasets.files(for: request) }

    public func run(in context: ExecutionContext) throws -> [BlockOutput] {
        let session = context.session
        let splits = try context.datasets.load(request)
        session.useData(splits, name: request.name, binarization: request.binarization, request: request)
        return [.text("\(request.name): \(splits.train.count) training and \(splits.test.count) test images of "
                      + "\(splits.train.width)×\(splits.train.height) pixels")]
    }
}
