import NotebookResults

/// `plot latent`: images placed at their posterior means; needs a model and data.
struct PlotLatentDefinition: CommandDefinition {
    let schema = CommandSchema(
        name: "plot latent", summary: "Images encoded to their posterior means, coloured by class; a PCA projection when the latent has more than two dimensions.",
        positionals: [ArgumentSchema("split", .choice(Command.Split.allCases.map(\.rawValue)), default: "test", "which split")],
        options: [ArgumentSchema("count", .integer(1...60_000), default: "5000", "how many images (the first of the split)")],
        example: "plot latent test count=5000")

    let prerequisites: [Prerequisite] = [.model, .data]

    func build(_ arguments: CheckedArguments, _ line: inout LineContext) -> Command? {
        .plotLatent(split: Command.Split(rawValue: arguments.word("split"))!, count: arguments.integer("count"))
    }
}
