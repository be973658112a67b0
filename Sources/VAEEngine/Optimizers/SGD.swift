/// Stochastic gradient descent with optional (heavy-ball) momentum, as `torch.optim.SGD`.
public final class SGD: Optimizer {
    public var learningRate: Float
    public let momentum: Float
    private let state: OptimizerSlots

    public init(parameters: [Parameter], learningRate: Float, momentum: Float = 0) {
        self.learningRate = learningRate
        self.momentum = momentum
        state = OptimizerSlots(parameters: parameters, slotsPerParameter: 1)
    }

    public var parameterCount: Int { state.parameters.count }

    public func beginStep() {}

    public func update(parameters indices: Range<Int>) {
        let (rate, mu) = (learningRate, momentum)
        for index in indices {
            let parameter = state.parameters[index]
            let velocity = state.slots[index]
            let w = parameter.value.data, g = parameter.gradient.data
            for i in 0..<parameter.count {
                velocity[i] = mu * velocity[i] + g[i]
                w[i] -= rate * velocity[i]
            }
        }
    }
}
