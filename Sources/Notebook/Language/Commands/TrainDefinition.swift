import NotebookResults
import VAEEngine

/// `train`: trains the current model for some epochs or steps; loss figures need it.
struct TrainDefinition: CommandDefinition {
    let schema = CommandSchema(
        name: "train", summary: "Trains the current model for some epochs, evaluating on the test split after each.",
        positionals: [],
        options: [ArgumentSchema("epochs", .integer(1...100_000), absent: "—", "passes over the training images (or give steps)"),
                  ArgumentSchema("steps", .integer(1...10_000_000), absent: "—", "optimizer steps instead of epochs (the last epoch may be partial)"),
                  ArgumentSchema("batch", .integer(1...60_000), default: "128", "images per step"),
                  ArgumentSchema("lr", .real(1e-12...10), default: "1e-3", "learning rate"),
                  ArgumentSchema("optimizer", .choice(["adam", "adam-keras", "sgd", "rmsprop"]), default: "adam",
                                 "the optimizer; adam-keras is Keras' Adam (ε = 1e-7 added to √v, not to the bias-corrected √v̂)"),
                  ArgumentSchema("momentum", .real(0...1), default: "0", "SGD momentum"),
                  ArgumentSchema("loss", .choice(ReconstructionLoss.allCases.map(\.rawValue)), default: "bce", "reconstruction loss"),
                  ArgumentSchema("kl", .choice(KLEstimator.allCases.map(\.rawValue)), default: "analytic", "KL estimator"),
                  ArgumentSchema("beta", .real(0...1e6), default: "1", "weight of the KL term"),
                  ArgumentSchema("reduction", .choice(Objective.Reduction.allCases.map(\.rawValue)), default: "sum",
                                 "sum over pixels, or their mean"),
                  ArgumentSchema("warmup", .integer(0...100_000), default: "0",
                                 "epochs over which the KL weight rises linearly from 0 to beta, step by step (Bowman et al. 2016)"),
                  ArgumentSchema("shuffle", .boolean, default: "true", "a new order of the training images every epoch, or always the stored order")],
        example: "train epochs=5 batch=128 lr=1e-3")

    let prerequisites: [Prerequisite] = [.model, .data]

    func build(_ arguments: CheckedArguments, _ line: inout LineContext) -> (any Command)? {
        let rate = Float(arguments.real("lr"))
        let optimizer: OptimizerSpec
        switch arguments.word("optimizer") {
        case "sgd": optimizer = .sgd(learningRate: rate, momentum: Float(arguments.real("momentum")))
        case "rmsprop": optimizer = .rmsprop(learningRate: rate)
        case "adam-keras": optimizer = .kerasAdam(learningRate: rate)
        default: optimizer = .adam(learningRate: rate)
        }
        if let span = arguments.span(of: "momentum"), arguments.word("optimizer") != "sgd" {
            return line.fail("'momentum' applies only to optimizer=sgd", at: span)
        }
        // The schema's choices are the engine's names, so these conversions cannot fail.
        let objective = Objective(reconstruction: ReconstructionLoss(rawValue: arguments.word("loss"))!,
                                  kl: KLEstimator(rawValue: arguments.word("kl"))!,
                                  beta: Float(arguments.real("beta")),
                                  reduction: Objective.Reduction(rawValue: arguments.word("reduction"))!)
        let epochs = arguments.value("epochs")?.integer
        let steps = arguments.value("steps")?.integer
        switch (epochs, steps) {
        case (nil, nil):
            return line.fail("'train' needs epochs=… or steps=…", at: line.syntax.endColumn)
        case (.some, .some):
            return line.fail("give either epochs or steps, not both", at: arguments.span(of: "steps")!)
        default: break
        }
        // With steps, the plan ignores epochs; 1 only fills the field.
        let plan = TrainingPlan(epochs: epochs ?? 1, steps: steps, batchSize: arguments.integer("batch"),
                                optimizer: optimizer, objective: objective,
                                warmupEpochs: arguments.integer("warmup"), shuffle: arguments.boolean("shuffle"))
        // A model that cannot train here is refused now, with its figure, not by a trap mid-run.
        if let index = line.state.currentIndex, let spec = line.state.models[index].spec,
           let problem = MemoryCheck.problemTraining(line.state.models[index], spec: spec, plan: plan) {
            if let span = arguments.span(of: "batch") { return line.fail(problem, at: span) }
            return line.failCommand(problem)
        }
        return TrainCommand(plan: plan)
    }

    /// The current model trained, even by a failed line, with the loss it asks for.
    func declare(_ arguments: CheckedArguments, built: (any Command)?, in state: inout StaticState) {
        state.hasTrained = true
        if let index = state.currentIndex, let loss = ReconstructionLoss(rawValue: arguments.word("loss")) {
            state.models[index].loss = loss
        }
    }
}

/// Trains the current model by a plan.
public struct TrainCommand: Command, Equatable {
    public var plan: TrainingPlan

    public init(plan: TrainingPlan) { self.plan = plan }

    public var effect: CommandEffect { .changesSession }

    public func run(in context: ExecutionContext) throws -> [BlockOutput] {
        let model = context.session.current
        let records = try context.train(plan)
        return [context.figures.trainingSummary(records, objective: plan.objective, warmup: plan.warmupEpochs > 0,
                                                model: context.session.models.count > 1 ? model.name : nil)]
    }
}
