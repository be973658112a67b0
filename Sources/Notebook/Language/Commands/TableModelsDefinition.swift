import NotebookResults

/// `table models`: one row per model, to compare them.
struct TableModelsDefinition: CommandDefinition {
    let schema = CommandSchema(
        name: "table models", summary: "One row per model built so far: parameters, epochs, test −ELBO with its reconstruction and KL (the model as it is, on its last test pass's stream: the number training and `evaluate test` print), "
            + "the training objective where it differs (for loss=mse in place of the −ELBO), the last evaluate's L_K and the active units.",
        positionals: [],
        options: [ArgumentSchema("models", .nameList(count: 1...20), absent: "—", "the models to list, by name (left out, every model built so far)")],
        example: "table models")

    let prerequisites: [Prerequisite] = [.model, .data]

    func build(_ arguments: CheckedArguments, _ line: inout LineContext) -> (any Command)? {
        let names = arguments.value("models")?.words
        for name in names ?? [] where line.state.model(named: name) == nil {
            return line.fail(line.state.unknownModel(name), at: arguments.span(of: "models")!)
        }
        return TableModelsCommand(models: names)
    }
}

/// The comparison table of models.
public struct TableModelsCommand: Command, Equatable {
    /// nil lists every model built so far.
    public var models: [String]?

    public init(models: [String]?) { self.models = models }

    public var effect: CommandEffect { .readsSession }

    public func run(in context: ExecutionContext) -> [BlockOutput] {
        let session = context.session
        let states = models.map { $0.map(session.model(named:)) } ?? session.models
        return [context.figures.modelTable(states, test: session.splits.test, binarization: session.binarization)]
    }
}
