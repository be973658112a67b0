/// RMSProp as Keras computes it: a running mean of squared gradients, ε added outside the root.
public final class RMSProp: Optimizer {
    public var learningRate: Float
    public let rho: Float
    public let epsilon: Float
    private let slots: OptimizerSlots

    public init(parameters: [Parameter], learningRate: Float, rho: Float = 0.9, epsilon: Float = 1e-7) {
        self.learningRate = learningRate
        self.rho = rho
        self.epsilon = epsilon
        slots = OptimizerSlots(parameters: parameters, slotsPerParameter: 1)
    }

    public var parameterCount: Int { slots.parameters.count }

    public var state: OptimizerState { OptimizerState(stepCount: 0, slots: slots.buffers) }

    public func restore(_ state: OptimizerState) throws {
        try slots.restore(state.slots)
    }

    public func beginStep() {}

    public func update(parameters indices: Range<Int>) {
        let (rate, decay, eps) = (learningRate, rho, epsilon)
        for index in indices {
            let parameter = slots.parameters[index]
            let meanSquare = slots.slots[index]
            let w = parameter.value.data, g = parameter.gradient.data
            for i in 0..<parameter.count {
                let gradient = g[i]
                meanSquare[i] = decay * meanSquare[i] + (1 - decay) * gradient * gradient
                w[i] -= rate * gradient / (meanSquare[i].squareRoot() + eps)
            }
        }
    }
}
