/// A fully connected layer `y = activation(x · W + b)` with bias and activation fused.
///
/// `W` is stored `inputSize × outputSize` so the forward pass is one `sgemm`
/// without transposes; backward uses transpose flags rather than copies.
public final class Dense: Layer {
    public let inputSize: Int
    public let outputSize: Int
    public let activation: Activation
    public let initializer: Initializer
    public let weight: Parameter
    public let bias: Parameter

    private unowned(unsafe) var lastInput: Matrix?
    private let output: Matrix
    private let inputGradient: Matrix

    public init(inputSize: Int, outputSize: Int, activation: Activation = .identity,
                initializer: Initializer = .he(.normal), name: String = "dense") {
        self.inputSize = inputSize
        self.outputSize = outputSize
        self.activation = activation
        self.initializer = initializer
        weight = Parameter(name: "\(name).weight", shape: [inputSize, outputSize], rows: inputSize, columns: outputSize)
        bias = Parameter(name: "\(name).bias", shape: [outputSize], rows: 1, columns: outputSize)
        output = Matrix(rows: 0, columns: outputSize)
        inputGradient = Matrix(rows: 0, columns: inputSize)
    }

    public var kind: String {
        activation == .identity ? "Dense" : "Dense (\(activation.rawValue))"
    }

    public var outputShape: [Int] { [outputSize] }
    public var parameters: [Parameter] { [weight, bias] }

    public func initialize(stream: inout RandomStream) {
        initializer.fill(weight.value.data, count: weight.count, fanIn: inputSize, fanOut: outputSize, stream: &stream)
        initializer.fillBias(bias.value.data, count: outputSize, fanIn: inputSize, stream: &stream)
    }

    public func forward(_ input: Matrix) -> Matrix {
        precondition(input.columns == inputSize, "Dense expects \(inputSize) features, got \(input.columns)")
        lastInput = input
        let batch = input.rows
        output.resize(rows: batch)
        // Broadcast the bias into the output, then accumulate x · W on top of it.
        let biasValues = bias.value.data
        let out = output.data
        for row in 0..<batch {
            (out + row * outputSize).update(from: biasValues, count: outputSize)
        }
        output.setProduct(input, .none, weight.value, .none, accumulate: true)
        activation.apply(out, count: batch * outputSize)
        return output
    }

    public func backward(_ outputGradient: Matrix, computeInputGradient: Bool) -> Matrix? {
        guard let input = lastInput else { preconditionFailure("backward before forward") }
        let batch = outputGradient.rows
        activation.backward(outputs: output.data, gradient: outputGradient.data, count: batch * outputSize)
        // dW = xᵀ · dy
        weight.gradient.setProduct(input, .transposed, outputGradient, .none)
        // db = column sums of dy, accumulated row by row in a fixed order.
        let db = bias.gradient.data
        db.update(repeating: 0, count: outputSize)
        let dy = outputGradient.data
        for row in 0..<batch {
            let rowStart = dy + row * outputSize
            for column in 0..<outputSize { db[column] += rowStart[column] }
        }
        guard computeInputGradient else { return nil }
        // dx = dy · Wᵀ
        inputGradient.setProduct(outputGradient, .none, weight.value, .transposed)
        return inputGradient
    }
}
