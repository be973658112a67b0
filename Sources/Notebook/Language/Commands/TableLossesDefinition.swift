import NotebookResults

/// `table losses`: the loss per epoch as a table; needs training.
struct TableLossesDefinition: CommandDefinition {
    let schema = CommandSchema(
        name: "table losses", summary: "A table of the loss per epoch (train and test, reconstruction and KL).",
        positionals: [], options: [], example: "table losses")

    let prerequisites: [Prerequisite] = [.training]

    func build(_ arguments: CheckedArguments, _ line: inout LineContext) -> Command? { .tableLosses }
}
