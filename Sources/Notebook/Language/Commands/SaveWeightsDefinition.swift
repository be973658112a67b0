import NotebookResults

/// `save weights`: writes a checkpoint, which a later `load weights` may then read.
struct SaveWeightsDefinition: CommandDefinition {
    let schema = CommandSchema(
        name: "save weights", summary: "Writes the model's weights to a checkpoint file (relative to the notebook).",
        positionals: [ArgumentSchema("path", .path, "the checkpoint file")],
        options: [], example: "save weights vae.ckpt")

    let prerequisites: [Prerequisite] = [.model]

    func build(_ arguments: CheckedArguments, _ line: inout LineContext) -> Command? {
        let path = arguments.word("path")
        line.state.savedPaths.insert(path)
        return .saveWeights(path: path)
    }
}
