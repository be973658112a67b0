import Foundation
import NotebookResults
import Publishing
import VAEEngine

/// `save weights`: writes a checkpoint, which a later `load weights` may then read, in the
/// engine's own format or, for a `.safetensors` file, the safetensors format PyTorch reads.
struct SaveWeightsDefinition: CommandDefinition {
    let schema = CommandSchema(
        name: "save weights", summary: "Writes the current model's weights to a file (relative to the notebook): a `.safetensors` file in the safetensors format PyTorch loads (see docs/interop.md), any other name in the engine's own checkpoint format.",
        positionals: [ArgumentSchema("path", .path, "the checkpoint file")],
        options: [], example: "save weights vae.safetensors")

    let prerequisites: [Prerequisite] = [.model]

    func build(_ arguments: CheckedArguments, _ line: inout LineContext) -> (any Command)? {
        let path = arguments.word("path")
        // Checked before anything runs, so a long training is not lost to a typo in a folder,
        // and nothing outside the notebook's folder is replaced.
        do {
            _ = try line.confinement.resolve(path)
        } catch {
            return line.fail("cannot save '\(path)': \(error)", at: arguments.span(of: "path")!)
        }
        let folder = URL(fileURLWithPath: path, relativeTo: line.notebookFolder).standardizedFileURL
            .deletingLastPathComponent()
        let written = WrittenPath.folder(of: path)
        let named = written.isEmpty ? "the notebook's folder" : "the folder '\(written)'"
        var isFolder: ObjCBool = false
        if !FileManager.default.fileExists(atPath: folder.path, isDirectory: &isFolder) || !isFolder.boolValue {
            return line.fail("cannot save '\(path)': \(named) does not exist; create it first", at: arguments.span(of: "path")!)
        }
        if !FileManager.default.isWritableFile(atPath: folder.path) {
            return line.fail("cannot save '\(path)': \(named) is not writable", at: arguments.span(of: "path")!)
        }
        return SaveWeightsCommand(path: path)
    }

    /// The checkpoint, for a later `load weights`, even when this line fails.
    func declare(_ arguments: CheckedArguments, built: (any Command)?, in state: inout StaticState) {
        if let path = arguments.value("path")?.word { state.savedPaths.insert(path) }
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
        // Staged: the file replaces the old one only when the whole run succeeded. The
        // likelihood is not in the weights, but a reader needs it to turn logits into images.
        let destination = try context.resolveForWriting(path)
        let bytes = try WeightsFormat(path: path).encode(
            model, metadata: ["likelihood": session.current.objective.reconstruction.rawValue], path: path)
        do {
            try context.outputs.stage(bytes, for: destination)
        } catch {
            throw CheckpointError.unwritable(path: path, reason: "cannot stage it: \(error)")
        }
        session.savedPaths.insert(path)
        return [.text("saved \(model.parameterCount.formatted()) weights to \(path)")]
    }
}
