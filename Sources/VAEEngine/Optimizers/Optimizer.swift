/// Updates parameters from their gradients; each optimizer keeps per-parameter state.
///
/// Optimizers are created for a fixed list of parameters (a model's), and
/// keep their slot buffers in the same order, so a step allocates nothing.
public protocol Optimizer: AnyObject {
    /// The learning rate; may be changed between steps.
    var learningRate: Float { get set }
    /// Applies one update to every parameter from its current gradient.
    func step()
}

/// Which optimizer to build, with its options, as a notebook declares it.
public enum OptimizerSpec: Sendable, Equatable, Codable {
    case adam(learningRate: Float, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8)
    case sgd(learningRate: Float, momentum: Float = 0)
    case rmsprop(learningRate: Float, rho: Float = 0.9, epsilon: Float = 1e-7)

    public func make(for parameters: [Parameter]) -> Optimizer {
        switch self {
        case let .adam(learningRate, beta1, beta2, epsilon):
            return Adam(parameters: parameters, learningRate: learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon)
        case let .sgd(learningRate, momentum):
            return SGD(parameters: parameters, learningRate: learningRate, momentum: momentum)
        case let .rmsprop(learningRate, rho, epsilon):
            return RMSProp(parameters: parameters, learningRate: learningRate, rho: rho, epsilon: epsilon)
        }
    }

    public var learningRate: Float {
        switch self {
        case .adam(let rate, _, _, _), .sgd(let rate, _), .rmsprop(let rate, _, _): return rate
        }
    }
}

/// Per-parameter slot buffers shared by the optimizers, allocated once.
final class OptimizerSlots {
    let parameters: [Parameter]
    let slots: [UnsafeMutablePointer<Float>]

    init(parameters: [Parameter], slotsPerParameter: Int) {
        self.parameters = parameters
        var slots: [UnsafeMutablePointer<Float>] = []
        for parameter in parameters {
            for _ in 0..<slotsPerParameter {
                let slot = UnsafeMutablePointer<Float>.allocate(capacity: parameter.count)
                slot.initialize(repeating: 0, count: parameter.count)
                slots.append(slot)
            }
        }
        self.slots = slots
    }

    deinit { slots.forEach { $0.deallocate() } }

    /// Calls `body(parameterIndex, elements)` over every element of every parameter, with all
    /// parameters seen as one long array cut into one contiguous piece per thread.
    ///
    /// One dispatch per step instead of one per parameter, and the small parameters (biases,
    /// the latent layer) no longer run alone. Element updates are independent, so the split
    /// never changes a result.
    func forEachSegment(_ body: (_ parameterIndex: Int, _ elements: Range<Int>) -> Void) {
        let total = totalCount
        // Below ~64K elements a second thread costs more to wake than it saves.
        ParallelRanges.forEach(total, minimumPerThread: 1 << 16) { piece in
            var offset = 0
            for (index, parameter) in parameters.enumerated() {
                let lower = max(piece.lowerBound, offset), upper = min(piece.upperBound, offset + parameter.count)
                if lower < upper { body(index, (lower - offset)..<(upper - offset)) }
                offset += parameter.count
            }
        }
    }

    private lazy var totalCount = parameters.reduce(0) { $0 + $1.count }
}
