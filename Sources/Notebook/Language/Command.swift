import NotebookResults
import VAEEngine

/// A checked, typed command of the notebook language, ready to execute.
///
/// A new command adds a case here, its definition in `Commands/` (registered in
/// `CommandRegistry.commands`) and what it does in the Executor.
public enum Command: Sendable, Equatable {
    /// `param name = value`: declares a parameter; has no effect when run.
    case parameter(name: String, value: String)
    case seed(UInt64)
    case data(DataRequest)
    case model(ModelSpec)
    case train(TrainingPlan)
    case tableLosses
    case plotLosses
    case showReconstructions(count: Int, split: Split)
    case showSamples(count: Int)
    case summary
    case plotLatent(split: Split, count: Int)
    /// A `size × size` grid decoded from a 2-D latent over `[-range, range]²`.
    case showManifold(size: Int, range: Double)
    /// The same latent points decoded after every epoch so far.
    /// `rows`: at most this many epochs are shown, evenly spaced, the first and last included.
    case showEvolution(count: Int, rows: Int)
    /// `iwae`: importance samples per image for the log-likelihood estimate L_K, if asked.
    case evaluate(split: Split, iwae: Int?)
    /// Paths are as written, relative to the notebook's folder.
    case saveWeights(path: String)
    case loadWeights(path: String)

    public enum Split: String, Sendable, Equatable, CaseIterable { case train, test }
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

/// A command with where it came from.
public struct LocatedCommand: Sendable, Equatable {
    public var command: Command
    public var location: SourceLocation
    /// The command's text as written (trimmed, without comment).
    public var text: String

    public init(command: Command, location: SourceLocation, text: String) {
        self.command = command
        self.location = location
        self.text = text
    }
}

/// The commands of one runnable block.
public struct BlockProgram: Sendable, Equatable {
    /// The block's ordinal in `Document.codeBlocks`.
    public var blockIndex: Int
    public var location: SourceLocation
    public var commands: [LocatedCommand]
    /// The notebook's check tolerance with this block's own attributes applied.
    public var tolerance: CheckTolerance = .default
}

/// A whole notebook, checked: every block's commands and the parameters' final values.
public struct NotebookProgram: Sendable, Equatable {
    public var document: Document
    public var blocks: [BlockProgram]
    /// Parameter name → value as used (after `-p` overrides), in declaration order.
    public var parameters: [(name: String, value: String)]
    public var seed: UInt64
    /// The check tolerance from the front matter (or the default).
    public var tolerance: CheckTolerance = .default

    public static func == (lhs: NotebookProgram, rhs: NotebookProgram) -> Bool {
        lhs.document == rhs.document && lhs.blocks == rhs.blocks && lhs.seed == rhs.seed
            && lhs.parameters.map(\.name) == rhs.parameters.map(\.name)
            && lhs.parameters.map(\.value) == rhs.parameters.map(\.value) && lhs.tolerance == rhs.tolerance
    }
}

extension NotebookProgram {
    /// The blocks' positions and tolerances, for making and checking a record.
    public var checkPlan: CheckPlan {
        CheckPlan(notebookPath: document.path, tolerance: tolerance,
                  blocks: blocks.map { CheckPlan.Block(location: $0.location, tolerance: $0.tolerance) })
    }
}
