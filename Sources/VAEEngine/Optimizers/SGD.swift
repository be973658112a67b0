/// Stochastic gradient descent with optional (heavy-ball) momentum, as `torch.optim.SGD`.
///
/// Updates run in `OptimizerSlots.forEachSegment`'s stripes, as Adam's do: each thread
/// updates the rows of the weights its parts of the products computed.
public final class SGD: Optimizer {
    public var learningRate: Float
    public let momentum: Float
    private let slots: OptimizerSlots

    public init(parameters: [Parameter], learningRate: Float, momentum: Float = 0,
                context: ComputeContext = .singleThread) {
        self.learningRate = learningRate
        self.momentum = momentum
        slots = OptimizerSlots(parameters: parameters, slotsPerParameter: 1, context: context)
    }

    public var parameterCount: Int { slots.parameters.count }

    public var state: OptimizerState { OptimizerState(stepCount: 0, slots: slots.buffers) }

    public func restore(_ state: OptimizerState) throws {
        try slots.restore(state.slots)
    }

    public func beginStep() {}

    public func update(parameters indices: Range<Int>) {
        let (rate, mu) = (learningRate, momentum)
        let (velocities, values, gradients) = (slots.slots, slots.values, slots.gradients)
        // Vector body and scalar tail do the same operations in the same order per element,
        // so where a stripe starts never changes a result.
        slots.forEachSegment(of: indices) { index, elements in
            let velocity = velocities[index], w = values[index], g = gradients[index]
            var i = elements.lowerBound
            while i &+ 8 <= elements.upperBound {
                let step = mu * RowKernels.load8(velocity + i) + RowKernels.load8(g + i)
                RowKernels.store(step, velocity + i)
                RowKernels.store(RowKernels.load8(w + i) - rate * step, w + i)
                i &+= 8
            }
            while i < elements.upperBound {
                velocity[i] = mu * velocity[i] + g[i]
                w[i] -= rate * velocity[i]
                i &+= 1
            }
        }
    }
}
