import NotebookResults

/// `evaluate`: the loss over a whole split; needs a model and data.
struct EvaluateDefinition: CommandDefinition {
    let schema = CommandSchema(
        name: "evaluate", summary: "The loss on a whole split: −ELBO, reconstruction and KL per image.",
        positionals: [ArgumentSchema("split", .choice(Command.Split.allCases.map(\.rawValue)), default: "test", "which split")],
        options: [], example: "evaluate test")

    let prerequisites: [Prerequisite] = [.model, .data]

    func build(_ arguments: CheckedArguments, _ line: inout LineContext) -> Command? {
        .evaluate(split: Command.Split(rawValue: arguments.word("split"))!)
    }
}
