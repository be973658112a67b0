import VAEEngine

/// Whether a model fits this machine's memory, checked when the notebook compiles so a
/// model that cannot fit is a message at its line instead of a trap mid-run (`MemoryEstimate`).
enum MemoryCheck {
    /// What to make smaller, by the model's kind.
    private static func advice(_ spec: ModelSpec) -> String { spec.kind == .conv ? "fewer filters" : "smaller layers" }

    /// Why `model` cannot even be built and run on one image here, or nil when it can.
    static func problemBuilding(_ spec: ModelSpec, named name: String, available: AvailableMemory? = .current()) -> String? {
        guard let available else { return nil }
        let estimate = MemoryEstimate(spec: spec, batch: 1, optimizerSlots: 0)
        guard estimate.totalBytes > available.bytes else { return nil }
        return "model '\(name)' needs about \(MemoryEstimate.describe(estimate.totalBytes)) for its weights and a single "
            + "image (\(estimate.parts(optimizer: nil))); \(available.sentence); use \(advice(spec))"
    }

    /// Why training `model` with `plan` does not fit here, or nil when it does.
    static func problemTraining(_ model: StaticState.BuiltModel, spec: ModelSpec, plan: TrainingPlan,
                                available: AvailableMemory? = .current()) -> String? {
        guard let available else { return nil }
        let (slots, optimizer): (Int, String) = switch plan.optimizer {
        case .adam, .kerasAdam: (2, "Adam")
        case .rmsprop: (1, "RMSprop")
        case .sgd(_, let momentum): (momentum == 0 ? 0 : 1, "momentum")
        }
        let estimate = MemoryEstimate(spec: spec, batch: plan.batchSize, optimizerSlots: slots)
        guard estimate.totalBytes > available.bytes else { return nil }
        let line = model.line.map { " (line \($0))" } ?? ""
        return "model '\(model.name)'\(line) needs about \(MemoryEstimate.describe(estimate.totalBytes)) for a batch of "
            + "\(plan.batchSize) (\(estimate.parts(optimizer: optimizer))); \(available.sentence); "
            + "use a smaller batch or \(advice(spec))"
    }
}
