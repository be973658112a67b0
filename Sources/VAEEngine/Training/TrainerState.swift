/// What a trainer carries from one `train` command to the next: the counters that index
/// its random streams (shuffle per epoch, noise per step) and the optimizer it continues.
///
/// With the model's weights, this is everything training depends on, so a trainer
/// restored from it trains on exactly as the one it was taken from would.
public struct TrainerState: Sendable, Equatable {
    public var completedEpochs: Int
    public var completedSteps: Int
    /// The optimizer's settings and state, once a `train` has made one.
    public var optimizer: (spec: OptimizerSpec, state: OptimizerState)?

    public init(completedEpochs: Int, completedSteps: Int, optimizer: (spec: OptimizerSpec, state: OptimizerState)?) {
        self.completedEpochs = completedEpochs
        self.completedSteps = completedSteps
        self.optimizer = optimizer
    }

    public static func == (lhs: TrainerState, rhs: TrainerState) -> Bool {
        lhs.completedEpochs == rhs.completedEpochs && lhs.completedSteps == rhs.completedSteps
            && lhs.optimizer?.spec == rhs.optimizer?.spec && lhs.optimizer?.state == rhs.optimizer?.state
    }
}

extension Trainer {
    /// The trainer's state now (the model's weights are taken separately).
    public var state: TrainerState {
        TrainerState(completedEpochs: completedEpochs, completedSteps: completedSteps,
                     optimizer: optimizerSpec.flatMap { spec in optimizer.map { (spec, $0.state) } })
    }

    /// Puts back a state taken from a trainer of the same model architecture.
    ///
    /// - Throws: `OptimizerState.Mismatch` when the optimizer's buffers do not fit the model.
    public func restore(_ state: TrainerState) throws {
        completedEpochs = state.completedEpochs
        completedSteps = state.completedSteps
        if let (spec, optimizerState) = state.optimizer {
            let made = spec.make(for: model.parameters, context: model.context)
            try made.restore(optimizerState)
            optimizer = made
            optimizerSpec = spec
        } else {
            optimizer = nil
            optimizerSpec = nil
        }
    }
}
