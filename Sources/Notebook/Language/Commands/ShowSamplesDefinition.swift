import NotebookResults

/// `show samples`: images decoded from the prior; needs a model.
struct ShowSamplesDefinition: CommandDefinition {
    let schema = CommandSchema(
        name: "show samples", summary: "Images decoded from latent points drawn from the prior N(0, I).",
        positionals: [ArgumentSchema("count", .integer(1...400), default: "25", "how many samples")],
        options: [], example: "show samples 25")

    let prerequisites: [Prerequisite] = [.model]

    func build(_ arguments: CheckedArguments, _ line: inout LineContext) -> (any Command)? {
        ShowSamplesCommand(count: arguments.integer("count"))
    }
}

/// Prior samples of the current model.
public struct ShowSamplesCommand: Command, Equatable {
    public var count: Int

    public init(count: Int) { self.count = count }

    public var effect: CommandEffect { .readsSession }

    public func run(in context: ExecutionContext) -> [BlockOutput] {
        [context.figures.samples(model: context.session.current.model, count: count, seed: context.session.seed)]
    }
}
