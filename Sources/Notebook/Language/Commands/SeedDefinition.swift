import NotebookResults

/// `seed`: sets the notebook's one seed, before anything draws random numbers.
struct SeedDefinition: CommandDefinition {
    let schema = CommandSchema(
        name: "seed", summary: "Sets the notebook's seed; every random draw derives from it.",
        positionals: [ArgumentSchema("value", .integer(0...Int.max), "the seed")],
        options: [], example: "seed 42")

    func build(_ arguments: CheckedArguments, _ line: inout LineContext) -> (any Command)? {
        let seed = UInt64(arguments.integer("value"))
        if line.state.seed != nil {
            return line.failCommand("the seed is already set; a notebook has one seed")
        }
        if line.state.hasData || line.state.hasModel {
            return line.failCommand("'seed' must come before 'data' and 'model' so every draw depends on it")
        }
        line.state.seed = seed
        return SeedCommand(seed: seed)
    }
}

/// The notebook's seed; the compiler hands it to the program, so running it does nothing.
public struct SeedCommand: Command, Equatable {
    public var seed: UInt64

    public init(seed: UInt64) { self.seed = seed }

    public var effect: CommandEffect { .declaration }
    public func run(in context: ExecutionContext) -> [BlockOutput] { [] }
}
