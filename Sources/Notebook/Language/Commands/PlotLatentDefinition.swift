import NotebookResults

/// `plot latent`: images placed at their posterior means; needs a model and data.
struct PlotLatentDefinition: CommandDefinition {
    let schema = CommandSchema(
        name: "plot latent", summary: "Images encoded to their posterior means, coloured by class; a PCA projection when the latent has more than two dimensions.",
        positionals: [ArgumentSchema("split", .choice(Split.allCases.map(\.rawValue)), default: "test", "which split")],
        options: [ArgumentSchema("count", .integer(1...60_000), default: "5000", "how many images (the first of the split)")],
        example: "plot latent test count=5000")

    let prerequisites: [Prerequisite] = [.model, .data]

    func build(_ arguments: CheckedArguments, _ line: inout LineContext) -> (any Command)? {
        PlotLatentCommand(split: Split(rawValue: arguments.word("split"))!, count: arguments.integer("count"))
    }
}

/// The current model's latent scatter.
public struct PlotLatentCommand: Command, Equatable {
    public var split: Split
    public var count: Int

    public init(split: Split, count: Int) {
        self.split = split
        self.count = count
    }

    public var effect: CommandEffect { .readsSession }

    public func run(in context: ExecutionContext) -> [BlockOutput] {
        let session = context.session
        return [context.figures.latentScatter(model: session.current.model, data: session.split(split), count: count, split: split)]
    }
}
