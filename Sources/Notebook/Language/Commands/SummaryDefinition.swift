import NotebookResults

/// `summary`: the model's layers and parameter counts; needs a model.
struct SummaryDefinition: CommandDefinition {
    let schema = CommandSchema(
        name: "summary", summary: "The model's layers with output shapes and parameter counts, like Keras' model.summary().",
        positionals: [], options: [], example: "summary")

    let prerequisites: [Prerequisite] = [.model]

    func build(_ arguments: CheckedArguments, _ line: inout LineContext) -> Command? { .summary }
}
