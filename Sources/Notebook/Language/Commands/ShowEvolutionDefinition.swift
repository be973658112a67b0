import NotebookResults

/// `show evolution`: the same latent points decoded after each epoch so far; needs training.
struct ShowEvolutionDefinition: CommandDefinition {
    let schema = CommandSchema(
        name: "show evolution", summary: "The same latent points decoded after the epochs so far, one row per epoch; after many epochs, evenly spaced ones (the first and the last always).",
        positionals: [ArgumentSchema("count", .integer(1...16), default: "8", "images per row")],
        options: [ArgumentSchema("rows", .integer(2...1000), default: "10", "at most this many epochs")],
        example: "show evolution 8 rows=12")

    let prerequisites: [Prerequisite] = [.training]

    func build(_ arguments: CheckedArguments, _ line: inout LineContext) -> Command? {
        .showEvolution(count: arguments.integer("count"), rows: arguments.integer("rows"))
    }
}
