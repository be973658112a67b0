import Foundation
import NotebookResults
import VAEEngine

/// `save weights`: writes a checkpoint, which a later `load weights` may then read.
struct SaveWeightsDefinition: CommandDefinition {
    let schema = CommandSchema(
        name: "save weights", summary: "Writes the current model's weights to a checkpoint file (relative to the notebook).",
        positionals: [ArgumentSchema("path", .path, "the checkpoint file")],
        options: [], example: "save weights vae.ckpt")

    let prerequisites: [Prerequisite] = [.model]

    func build(_ arguments: CheckedArguments, _ line: inout LineContext) -> (any Command)? {
        let path = arguments.word("path")
        line.state.savedPaths.insert(path)
        return SaveWeightsCommand(path: path)
    }
}

/// Writes the current model's weights.
public struct SaveWeightsCommand: Command, Equatable {
    /// As written, relative to the notebook's folder.
    public var path: String

    public init(path: String) { self.path = path }

    public var effect: CommandEffect { .changesSession }
    public var writtenPaths: [String] { [path] }

    public func run(in context: ExecutionContext) throws -> [BlockOutput] {
        let session = context.session, model = session.current.model
        try Checkpoint.save(model, to: context.resolve(path))
        session.savedPaths.insert(path)
        return [.text("saved \(model.parameterCount.formatted()) weights to \(path)")]
    }
}
