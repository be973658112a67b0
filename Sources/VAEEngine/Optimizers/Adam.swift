import Foundation

/// Adam (Kingma & Ba, 2015) with bias correction, as `torch.optim.Adam` computes it, or as
/// Keras does.
public final class Adam: Optimizer {
    public var learningRate: Float
    public let beta1: Float
    public let beta2: Float
    public let epsilon: Float
    public let epsilonPlacement: EpsilonPlacement
    private let slots: OptimizerSlots
    private var stepCount = 0
    /// This step's constants, set by `beginStep()`.
    private var stepSize: Float = 0
    private var stepEpsilon: Float = 0

    /// Where ε enters the update; the two frameworks differ, and it matters when gradients are
    /// small: with a per-pixel mean loss many weights' √v̂ lie near 1e-7, where Keras' ε
    /// damps their steps and PyTorch's lets them move by the full learning rate.
    public enum EpsilonPlacement: String, Sendable, Codable {
        /// `torch.optim.Adam`: lr·m̂/(√v̂ + ε), ε added to the bias-corrected root.
        case pytorch
        /// Keras (`keras.optimizers.Adam`, `tf.keras`): lr_t·m/(√v + ε) with
        /// lr_t = lr·√(1 − β₂ᵗ)/(1 − β₁ᵗ), ε added to the root of the uncorrected v.
        case keras
    }

    public init(parameters: [Parameter], learningRate: Float, beta1: Float = 0.9, beta2: Float = 0.999,
                epsilon: Float = 1e-8, epsilonPlacement: EpsilonPlacement = .pytorch,
                context: ComputeContext = .singleThread) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.epsilonPlacement = epsilonPlacement
        slots = OptimizerSlots(parameters: parameters, slotsPerParameter: 2, context: context)
    }

    public var parameterCount: Int { slots.parameters.count }

    public var state: OptimizerState { OptimizerState(stepCount: stepCount, slots: slots.buffers) }

    public func restore(_ state: OptimizerState) throws {
        try slots.restore(state.slots)
        stepCount = state.stepCount
    }

    public func beginStep() {
        stepCount += 1
        let correction1 = 1 - Float(pow(Double(beta1), Double(stepCount)))
        let correction2 = 1 - Float(pow(Double(beta2), Double(stepCount)))
        // lr·m̂/(√v̂ + ε) = (lr·√c₂/c₁)·m/(√v + ε·√c₂): the same update with one division
        // per weight instead of two (Kingma & Ba's "ε̂" form, TensorFlow's too). Square roots
        // and divisions are the slow vector instructions here, so this matters per step.
        let rootCorrection2 = correction2.squareRoot()
        // Keras' update is already this form, with ε itself in place of ε·√c₂.
        stepSize = learningRate * rootCorrection2 / correction1
        stepEpsilon = epsilonPlacement == .keras ? epsilon : epsilon * rootCorrection2
    }

    public func update(parameters indices: Range<Int>) {
        let (b1, b2, stepSize, eps) = (beta1, beta2, stepSize, stepEpsilon)
        typealias V = SIMD8<Float>
        let (buffers, values, gradients) = (slots.slots, slots.values, slots.gradients)
        // Explicit vectors: the four pointers might alias as far as the compiler knows, so
        // it would not vectorize the scalar loop by itself. Each element's update is the
        // same operations in the same order in the vector body and the scalar tail, so the
        // result does not depend on where segments start.
        slots.forEachSegment(of: indices) { index, elements in
            let m = buffers[2 * index], v = buffers[2 * index + 1]
            let w = values[index], g = gradients[index]
            var i = elements.lowerBound
            while i + 8 <= elements.upperBound {
                let gradient = UnsafeRawPointer(g + i).loadUnaligned(as: V.self)
                let mean = b1 * UnsafeRawPointer(m + i).loadUnaligned(as: V.self) + (1 - b1) * gradient
                let square = b2 * UnsafeRawPointer(v + i).loadUnaligned(as: V.self) + (1 - b2) * gradient * gradient
                let weight = UnsafeRawPointer(w + i).loadUnaligned(as: V.self)
                    - stepSize * mean / (VectorMath.squareRoot(square) + eps)
                UnsafeMutableRawPointer(m + i).storeBytes(of: mean, as: V.self)
                UnsafeMutableRawPointer(v + i).storeBytes(of: square, as: V.self)
                UnsafeMutableRawPointer(w + i).storeBytes(of: weight, as: V.self)
                i &+= 8
            }
            while i < elements.upperBound {
                let gradient = g[i]
                m[i] = b1 * m[i] + (1 - b1) * gradient
                v[i] = b2 * v[i] + (1 - b2) * gradient * gradient
                w[i] -= stepSize * m[i] / (v[i].squareRoot() + eps)
                i += 1
            }
        }
    }
}
