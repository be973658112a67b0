import NotebookResults

/// `plot losses`: train and test loss per epoch as a line chart; needs training.
struct PlotLossesDefinition: CommandDefinition {
    let schema = CommandSchema(
        name: "plot losses", summary: "A line chart of train and test loss per epoch.",
        positionals: [], options: [], example: "plot losses")

    let prerequisites: [Prerequisite] = [.training]

    func build(_ arguments: CheckedArguments, _ line: inout LineContext) -> Command? { .plotLosses }
}
