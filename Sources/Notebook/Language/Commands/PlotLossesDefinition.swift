import NotebookResults

/// `plot losses`: train and test −ELBO per epoch as a line chart, of one model or several.
struct PlotLossesDefinition: CommandDefinition {
    let schema = CommandSchema(
        name: "plot losses", summary: "A line chart of train and test −ELBO per epoch (for loss=mse the objective, squared error + KL); with models=[…] the curves of several models overlaid (train dashed, test solid, a colour per model).",
        positionals: [],
        options: [ArgumentSchema("models", .nameList(count: 1...10), absent: "—", "the models to overlay, by name (left out, the current model alone)")],
        example: "plot losses models=[beta1,beta4]")

    let prerequisites: [Prerequisite] = [.model]

    func build(_ arguments: CheckedArguments, _ line: inout LineContext) -> (any Command)? {
        guard let names = arguments.value("models")?.words else {
            if let problem = Prerequisite.training.problem(for: schema.name, in: line.state) { return line.failCommand(problem) }
            return PlotLossesCommand(models: nil)
        }
        let span = arguments.span(of: "models")!
        for name in names {
            guard let model = line.state.model(named: name) else { return line.fail(line.state.unknownModel(name), at: span) }
            if !model.hasTrained { return line.fail("the model '\(name)' is not trained by this point", at: span) }
        }
        if Set(names).count != names.count { return line.fail("a model is named twice in models=[…]", at: span) }
        return PlotLossesCommand(models: names)
    }
}

/// The loss chart of the current model, or of the named models overlaid.
public struct PlotLossesCommand: Command, Equatable {
    public var models: [String]?

    public init(models: [String]?) { self.models = models }

    public var effect: CommandEffect { .readsSession }

    public func run(in context: ExecutionContext) -> [BlockOutput] {
        let session = context.session
        guard let models else { return [context.figures.lossChart(session.current)] }
        return [context.figures.lossChart(comparing: models.map(session.model(named:)))]
    }
}
