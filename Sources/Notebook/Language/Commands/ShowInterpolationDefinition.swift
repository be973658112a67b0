import NotebookResults

/// `show interpolation`: decoded points on the line between two test images' posterior means.
struct ShowInterpolationDefinition: CommandDefinition {
    let schema = CommandSchema(
        name: "show interpolation", summary: "Interpolations: each row decodes evenly spaced points on the line between the posterior means of two test images (1 and 2, 3 and 4, …), the images themselves at both ends.",
        positionals: [],
        options: [ArgumentSchema("pairs", .integer(1...20), default: "4", "how many pairs of test images, one row each"),
                  ArgumentSchema("steps", .integer(2...25), default: "10", "decoded points per row, both ends included")],
        example: "show interpolation pairs=4 steps=10")

    let prerequisites: [Prerequisite] = [.model, .data]

    func build(_ arguments: CheckedArguments, _ line: inout LineContext) -> (any Command)? {
        let pairs = arguments.integer("pairs")
        // Each row joins two images of its own: 1 and 2, 3 and 4, …
        if let problem = line.state.splitSizes?.shortage(of: 2 * pairs, .test, for: "pairs=\(pairs)") {
            if let span = arguments.span(of: "pairs") { return line.fail(problem, at: span) }
            return line.failCommand(problem)
        }
        return ShowInterpolationCommand(pairs: pairs, steps: arguments.integer("steps"))
    }
}

/// Interpolations in the current model's latent space.
public struct ShowInterpolationCommand: Command, Equatable {
    public var pairs: Int
    public var steps: Int

    public init(pairs: Int, steps: Int) {
        self.pairs = pairs
        self.steps = steps
    }

    public var effect: CommandEffect { .readsSession }

    public func run(in context: ExecutionContext) throws -> [BlockOutput] {
        let session = context.session
        let test = session.splits.test
        guard 2 * pairs <= test.count else {
            throw CommandProblem("pairs=\(pairs) needs \(2 * pairs) test images; the data has \(test.count)")
        }
        return [context.figures.interpolation(model: session.current.model, data: test, pairs: pairs, steps: steps)]
    }
}
