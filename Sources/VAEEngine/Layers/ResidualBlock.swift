/// A residual block of two fully connected layers, `y = x + W₂ · act(W₁ · x + b₁) + b₂`: it
/// keeps the width (`d → d`) and adds a learned correction to its input, so stacking blocks
/// deepens a network without making it harder to train (He et al., 2016): where the correction
/// is not needed, the block passes its input through, and the gradient always reaches the
/// layer below through the identity path.
///
/// The two products are `Dense` layers the block owns (`<name>.0` with the model's activation,
/// `<name>.1` with none), so it gets their striped products; the block adds only the skip
/// connection. Its parameters are named as PyTorch names those of
/// `class Residual(nn.Sequential)` of two `nn.Linear` whose `forward` is
/// `x + self[1](act(self[0](x)))`, placed at the block's position in an `nn.Sequential`:
/// `encoder.1.0.weight`, `encoder.1.0.bias`, `encoder.1.1.weight`, `encoder.1.1.bias`.
///
/// Batches are in rows of samples, in and out.
public final class ResidualBlock: Layer {
    public let width: Int
    public let activation: Activation
    /// `act(W₁ · x + b₁)`.
    public let first: Dense
    /// `W₂ · h + b₂`, without activation.
    public let second: Dense

    private let output: Matrix
    private let inputGradient: Matrix

    public init(width: Int, activation: Activation, initializer: Initializer = .he(.normal), name: String = "residual") {
        self.width = width
        self.activation = activation
        first = Dense(inputSize: width, outputSize: width, activation: activation, initializer: initializer, name: "\(name).0")
        second = Dense(inputSize: width, outputSize: width, activation: .identity, initializer: initializer, name: "\(name).1")
        output = Matrix(rows: 0, columns: width)
        inputGradient = Matrix(rows: 0, columns: width)
    }

    public var kind: String {
        activation == .identity ? "Residual" : "Residual (\(activation.rawValue))"
    }

    public var inputSize: Int { width }
    public var outputSize: Int { width }
    public var outputShape: [Int] { [width] }
    public var parameters: [Parameter] { first.parameters + second.parameters }

    /// The first layer's weights, then the second's, from the one stream.
    public func initialize(stream: inout RandomStream) {
        first.initialize(stream: &stream)
        second.initialize(stream: &stream)
    }

    public func forward(_ input: Matrix) -> Matrix {
        precondition(input.columns == width, "a residual block expects \(width) features, got \(input.columns)")
        let correction = second.forward(first.forward(input))
        output.resize(rows: input.rows)
        Self.setSum(input, correction, into: output)
        return output
    }

    public func backward(_ outputGradient: Matrix, computeInputGradient: Bool) -> Matrix? {
        // `Dense.backward` may overwrite its output gradient, but only by multiplying it by the
        // derivative of its activation, and `second` has none: `outputGradient` comes out
        // unchanged, and is still dy for the skip connection below. (Keep `second` linear.)
        let hiddenGradient = second.backward(outputGradient, computeInputGradient: true)!
        let innerGradient = first.backward(hiddenGradient, computeInputGradient: computeInputGradient)
        guard computeInputGradient, let innerGradient else { return nil }
        // dx = dy (through the identity) + the gradient through the two layers.
        inputGradient.resize(rows: outputGradient.rows)
        Self.setSum(outputGradient, innerGradient, into: inputGradient)
        return inputGradient
    }

    /// `result = a + b`, element by element, eight lanes at a time.
    private static func setSum(_ a: Matrix, _ b: Matrix, into result: Matrix) {
        let (x, y, sum, count) = (a.data, b.data, result.data, result.count)
        var i = 0
        while i &+ 8 <= count {
            RowKernels.store(RowKernels.load8(x + i) + RowKernels.load8(y + i), sum + i)
            i &+= 8
        }
        while i < count {
            sum[i] = x[i] + y[i]
            i &+= 1
        }
    }
}
