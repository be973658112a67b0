import NotebookResults

/// `show manifold`: a grid decoded from a 2-D latent space; needs a model with latent=2.
struct ShowManifoldDefinition: CommandDefinition {
    let schema = CommandSchema(
        name: "show manifold", summary: "A grid of images decoded from evenly spaced points of a 2-D latent space.",
        positionals: [ArgumentSchema("size", .integer(2...40), default: "20", "images per side")],
        options: [ArgumentSchema("range", .realOrAuto(0.1...10), default: "2",
                                 "the grid spans [-range, range] on both axes; auto fits it to where the test images' posterior means lie (1st to 99th percentile per axis)")],
        example: "show manifold 20 range=auto")

    let prerequisites: [Prerequisite] = [.model]

    func build(_ arguments: CheckedArguments, _ line: inout LineContext) -> (any Command)? {
        if let latent = line.state.model?.latent, latent != 2 {
            return line.failCommand("'show manifold' needs a 2-D latent space; the model has latent=\(latent) (use 'plot latent' instead)")
        }
        let range = arguments.realOrAuto("range")
        if range == nil, let problem = Prerequisite.data.problem(for: "show manifold range=auto", in: line.state) {
            return line.fail(problem, at: arguments.span(of: "range")!)
        }
        return ShowManifoldCommand(size: arguments.integer("size"), range: range)
    }
}

/// A grid decoded from the current model's 2-D latent space.
public struct ShowManifoldCommand: Command, Equatable {
    public var size: Int
    /// The grid spans `[-range, range]²`; nil fits the window to the test images' posterior means.
    public var range: Double?

    public init(size: Int, range: Double?) {
        self.size = size
        self.range = range
    }

    public var effect: CommandEffect { .readsSession }

    public func run(in context: ExecutionContext) -> [BlockOutput] {
        let session = context.session, model = session.current.model
        guard let range else {
            return [context.figures.manifold(model: model, size: size, fittedTo: session.splits.test)]
        }
        return [context.figures.manifold(model: model, size: size, xRange: -range...range, yRange: -range...range)]
    }
}
