import Foundation

/// An element-wise non-linearity whose derivative is computed from its output alone.
///
/// Storing only outputs halves the activation memory and lets a layer apply
/// bias and activation in one pass.
public enum Activation: String, Sendable, CaseIterable, Codable {
    case identity
    case relu
    case elu
    case leakyRelu = "leaky-relu"
    case tanh
    case sigmoid
    case softplus

    /// The negative-side slope of leaky ReLU (Keras' default 0.3 differs; PyTorch's is 0.01).
    public static let leakySlope: Float = 0.01

    /// Applies the activation in place to `count` values.
    @inline(__always)
    public func apply(_ values: UnsafeMutablePointer<Float>, count: Int) {
        switch self {
        case .identity:
            return
        case .relu:
            for i in 0..<count { values[i] = max(values[i], 0) }
        case .elu:
            for i in 0..<count { let x = values[i]; values[i] = x > 0 ? x : expm1f(x) }
        case .leakyRelu:
            for i in 0..<count { let x = values[i]; values[i] = x > 0 ? x : x * Self.leakySlope }
        case .tanh:
            for i in 0..<count { values[i] = tanhf(values[i]) }
        case .sigmoid:
            for i in 0..<count { values[i] = Activation.sigmoid(values[i]) }
        case .softplus:
            for i in 0..<count {
                let x = values[i]
                values[i] = max(x, 0) + log1pf(expf(-abs(x)))
            }
        }
    }

    /// Multiplies `gradient` in place by the activation's derivative, given the outputs.
    @inline(__always)
    public func backward(outputs: UnsafePointer<Float>, gradient: UnsafeMutablePointer<Float>, count: Int) {
        switch self {
        case .identity:
            return
        case .relu:
            // A select, not a branch: the sign of a unit is unpredictable.
            for i in 0..<count { gradient[i] = outputs[i] > 0 ? gradient[i] : 0 }
        case .elu:  // d/dx = 1 for x > 0, exp(x) = y + 1 otherwise
            for i in 0..<count { let y = outputs[i]; gradient[i] *= y > 0 ? 1 : y + 1 }
        case .leakyRelu:
            for i in 0..<count { gradient[i] *= outputs[i] > 0 ? 1 : Self.leakySlope }
        case .tanh:
            for i in 0..<count { let y = outputs[i]; gradient[i] *= 1 - y * y }
        case .sigmoid:
            for i in 0..<count { let y = outputs[i]; gradient[i] *= y * (1 - y) }
        case .softplus:  // d/dx = sigmoid(x) = 1 - exp(-y)
            for i in 0..<count { gradient[i] *= -expm1f(-outputs[i]) }
        }
    }

    /// A numerically stable logistic function.
    @inline(__always)
    public static func sigmoid(_ x: Float) -> Float {
        if x >= 0 {
            return 1 / (1 + expf(-x))
        }
        let e = expf(x)
        return e / (1 + e)
    }
}
