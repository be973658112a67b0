import Foundation
import NotebookResults
import VAEEngine

/// A checked, typed command of the notebook language, ready to run.
///
/// Each command is one file in `Commands/`: its definition (schema, checks, how a line
/// compiles) and the value it compiles to, a type conforming to `Command` that says what it
/// does to the session and what it shows. The executor and the cache ask a command, never
/// switch over the language.
public protocol Command: Sendable {
    /// What running it does to the session, for the cache.
    var effect: CommandEffect { get }

    /// Runs the command in `context`; returns what it shows.
    func run(in context: ExecutionContext) throws -> [BlockOutput]

    /// Paths (relative to the notebook) the command writes; a run that takes the command from
    /// the cache writes them again from the cache's copies.
    var writtenPaths: [String] { get }

    /// Files outside the run the command reads: their digests are part of its cache key and
    /// `notebook preview` watches them.
    func inputFiles(_ inputs: InputLocations) -> [URL]

    /// Whether `other` is the same command with the same values.
    func isEqual(to other: any Command) -> Bool
}

extension Command {
    public var writtenPaths: [String] { [] }
    public func inputFiles(_ inputs: InputLocations) -> [URL] { [] }
}

extension Command where Self: Equatable {
    public func isEqual(to other: any Command) -> Bool { (other as? Self) == self }
}

/// What running a command does, which decides how the cache treats it.
public enum CommandEffect: Sendable, Equatable {
    /// Settled when the notebook is compiled (`param`, `seed`); nothing runs.
    case declaration
    /// Changes what later commands see (data, models, weights, random streams): the cache
    /// stores a snapshot of the session after it and chains the state key through it.
    case changesSession
    /// Only reads the session (figures, tables): its outputs are cached under the state before it.
    case readsSession
}

/// Where a command's input files are, for `Command.inputFiles`.
public struct InputLocations: Sendable {
    public var datasets: DatasetLocations
    /// The folder relative paths of the notebook are resolved against.
    public var notebookFolder: URL
    /// Paths a command of the notebook writes: reading one back reads an output of the run.
    public var writtenByNotebook: Set<String>
    /// Where the files the notebook names may be; checked again right before each read or write.
    public var confinement: PathConfinement

    public init(datasets: DatasetLocations, notebookFolder: URL, writtenByNotebook: Set<String>,
                confinement: PathConfinement? = nil) {
        self.datasets = datasets
        self.notebookFolder = notebookFolder
        self.writtenByNotebook = writtenByNotebook
        self.confinement = confinement ?? PathConfinement(notebookFolder: notebookFolder)
    }

    /// A path of the notebook as written, relative to its folder (for digests and watching;
    /// reading and writing go through `confinement`).
    public func resolve(_ path: String) -> URL { URL(fileURLWithPath: path, relativeTo: notebookFolder) }
}

/// A command with where it came from.
public struct LocatedCommand: Sendable, Equatable {
    public var command: any Command
    public var location: SourceLocation
    /// The command's text as written (trimmed, without comment).
    public var text: String
    /// The command as the language defines it (`CanonicalCommand`): what the cache keys hash.
    public var canonicalForm: CanonicalCommand

    public init(command: any Command, location: SourceLocation, text: String, canonicalForm: CanonicalCommand) {
        self.command = command
        self.location = location
        self.text = text
        self.canonicalForm = canonicalForm
    }

    /// The canonical form as text (`train epochs=3 lr=0.002`): a cache key part.
    public var canonical: String { canonicalForm.text }

    public static func == (lhs: LocatedCommand, rhs: LocatedCommand) -> Bool {
        lhs.command.isEqual(to: rhs.command) && lhs.location == rhs.location && lhs.text == rhs.text
            && lhs.canonicalForm == rhs.canonicalForm
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
    /// Parameter name → the `# comment` after its `param` line, what `notebook params` shows
    /// as its description. Not part of any cache key: a comment changes no result.
    public var parameterDescriptions: [String: String] = [:]
    public var seed: UInt64
    /// The check tolerance from the front matter (or the default).
    public var tolerance: CheckTolerance = .default
    /// Where the files the notebook names may be: its folder and those of `--allow-outside`.
    public var confinement: PathConfinement

    public init(document: Document, blocks: [BlockProgram], parameters: [(name: String, value: String)], seed: UInt64,
                tolerance: CheckTolerance = .default, confinement: PathConfinement? = nil) {
        self.document = document
        self.blocks = blocks
        self.parameters = parameters
        self.seed = seed
        self.tolerance = tolerance
        self.confinement = confinement
            ?? PathConfinement(notebookFolder: URL(fileURLWithPath: document.path).deletingLastPathComponent())
    }

    public static func == (lhs: NotebookProgram, rhs: NotebookProgram) -> Bool {
        lhs.document == rhs.document && lhs.blocks == rhs.blocks && lhs.seed == rhs.seed
            && lhs.parameters.map(\.name) == rhs.parameters.map(\.name)
            && lhs.parameters.map(\.value) == rhs.parameters.map(\.value)
            && lhs.parameterDescriptions == rhs.parameterDescriptions && lhs.tolerance == rhs.tolerance
            && lhs.confinement == rhs.confinement
    }

    /// The folder relative paths of the notebook are resolved against.
    public var folder: URL { URL(fileURLWithPath: document.path).deletingLastPathComponent() }

    /// Every path a command of the notebook writes.
    public var writtenPaths: Set<String> { Set(blocks.flatMap(\.commands).flatMap(\.command.writtenPaths)) }

    /// Where the notebook's commands find their input files.
    public func inputLocations(datasets: DatasetLocations) -> InputLocations {
        InputLocations(datasets: datasets, notebookFolder: folder, writtenByNotebook: writtenPaths, confinement: confinement)
    }
}

extension NotebookProgram {
    /// The blocks' positions and tolerances, for making and checking a record.
    public var checkPlan: CheckPlan {
        CheckPlan(notebookPath: document.path, tolerance: tolerance,
                  blocks: blocks.map { CheckPlan.Block(location: $0.location, tolerance: $0.tolerance) })
    }
}
