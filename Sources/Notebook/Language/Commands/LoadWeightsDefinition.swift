import Checksums
import Foundation
import NotebookResults
import VAEEngine

/// `load weights`: reads a checkpoint that exists already or that the notebook saves earlier.
struct LoadWeightsDefinition: CommandDefinition {
    let schema = CommandSchema(
        name: "load weights", summary: "Reads weights into the current model from a checkpoint made for the same architecture.",
        positionals: [ArgumentSchema("path", .path, "the checkpoint file")],
        options: [], example: "load weights vae.ckpt")

    let prerequisites: [Prerequisite] = [.model]

    func build(_ arguments: CheckedArguments, _ line: inout LineContext) -> (any Command)? {
        let path = arguments.word("path")
        if !line.state.savedPaths.contains(path) {
            let resolved = URL(fileURLWithPath: path, relativeTo: line.notebookFolder).path
            if !FileManager.default.fileExists(atPath: resolved) {
                return line.fail("no checkpoint '\(path)' (looked for \(resolved)); write one first with 'save weights \(path)'",
                                 at: arguments.span(of: "path")!)
            }
        }
        return LoadWeightsCommand(path: path)
    }
}

/// Reads weights into the current model.
public struct LoadWeightsCommand: Command, Equatable {
    /// As written, relative to the notebook's folder.
    public var path: String

    public init(path: String) { self.path = path }

    public var effect: CommandEffect { .changesSession }

    /// A checkpoint the notebook saves itself is an output of earlier commands, which the
    /// state key already covers; one from elsewhere is an input.
    public func inputFiles(_ inputs: InputLocations) -> [URL] {
        inputs.writtenByNotebook.contains(path) ? [] : [inputs.resolve(path)]
    }

    public func run(in context: ExecutionContext) throws -> [BlockOutput] {
        let session = context.session
        let url = context.resolve(path)
        try Checkpoint.load(into: session.current.model, from: url)
        // A checkpoint from elsewhere is an input like a dataset: a changed file must show
        // in the record. One this run saved is compared through the outputs it leads to.
        if !session.savedPaths.contains(path), let bytes = try? Data(contentsOf: url) {
            session.inputChecksums[path] = bytes.withUnsafeBytes { SHA256.hash($0).hex }
        }
        return [.text("loaded weights from \(path)")]
    }
}
