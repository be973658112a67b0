import NotebookResults

/// `show evolution`: what the model drew before training and after each epoch.
struct ShowEvolutionDefinition: CommandDefinition {
    let schema = CommandSchema(
        name: "show evolution", summary: "What the current model drew before training and after each epoch, one row each: the same latent points decoded (samples), or the first test images reconstructed; after many epochs, evenly spaced ones (the untrained model and the last epoch always).",
        positionals: [ArgumentSchema("count", .integer(1...16), absent: "—", "images per row: at most 16 samples or 8 reconstructions, and all of them when left out")],
        options: [ArgumentSchema("rows", .integer(2...1000), default: "11", "at most this many rows"),
                  ArgumentSchema("of", .choice(["samples", "reconstructions"]), default: "samples",
                                 "decoded prior samples, or reconstructions of the first test images through a sampled z")],
        example: "show evolution 8 rows=12 of=reconstructions")

    let prerequisites: [Prerequisite] = [.training]

    func build(_ arguments: CheckedArguments, _ line: inout LineContext) -> (any Command)? {
        let reconstructions = arguments.word("of") == "reconstructions"
        let kept = reconstructions ? Session.evolutionReconstructions : Session.evolutionPoints
        let count = arguments.value("count")?.integer ?? kept
        if reconstructions, count > kept {
            return line.fail("the reconstruction evolution keeps the first \(Session.evolutionReconstructions) test images; "
                             + "ask for at most \(Session.evolutionReconstructions)",
                             at: arguments.span(of: "count")!)
        }
        return ShowEvolutionCommand(count: count, rows: arguments.integer("rows"), reconstructions: reconstructions)
    }
}

/// The current model's evolution frames.
public struct ShowEvolutionCommand: Command, Equatable {
    public var count: Int
    /// At most this many frames are shown, evenly spaced, the first and last included.
    public var rows: Int
    /// Reconstructions of the first test images instead of prior samples.
    public var reconstructions: Bool

    public init(count: Int, rows: Int, reconstructions: Bool = false) {
        self.count = count
        self.rows = rows
        self.reconstructions = reconstructions
    }

    public var effect: CommandEffect { .readsSession }

    public func run(in context: ExecutionContext) -> [BlockOutput] {
        let session = context.session, state = session.current
        guard reconstructions else {
            return [context.figures.evolution(state.evolution, count: count, rows: rows, model: state.model)]
        }
        let shown = min(count, state.reconstructionEvolution.first?.images.count ?? 0)
        return [context.figures.reconstructionEvolution(state.reconstructionEvolution, originals: session.splits.test,
                                                        count: shown, rows: rows, model: state.model)]
    }
}
