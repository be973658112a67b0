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
    /// Everything the optimizer carries from one step to the next, for a cache snapshot.
    var state: OptimizerState { get }
    /// Puts back a state taken from an optimizer of the same kind over the same parameters.
    ///
    /// - Throws: `OptimizerState.Mismatch` when the slot buffers do not fit.
    func restore(_ state: OptimizerState) throws
}

/// An optimizer's state between steps: its step count and its slot buffers (Adam's m and
/// v, SGD's velocity, RMSProp's mean square), in the optimizer's parameter order.
public struct OptimizerState: Sendable, Equatable {
    public var stepCount: Int
    public var slots: [[Float]]

    public init(stepCount: Int, slots: [[Float]]) {
        self.stepCount = stepCount
        self.slots = slots
    }

    /// A state whose buffers do not fit the optimizer it is restored into.
    public struct Mismatch: Error, Sendable, Equatable {}
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
    /// Adam as Keras computes it: ε = 1e-7 (`K.epsilon()`) added to √v without bias correction.
    case kerasAdam(learningRate: Float, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-7)
    case sgd(learningRate: Float, momentum: Float = 0)
    case rmsprop(learningRate: Float, rho: Float = 0.9, epsilon: Float = 1e-7)

    /// The optimizer over `parameters`, updating them in the stripes of `context`'s threads.
    public func make(for parameters: [Parameter], context: ComputeContext) -> Optimizer {
        switch self {
        case let .adam(learningRate, beta1, beta2, epsilon):
            return Adam(parameters: parameters, learningRate: learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon,
                        context: context)
        case let .kerasAdam(learningRate, beta1, beta2, epsilon):
            return Adam(parameters: parameters, learningRate: learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon,
                        epsilonPlacement: .keras, context: context)
        case let .sgd(learningRate, momentum):
            return SGD(parameters: parameters, learningRate: learningRate, momentum: momentum, context: context)
        case let .rmsprop(learningRate, rho, epsilon):
            return RMSProp(parameters: parameters, learningRate: learningRate, rho: rho, epsilon: epsilon, context: context)
        }
    }

    public var learningRate: Float {
        switch self {
        case .adam(let rate, _, _, _), .kerasAdam(let rate, _, _, _), .sgd(let rate, _), .rmsprop(let rate, _, _): return rate
        }
    }
}

/// Per-parameter slot buffers shared by the optimizers, allocated once, and the striped walk
/// over their elements that every optimizer's update runs in (`forEachSegment`).
final class OptimizerSlots {
    let parameters: [Parameter]
    let context: ComputeContext
    let slots: [UnsafeMutablePointer<Float>]
    /// Each parameter's values and gradient, read in the passes instead of the `Parameter`
    /// objects, whose reference counts both threads would otherwise bounce between their
    /// cores (a parameter's storage never moves); and its shape.
    let values: [UnsafeMutablePointer<Float>]
    let gradients: [UnsafeMutablePointer<Float>]
    let rows: [Int]
    let counts: [Int]

    init(parameters: [Parameter], slotsPerParameter: Int, context: ComputeContext) {
        self.parameters = parameters
        self.context = context
        values = parameters.map(\.value.data)
        gradients = parameters.map(\.gradient.data)
        rows = parameters.map(\.value.rows)
        counts = parameters.map(\.count)
        var slots: [UnsafeMutablePointer<Float>] = []
        for parameter in parameters {
            for _ in 0..<slotsPerParameter {
                let slot = CacheLineStorage.allocate(parameter.count)
                slot.initialize(repeating: 0, count: parameter.count)
                slots.append(slot)
            }
        }
        self.slots = slots
    }

    deinit { slots.forEach { $0.deallocate() } }

    /// Every slot buffer as an array, in slot order.
    var buffers: [[Float]] {
        var index = 0
        var buffers: [[Float]] = []
        for count in counts {
            for _ in 0..<(slots.count / max(1, counts.count)) {
                buffers.append(Array(UnsafeBufferPointer(start: slots[index], count: count)))
                index += 1
            }
        }
        return buffers
    }

    /// Copies `buffers` (as `buffers` gave them) into the slots.
    func restore(_ buffers: [[Float]]) throws {
        let perParameter = slots.count / max(1, counts.count)
        guard buffers.count == slots.count,
              buffers.enumerated().allSatisfy({ $0.element.count == counts[$0.offset / max(1, perParameter)] })
        else { throw OptimizerState.Mismatch() }
        for (slot, buffer) in zip(slots, buffers) {
            buffer.withUnsafeBufferPointer { pointer in
                if let base = pointer.baseAddress { slot.update(from: base, count: pointer.count) }
            }
        }
    }

    /// Calls `body(parameterIndex, elements)` over every element of the parameters at
    /// `indices`, one part per thread, each part a stripe of every parameter's rows.
    ///
    /// The stripes are the feature stripes `BLAS.gemm` cuts a layer's products into: a dense
    /// layer's weights are stored `outputs × inputs`, so the thread that computed a stripe of
    /// the weight gradient (`.rows`) updates that stripe, contiguous in memory, and holds the
    /// weights its part of the next products reads (`.columns` forward, `.depth` for the
    /// input gradient). A bias is one row, updated whole by the first part. Element updates
    /// are independent, so the split never changes a result.
    func forEachSegment(of indices: Range<Int>, _ body: (_ parameterIndex: Int, _ elements: Range<Int>) -> Void) {
        let (rows, counts) = (rows, counts)
        let total = indices.reduce(0) { $0 + counts[$1] }
        // Below ~64K elements a second thread costs more to wake than it saves.
        let threads = min(context.threads, total / (1 << 16))
        guard threads > 1 else {
            for index in indices { body(index, 0..<counts[index]) }
            return
        }
        let granule = GemmPartition.featureGranule
        context.runParts(threads) { part in
            for index in indices {
                let stripes = GemmPartition.featureStripeCount(rows[index], threads: threads)
                guard part < stripes else { continue }
                let width = counts[index] / rows[index]
                let ownRows = GemmPartition.stripe(part, of: stripes, length: rows[index], granule: granule)
                body(index, ownRows.lowerBound * width..<ownRows.upperBound * width)
            }
        }
    }
}
