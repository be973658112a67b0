import NotebookResults

/// `show reconstructions`: images beside their reconstructions; needs a model and data.
struct ShowReconstructionsDefinition: CommandDefinition {
    let schema = CommandSchema(
        name: "show reconstructions", summary: "Images beside their reconstructions through the posterior mean.",
        positionals: [ArgumentSchema("count", .integer(1...100), default: "10", "how many images")],
        options: [ArgumentSchema("from", .choice(Command.Split.allCases.map(\.rawValue)), default: "test", "which split")],
        example: "show reconstructions 10 from=test")

    let prerequisites: [Prerequisite] = [.model, .data]

    func build(_ arguments: CheckedArguments, _ line: inout LineContext) -> Command? {
        .showReconstructions(count: arguments.integer("count"), split: Command.Split(rawValue: arguments.word("from"))!)
    }
}
