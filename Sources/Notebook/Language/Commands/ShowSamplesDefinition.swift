import NotebookResults

/// `show samples`: images decoded from the prior; needs a model.
struct ShowSamplesDefinition: CommandDefinition {
    let schema = CommandSchema(
        name: "show samples", summary: "Images decoded from latent points drawn from the prior N(0, I).",
        positionals: [ArgumentSchema("count", .integer(1...400), default: "25", "how many samples")],
        options: [], example: "show samples 25")

    let prerequisites: [Prerequisite] = [.model]

    func build(_ arguments: CheckedArguments, _ line: inout LineContext) -> Command? {
        .showSamples(count: arguments.integer("count"))
    }
}
