/// RMSProp as Keras computes it: a running mean of squared gradients, ε added outside the root.
///
/// Updates run in `OptimizerSlots.forEachSegment`'s stripes, as Adam's do.
public final class RMSProp: Optimizer {
    public var learningRate: Float
    public let rho: Float
    public let epsilon: Float
    private let slots: OptimizerSlots

    public init(parameters: [Parameter], learningRate: Float, rho: Float = 0.9, epsilon: Float = 1e-7,
                context: ComputeContext = .singleThread) {
        self.learningRate = learningRate
        self.rho = rho
        self.epsilon = epsilon
        slots = OptimizerSlots(parameters: parameters, slotsPerParameter: 1, context: context)
    }

    public var parameterCount: Int { slots.parameters.count }

    public var state: OptimizerState { OptimizerState(stepCount: 0, slots: slots.buffers) }

    public func restore(_ state: OptimizerState) throws {
        try slots.restore(state.slots)
    }

    public func beginStep() {}

    public func update(parameters indices: Range<Int>) {
        let (rate, decay, eps) = (learningRate, rho, epsilon)
        let (meanSquares, values, gradients) = (slots.slots, slots.values, slots.gradients)
        // Same operations per element in the vector body and the scalar tail (see SGD).
        slots.forEachSegment(of: indices) { index, elements in
            let meanSquare = meanSquares[index], w = values[index], g = gradients[index]
            var i = elements.lowerBound
            while i &+ 8 <= elements.upperBound {
                let gradient = RowKernels.load8(g + i)
                let square = decay * RowKernels.load8(meanSquare + i) + (1 - decay) * gradient * gradient
                RowKernels.store(square, meanSquare + i)
                RowKernels.store(RowKernels.load8(w + i) - rate * gradient / (VectorMath.squareRoot(square) + eps), w + i)
                i &+= 8
            }
            while i < elements.upperBound {
                let gradient = g[i]
                meanSquare[i] = decay * meanSquare[i] + (1 - decay) * gradient * gradient
                w[i] -= rate * gradient / (meanSquare[i].squareRoot() + eps)
                i &+= 1
            }
        }
    }
}
