import NotebookResults

/// `show reconstructions`: images beside their reconstructions; needs a model and data.
struct ShowReconstructionsDefinition: CommandDefinition {
    let schema = CommandSchema(
        name: "show reconstructions", summary: "Images above their reconstructions, decoded from the posterior mean or, with sampled=true, from a z drawn from the posterior.",
        positionals: [ArgumentSchema("count", .integer(1...100), default: "10", "how many images")],
        options: [ArgumentSchema("from", .choice(Split.allCases.map(\.rawValue)), default: "test", "which split"),
                  ArgumentSchema("sampled", .boolean, default: "false",
                                 "decode z = μ + σ·ε with ε ~ N(0, I) from its own stream, as the TF1 and PyTorch tutorials do")],
        example: "show reconstructions 10 from=test sampled=true")

    let prerequisites: [Prerequisite] = [.model, .data]

    func build(_ arguments: CheckedArguments, _ line: inout LineContext) -> (any Command)? {
        let count = arguments.integer("count"), split = Split(rawValue: arguments.word("from"))!
        // Fewer images than asked for would be a smaller figure than the notebook says.
        if let problem = line.state.splitSizes?.shortage(of: count, split, for: "show reconstructions \(count)") {
            if let span = arguments.span(of: "count") { return line.fail(problem, at: span) }
            return line.failCommand(problem)
        }
        return ShowReconstructionsCommand(count: count, split: split, sampled: arguments.boolean("sampled"))
    }
}

/// The current model's reconstructions of a split's first images.
public struct ShowReconstructionsCommand: Command, Equatable {
    public var count: Int
    public var split: Split
    public var sampled: Bool

    public init(count: Int, split: Split, sampled: Bool = false) {
        self.count = count
        self.split = split
        self.sampled = sampled
    }

    public var effect: CommandEffect { .readsSession }

    public func run(in context: ExecutionContext) throws -> [BlockOutput] {
        let session = context.session
        // Checked again now: a data file may have changed since the notebook was checked.
        guard count <= session.split(split).count else {
            throw CommandProblem("show reconstructions \(count) needs \(count) \(split.rawValue) images; the data has "
                                 + "\(session.split(split).count)")
        }
        return [context.figures.reconstructions(model: session.current.model, data: session.split(split), count: count,
                                                split: split, sampledWithSeed: sampled ? session.seed : nil)]
    }
}
