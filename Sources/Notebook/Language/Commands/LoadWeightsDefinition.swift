import Foundation
import NotebookResults

/// `load weights`: reads a checkpoint that exists already or that the notebook saves earlier.
struct LoadWeightsDefinition: CommandDefinition {
    let schema = CommandSchema(
        name: "load weights", summary: "Reads weights from a checkpoint made for the same architecture.",
        positionals: [ArgumentSchema("path", .path, "the checkpoint file")],
        options: [], example: "load weights vae.ckpt")

    let prerequisites: [Prerequisite] = [.model]

    func build(_ arguments: CheckedArguments, _ line: inout LineContext) -> Command? {
        let path = arguments.word("path")
        if !line.state.savedPaths.contains(path) {
            let resolved = URL(fileURLWithPath: path, relativeTo: line.notebookFolder).path
            if !FileManager.default.fileExists(atPath: resolved) {
                return line.fail("no checkpoint '\(path)' (looked for \(resolved)); write one first with 'save weights \(path)'",
                                 at: arguments.span(of: "path")!)
            }
        }
        return .loadWeights(path: path)
    }
}
