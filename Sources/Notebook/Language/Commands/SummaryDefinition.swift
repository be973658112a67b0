import NotebookResults

/// `summary`: the model's layers and parameter counts; needs a model.
struct SummaryDefinition: CommandDefinition {
    let schema = CommandSchema(
        name: "summary", summary: "The current model's layers with output shapes and parameter counts, like Keras' model.summary().",
        positionals: [], options: [], example: "summary")

    let prerequisites: [Prerequisite] = [.model]

    func build(_ arguments: CheckedArguments, _ line: inout LineContext) -> (any Command)? { SummaryCommand() }
}

/// The current model's summary table.
public struct SummaryCommand: Command, Equatable {
    public init() {}
    public var effect: CommandEffect { .readsSession }

    public func run(in context: ExecutionContext) -> [BlockOutput] {
        [context.figures.summary(context.session.current.model)]
    }
}
