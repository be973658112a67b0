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
        output.resize(rows: input.rows)
        // Each part of the product adds the bias and activates the block it has just computed.
        let (biasValues, out, width, activation) = (bias.value.data, output.data, outputSize, activation)
        output.setProduct(input, .none, weight.value, .none) { rows, columns in
            for row in rows {
                let start = row &* width &+ columns.lowerBound
                Self.add(biasValues + columns.lowerBound, into: out + start, count: columns.count)
                activation.apply(out + start, count: columns.count)
            }
        }
        return output
    }

    /// `sums[i] += values[i]`, eight lanes at a time (the pointers may alias as far as the
    /// compiler knows, so it would not vectorize the plain loop).
    @inline(__always)
    private static func add(_ values: UnsafePointer<Float>, into sums: UnsafeMutablePointer<Float>, count: Int) {
        var i = 0
        while i &+ 8 <= count {
            RowKernels.store(RowKernels.load8(sums + i) + RowKernels.load8(values + i), sums + i)
            i &+= 8
        }
        while i < count {
            sums[i] += values[i]
            i &+= 1
        }
    }

    public func backward(_ outputGradient: Matrix, computeInputGradient: Bool) -> Matrix? {
        guard let input = lastInput else { preconditionFailure("backward before forward") }
        let batch = outputGradient.rows
        // dy ⊙ activation′, and db = column sums of dy accumulated row by row in a fixed order:
        // one pass, cut into ranges of columns so that each sum keeps that order.
        let (dy, outputs, db, width, activation) = (outputGradient.data, output.data, bias.gradient.data, outputSize, activation)
        ParallelRanges.forEach(width, minimumPerThread: 64) { columns in
            let count = columns.count
            (db + columns.lowerBound).update(repeating: 0, count: count)
            for row in 0..<batch {
                let start = row &* width &+ columns.lowerBound
                activation.backward(outputs: outputs + start, gradient: dy + start, count: count)
                Self.add(dy + start, into: db + columns.lowerBound, count: count)
            }
        }
        // dW = xᵀ · dy
        weight.gradient.setProduct(input, .transposed, outputGradient, .none)
        guard computeInputGradient else { return nil }
        // dx = dy · Wᵀ
        inputGradient.setProduct(outputGradient, .none, weight.value, .transposed)
        return inputGradient
    }
}
