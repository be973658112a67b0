/// Stochastic gradient descent with optional (heavy-ball) momentum, as `torch.optim.SGD`.
public final class SGD: Optimizer {
    public var learningRate: Float
    public let momentum: Float
    private let slots: OptimizerSlots

    public init(parameters: [Parameter], learningRate: Float, momentum: Float = 0) {
        self.learningRate = learningRate
        self.momentum = momentum
        slots = OptimizerSlots(parameters: parameters, slotsPerParameter: 1)
    }

    public var parameterCount: Int { slots.parameters.count }

    public var state: OptimizerState { OptimizerState(stepCount: 0, slots: slots.buffers) }

    public func restore(_ state: OptimizerState) throws {
        try slots.restore(state.slots)
    }

    public func beginStep() {}

    public func update(parameters indices: Range<Int>) {
        let (rate, mu) = (learningRate, momentum)
        for index in indices {
            let parameter = slots.parameters[index]
            let velocity = slots.slots[index]
            let w = parameter.value.data, g = parameter.gradient.data
            for i in 0..<parameter.count {
                velocity[i] = mu * velocity[i] + g[i]
                w[i] -= rate * velocity[i]
            }
        }
    }
}
