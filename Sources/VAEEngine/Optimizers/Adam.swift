import Foundation

/// Adam (Kingma & Ba, 2015) with bias correction, as `torch.optim.Adam` computes it.
public final class Adam: Optimizer {
    public var learningRate: Float
    public let beta1: Float
    public let beta2: Float
    public let epsilon: Float
    private let state: OptimizerSlots
    private var stepCount = 0

    public init(parameters: [Parameter], learningRate: Float, beta1: Float = 0.9, beta2: Float = 0.999,
                epsilon: Float = 1e-8) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        state = OptimizerSlots(parameters: parameters, slotsPerParameter: 2)
    }

    public func step() {
        stepCount += 1
        let correction1 = 1 - Float(pow(Double(beta1), Double(stepCount)))
        let correction2 = 1 - Float(pow(Double(beta2), Double(stepCount)))
        let stepSize = learningRate / correction1
        let rootCorrection2 = correction2.squareRoot()
        let (b1, b2, eps) = (beta1, beta2, epsilon)
        typealias V = SIMD8<Float>
        for (index, parameter) in state.parameters.enumerated() {
            let m = state.slots[2 * index], v = state.slots[2 * index + 1]
            let w = parameter.value.data, g = parameter.gradient.data
            let count = parameter.count
            let blocks = count / 8
            // Explicit vectors: the four pointers might alias as far as the compiler
            // knows, so it would not vectorize the scalar loop by itself. Large
            // parameters are split across threads; each weight's update is the same
            // whatever the split.
            ParallelRanges.forEach(blocks, minimumPerThread: 2048) { range in
                for block in range {
                    let i = block &* 8
                    let gradient = UnsafeRawPointer(g + i).loadUnaligned(as: V.self)
                    let mean = b1 * UnsafeRawPointer(m + i).loadUnaligned(as: V.self) + (1 - b1) * gradient
                    let square = b2 * UnsafeRawPointer(v + i).loadUnaligned(as: V.self) + (1 - b2) * gradient * gradient
                    let weight = UnsafeRawPointer(w + i).loadUnaligned(as: V.self)
                        - stepSize * mean / (square.squareRoot() / rootCorrection2 + eps)
                    UnsafeMutableRawPointer(m + i).storeBytes(of: mean, as: V.self)
                    UnsafeMutableRawPointer(v + i).storeBytes(of: square, as: V.self)
                    UnsafeMutableRawPointer(w + i).storeBytes(of: weight, as: V.self)
                }
            }
            var i = blocks * 8
            while i < count {
                let gradient = g[i]
                m[i] = b1 * m[i] + (1 - b1) * gradient
                v[i] = b2 * v[i] + (1 - b2) * gradient * gradient
                w[i] -= stepSize * m[i] / (v[i].squareRoot() / rootCorrection2 + eps)
                i += 1
            }
        }
    }
}
