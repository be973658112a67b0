import NotebookResults
import VAEEngine

/// `evaluate`: the −ELBO over a whole split and, if asked, the importance-weighted bound.
struct EvaluateDefinition: CommandDefinition {
    let schema = CommandSchema(
        name: "evaluate",
        summary: "The current model on a whole split: the −ELBO with its reconstruction and KL per image, one z per image (on the test split the "
            + "stream of the last test pass, so the number training printed), and the training objective when it differs; with loss=mse the "
            + "objective (squared error + KL, no unit) instead, as a squared error is no likelihood. With iwae=K also the "
            + "importance-weighted estimate L_K ≤ log p(x) (Burda, Grosse & Salakhutdinov 2016), refused for loss=mse; on grey "
            + "(not binarized) pixels a Bernoulli likelihood is not a normalized density, so L_K there bounds no log-likelihood.",
        positionals: [ArgumentSchema("split", .choice(Split.allCases.map(\.rawValue)), default: "test", "which split")],
        options: [ArgumentSchema("iwae", .integer(1...5000), absent: "—",
                                 "importance samples per image for L_K, on its own random stream (K × images decoder passes)")],
        example: "evaluate test iwae=100")

    let prerequisites: [Prerequisite] = [.model, .data]

    func build(_ arguments: CheckedArguments, _ line: inout LineContext) -> (any Command)? {
        // L_K bounds log p(x) only where the reconstruction is a log-likelihood; a squared
        // error is none (its L_K came out below the objective, which no bound can).
        if let span = arguments.span(of: "iwae"), let index = line.state.currentIndex,
           line.state.models[index].loss == .mse {
            return line.fail("iwae=K estimates log p(x), but '\(line.state.models[index].name)' is trained with loss=mse, "
                             + "a squared error that is no likelihood; leave iwae out, or train with loss=bce", at: span)
        }
        return EvaluateCommand(split: Split(rawValue: arguments.word("split"))!, iwae: arguments.value("iwae")?.integer)
    }
}

/// Evaluates the current model on a split.
public struct EvaluateCommand: Command, Equatable {
    public var split: Split
    /// Importance samples per image for the log-likelihood estimate L_K, if asked.
    public var iwae: Int?

    public init(split: Split, iwae: Int? = nil) {
        self.split = split
        self.iwae = iwae
    }

    /// Each evaluation draws from the next stream of its model, so it changes the session.
    public var effect: CommandEffect { .changesSession }

    public func run(in context: ExecutionContext) throws -> [BlockOutput] {
        let session = context.session, state = session.current
        let data = session.split(split)
        state.evaluations += 1
        // The test split on the stream of the model's last test pass, so the page shows one
        // test −ELBO per model; the training split on a stream of this evaluation's own.
        let stream = split == .test ? FigureMaker.testPassStream(state) : UInt64(1_000_000 + state.evaluations)
        let totals = state.trainer.evaluate(on: data, objective: state.objective, streamIndex: stream,
                                            binarization: session.binarization)
        session.metrics += [
            Metric(name: "evaluate \(split.rawValue) loss", value: totals.meanTotal, model: state.name),
            Metric(name: "evaluate \(split.rawValue) reconstruction", value: totals.meanReconstruction, model: state.name),
            Metric(name: "evaluate \(split.rawValue) KL", value: totals.meanKL, model: state.name),
        ]
        var estimate: ImportanceWeightedEstimate?
        // The compiler refuses iwae for a model trained with loss=mse; one loaded since keeps it.
        if let samples = iwae, state.objective.reconstruction != .mse {
            // Its own stream ("iwae", the evaluation's number): adding it changes no other draw.
            let bound = try ImportanceWeightedBound.estimate(
                model: state.model, data: data, samples: samples,
                reconstruction: state.objective.reconstruction, seed: session.seed,
                streamIndex: UInt64(state.evaluations), binarization: session.binarization)
            session.metrics.append(Metric(name: "evaluate \(split.rawValue) log-likelihood L_\(samples)",
                                          value: bound.meanLogLikelihoodBound, model: state.name))
            state.likelihood = LikelihoodEstimate(split: split, samples: samples, value: bound.meanLogLikelihoodBound,
                                                  epoch: state.history.last?.epoch ?? 0)
            estimate = bound
        }
        return [context.figures.evaluation(totals, split: split, objective: state.objective, estimate: estimate,
                                           greyPixels: FigureMaker.hasGreyPixels(data, binarization: session.binarization),
                                           model: session.models.count > 1 ? state.name : nil)]
    }
}
