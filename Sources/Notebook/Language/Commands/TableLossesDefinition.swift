import NotebookResults

/// `table losses`: the current model's losses per epoch as a table; needs training.
struct TableLossesDefinition: CommandDefinition {
    let schema = CommandSchema(
        name: "table losses", summary: "A table of the current model's −ELBO per epoch (train and test, reconstruction and KL), with the training objective in columns of its own when it differs; "
            + "for loss=mse, whose squared error is no likelihood, the objective (squared error + KL, no unit) in place of the −ELBO.",
        positionals: [], options: [], example: "table losses")

    let prerequisites: [Prerequisite] = [.training]

    func build(_ arguments: CheckedArguments, _ line: inout LineContext) -> (any Command)? { TableLossesCommand() }
}

/// The current model's loss table.
public struct TableLossesCommand: Command, Equatable {
    public init() {}
    public var effect: CommandEffect { .readsSession }

    public func run(in context: ExecutionContext) -> [BlockOutput] {
        [context.figures.lossTable(context.session.current)]
    }
}
