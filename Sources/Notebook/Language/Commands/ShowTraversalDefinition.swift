import NotebookResults

/// `show traversal`: one row per latent dimension, varied around a test image's posterior mean.
struct ShowTraversalDefinition: CommandDefinition {
    let schema = CommandSchema(
        name: "show traversal", summary: "Latent traversals: one row per latent dimension, decoding the posterior mean of a test image with that dimension moved from −range to +range around it and the others held.",
        positionals: [],
        options: [ArgumentSchema("dims", .integerList(count: 1...32, each: 1...1024), absent: "—",
                                 "which latent dimensions, numbered from 1 (left out, the ten with the most KL)"),
                  ArgumentSchema("steps", .integer(2...25), default: "9", "images per row"),
                  ArgumentSchema("range", .real(0.1...10), default: "3", "how far each dimension moves either way"),
                  ArgumentSchema("image", .integer(1...10_000), default: "1", "which test image, numbered from 1")],
        example: "show traversal dims=[1,2] steps=9 range=3")

    let prerequisites: [Prerequisite] = [.model, .data]

    func build(_ arguments: CheckedArguments, _ line: inout LineContext) -> (any Command)? {
        let dims = arguments.value("dims")?.integers
        if let dims, let latent = line.state.model?.latent, let beyond = dims.first(where: { $0 > latent }) {
            return line.fail("dimension \(beyond) is beyond the model's latent=\(latent)", at: arguments.span(of: "dims")!)
        }
        let image = arguments.integer("image")
        if let problem = line.state.splitSizes?.shortage(of: image, .test, for: "image=\(image)") {
            if let span = arguments.span(of: "image") { return line.fail(problem, at: span) }
            return line.failCommand(problem)
        }
        return ShowTraversalCommand(dimensions: dims, steps: arguments.integer("steps"), range: arguments.real("range"),
                                    image: image)
    }
}

/// Latent traversals of the current model.
public struct ShowTraversalCommand: Command, Equatable {
    /// 1-based dimensions; nil picks the ten dimensions with the most KL.
    public var dimensions: [Int]?
    public var steps: Int
    public var range: Double
    /// 1-based test image.
    public var image: Int

    public init(dimensions: [Int]?, steps: Int, range: Double, image: Int) {
        self.dimensions = dimensions
        self.steps = steps
        self.range = range
        self.image = image
    }

    public var effect: CommandEffect { .readsSession }

    public func run(in context: ExecutionContext) throws -> [BlockOutput] {
        let session = context.session
        let test = session.splits.test
        guard image <= test.count else {
            throw CommandProblem("image=\(image) is beyond the \(test.count) test images")
        }
        return [try context.figures.traversal(model: session.current.model, data: test,
                                          dimensions: dimensions.map { $0.map { $0 - 1 } }, steps: steps, range: range,
                                          image: image - 1)]
    }
}
