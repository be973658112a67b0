import NotebookResults

/// `show evolution`: the same latent points decoded before training and after each epoch.
struct ShowEvolutionDefinition: CommandDefinition {
    let schema = CommandSchema(
        name: "show evolution", summary: "The same latent points decoded by the untrained model and after the epochs so far, one row each; after many epochs, evenly spaced ones (the untrained model and the last epoch always).",
        positionals: [ArgumentSchema("count", .integer(1...16), default: "16", "images per row")],
        options: [ArgumentSchema("rows", .integer(2...1000), default: "11", "at most this many rows")],
        example: "show evolution 16 rows=12")

    let prerequisites: [Prerequisite] = [.training]

    func build(_ arguments: CheckedArguments, _ line: inout LineContext) -> (any Command)? {
        ShowEvolutionCommand(count: arguments.integer("count"), rows: arguments.integer("rows"))
    }
}

/// The current model's evolution frames.
public struct ShowEvolutionCommand: Command, Equatable {
    public var count: Int
    /// At most this many frames are shown, evenly spaced, the first and last included.
    public var rows: Int

    public init(count: Int, rows: Int) {
        self.count = count
        self.rows = rows
    }

    public var effect: CommandEffect { .readsSession }

    public func run(in context: ExecutionContext) -> [BlockOutput] {
        let state = context.session.current
        return [context.figures.evolution(state.evolution, count: count, rows: rows, model: state.model)]
    }
}
