import NotebookResults

/// `evaluate`: the loss over a whole split; needs a model and data.
struct EvaluateDefinition: CommandDefinition {
    let schema = CommandSchema(
        name: "evaluate",
        summary: "The loss on a whole split: −ELBO, reconstruction and KL per image; with iwae=K also the "
            + "importance-weighted log-likelihood estimate L_K ≤ log p(x) (Burda, Grosse & Salakhutdinov 2016).",
        positionals: [ArgumentSchema("split", .choice(Command.Split.allCases.map(\.rawValue)), default: "test", "which split")],
        options: [ArgumentSchema("iwae", .integer(1...5000), absent: "—",
                                 "importance samples per image for L_K, on its own random stream (K × images decoder passes)")],
        example: "evaluate test iwae=100")

    let prerequisites: [Prerequisite] = [.model, .data]

    func build(_ arguments: CheckedArguments, _ line: inout LineContext) -> Command? {
        .evaluate(split: Command.Split(rawValue: arguments.word("split"))!, iwae: arguments.value("iwae")?.integer)
    }
}
