/// Updates parameters from their gradients; each optimizer keeps per-parameter state.
///
/// Optimizers are created for a fixed list of parameters (a model's), and
/// keep their slot buffers in the same order, so a step allocates nothing.
///
/// A step is `beginStep()` and then `update(parameters:)` for every parameter once, in any
/// grouping: training updates each layer as soon as back-propagation has finished with it,
/// while its gradient is still in cache. Every element's update depends on its own values
/// alone, so the grouping never changes a result.
public protocol Optimizer: AnyObject {
    /// The learning rate; may be changed between steps.
    var learningRate: Float { get set }
    /// How many parameters the optimizer updates (the length of the list it was made for).
    var parameterCount: Int { get }
    /// Starts a step (Adam advances its bias correction here).
    func beginStep()
    /// Updates the parameters at `indices` of the optimizer's list from their gradients.
    func update(parameters indices: Range<Int>)
}

extension Optimizer {
    /// Applies one update to every parameter from its current gradient.
    public func step() {
        beginStep()
        update(parameters: 0..<parameterCount)
    }
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

    /// Calls `body(parameterIndex, elements)` over every element of the parameters at
    /// `indices`, seen as one long array cut into one contiguous piece per thread.
    ///
    /// One pass for a layer's weights and biases together, and small parameters never run
    /// alone. Element updates are independent, so the split never changes a result.
    func forEachSegment(of indices: Range<Int>, _ body: (_ parameterIndex: Int, _ elements: Range<Int>) -> Void) {
        let total = indices.reduce(0) { $0 + parameters[$1].count }
        // Below ~64K elements a second thread costs more to wake than it saves.
        ParallelRanges.forEach(total, minimumPerThread: 1 << 16) { piece in
            var offset = 0
            for index in indices {
                let count = parameters[index].count
                let lower = max(piece.lowerBound, offset), upper = min(piece.upperBound, offset + count)
                if lower < upper { body(index, (lower - offset)..<(upper - offset)) }
                offset += count
            }
        }
    }
}
