import NotebookResults
import VAEEngine

/// `plot kl`: the KL of each latent dimension as bars, active units marked.
struct PlotKLDefinition: CommandDefinition {
    let schema = CommandSchema(
        name: "plot kl", summary: "The KL divergence of each latent dimension over a split, as bars sorted from largest; active units (variance over the data of the posterior mean above 0.01, as in Burda et al. 2016) in colour, the others grey.",
        positionals: [ArgumentSchema("split", .choice(Split.allCases.map(\.rawValue)), default: "test", "which split")],
        options: [], example: "plot kl test")

    let prerequisites: [Prerequisite] = [.model, .data]

    func build(_ arguments: CheckedArguments, _ line: inout LineContext) -> (any Command)? {
        PlotKLCommand(split: Split(rawValue: arguments.word("split"))!)
    }
}

/// The current model's KL per latent dimension.
public struct PlotKLCommand: Command, Equatable {
    public var split: Split

    public init(split: Split) { self.split = split }

    public var effect: CommandEffect { .readsSession }

    public func run(in context: ExecutionContext) throws -> [BlockOutput] {
        let session = context.session, state = session.current
        let data = session.split(split)
        let diagnostics = try LatentDiagnostics.compute(model: state.model, data: data)
        session.metrics += diagnostics.klPerDimension.enumerated().map {
            Metric(name: "KL z\($0.offset + 1)", value: $0.element, model: state.name)
        }
        session.metrics.append(Metric(name: "active units", value: Double(diagnostics.activeUnits), model: state.name))
        return [context.figures.klBars(diagnostics, split: split, model: session.models.count > 1 ? state.name : nil)]
    }
}
