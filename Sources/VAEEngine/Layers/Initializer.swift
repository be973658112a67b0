import Foundation

/// How a layer's weights are drawn before training; biases always start at zero.
public enum Initializer: Sendable, Equatable, Codable {
    case he(Distribution)
    case glorot(Distribution)
    case lecun(Distribution)
    /// PyTorch's default for `nn.Linear` and `nn.Conv2d`: weights and biases uniform in
    /// ±1/√fan_in (`kaiming_uniform_(a=√5)`), so PyTorch tutorials can be matched exactly.
    case pytorch

    public enum Distribution: String, Sendable, Codable { case normal, uniform }

    /// Parses `he`, `he-uniform`, `glorot`, `glorot-normal`, `lecun-uniform`… (`he` and `lecun`
    /// default to normal like Keras' `he_normal`; `glorot` to uniform like `glorot_uniform`).
    public init?(name: String) {
        switch name {
        case "he", "he-normal": self = .he(.normal)
        case "he-uniform": self = .he(.uniform)
        case "glorot", "glorot-uniform", "xavier": self = .glorot(.uniform)
        case "glorot-normal": self = .glorot(.normal)
        case "lecun", "lecun-normal": self = .lecun(.normal)
        case "lecun-uniform": self = .lecun(.uniform)
        case "pytorch": self = .pytorch
        default: return nil
        }
    }

    public static let names = ["he", "he-normal", "he-uniform", "glorot", "glorot-uniform",
                               "glorot-normal", "lecun", "lecun-normal", "lecun-uniform", "pytorch"]

    /// The variance scale and fan used: He 2/fan_in, Glorot 2/(fan_in+fan_out), LeCun 1/fan_in.
    func variance(fanIn: Int, fanOut: Int) -> Double {
        switch self {
        case .he: return 2 / Double(fanIn)
        case .glorot: return 2 / Double(fanIn + fanOut)
        case .lecun: return 1 / Double(fanIn)
        case .pytorch: return 1 / (3 * Double(fanIn))
        }
    }

    var distribution: Distribution {
        switch self {
        case .he(let d), .glorot(let d), .lecun(let d): return d
        case .pytorch: return .uniform
        }
    }

    /// Fills `count` biases: zero, except PyTorch's uniform ±1/√fan_in.
    public func fillBias(_ biases: UnsafeMutablePointer<Float>, count: Int, fanIn: Int, stream: inout RandomStream) {
        guard self == .pytorch else {
            biases.update(repeating: 0, count: count)
            return
        }
        let limit = Float(1 / Double(fanIn).squareRoot())
        for i in 0..<count { biases[i] = (stream.nextUniform() * 2 - 1) * limit }
    }

    /// Fills `count` weights from `stream`. Normal draws are truncated at two standard
    /// deviations as Keras does; uniform draws use the limit sqrt(3 · variance).
    public func fill(_ weights: UnsafeMutablePointer<Float>, count: Int, fanIn: Int, fanOut: Int,
                     stream: inout RandomStream) {
        let variance = variance(fanIn: fanIn, fanOut: fanOut)
        switch distribution {
        case .uniform:
            let limit = Float((3 * variance).squareRoot())
            for i in 0..<count { weights[i] = (stream.nextUniform() * 2 - 1) * limit }
        case .normal:
            // Keras' truncated normal: stddev corrected by 0.8796… so the variance is kept.
            let stddev = Float(variance.squareRoot() / 0.879_625_720_8)
            for i in 0..<count {
                var draw = stream.nextGaussian()
                while abs(draw) > 2 { draw = stream.nextGaussian() }
                weights[i] = draw * stddev
            }
        }
    }
}
