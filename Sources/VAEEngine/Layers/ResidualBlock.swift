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
/// It takes and gives what `Dense` does (feature rows first, or sample rows): its first layer
/// gives the hidden activations to the second in feature rows, the layout two dense layers
/// share, and the skip connection is added in whatever layout the block's ends are in
/// (`Matrix.add`). It knows nothing of threads or stripes: the two `Dense` layers cut their
/// products and passes, and the adds are element-wise.
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

    /// Whatever its first layer takes, and whatever its second gives: the skip connection is
    /// added in any pair of these layouts.
    public var inputLayouts: [BatchLayout] { first.inputLayouts }
    public func outputLayouts(from input: BatchLayout) -> [BatchLayout] { second.outputLayouts(from: .featureRows) }

    public func forward(_ input: Matrix, giving layout: BatchLayout, context: ComputeContext) -> Matrix {
        precondition(input.columns == width, "a residual block expects \(width) features, got \(input.columns)")
        checkLayouts(input: input, giving: layout)
        let hidden = first.forward(input, giving: .featureRows, context: context)
        let correction = second.forward(hidden, giving: layout, context: context)
        output.resize(rows: input.rows)
        output.store(correction, as: layout)
        output.add(input)
        return output
    }

    public func backward(_ outputGradient: Matrix, computeInputGradient: Bool, context: ComputeContext) -> Matrix? {
        outputGradient.expect(output.layout, in: "a residual block's backward pass")
        // `Dense.backward` may overwrite its output gradient, but only by multiplying it by the
        // derivative of its activation, and `second` has none: `outputGradient` comes out
        // unchanged, and is still dy for the skip connection below. (Keep `second` linear.)
        let hiddenGradient = second.backward(outputGradient, computeInputGradient: true, context: context)!
        let innerGradient = first.backward(hiddenGradient, computeInputGradient: computeInputGradient, context: context)
        guard computeInputGradient, let innerGradient else { return nil }
        // dx = dy (through the identity) + the gradient through the two layers, in the input's layout.
        inputGradient.resize(rows: outputGradient.rows)
        inputGradient.store(innerGradient, as: innerGradient.layout)
        inputGradient.add(outputGradient)
        return inputGradient
    }
}
