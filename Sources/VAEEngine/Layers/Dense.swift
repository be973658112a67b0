/// A fully connected layer `y = activation(x · Wᵀ + b)` with bias and activation fused.
///
/// `W` is stored `outputSize × inputSize`, as PyTorch's `nn.Linear` stores it; products use
/// transpose flags rather than copies.
///
/// On several threads each thread owns a stripe of the output features, as in Megatron-LM's
/// column-parallel linear layer: it computes those columns of `y`, those rows of `dW` and
/// those sums of `db`, and (through the optimizer's stripes) updates those rows of `W`, which
/// are contiguous. So a weight never moves between cores, and no cache line holds two
/// threads' weights. `dx = dy · W` sums over the output features, so each thread multiplies
/// its own rows into a partial `dx` and the partials are added.
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
    /// The other threads' partial products of `dx`, one `batch × inputSize` block each.
    private let partialInputGradients: Matrix

    public init(inputSize: Int, outputSize: Int, activation: Activation = .identity,
                initializer: Initializer = .he(.normal), name: String = "dense") {
        self.inputSize = inputSize
        self.outputSize = outputSize
        self.activation = activation
        self.initializer = initializer
        weight = Parameter(name: "\(name).weight", shape: [outputSize, inputSize], rows: outputSize, columns: inputSize)
        bias = Parameter(name: "\(name).bias", shape: [outputSize], rows: 1, columns: outputSize)
        output = Matrix(rows: 0, columns: outputSize)
        inputGradient = Matrix(rows: 0, columns: inputSize)
        partialInputGradients = Matrix(rows: 0, columns: inputSize)
    }

    public var kind: String {
        activation == .identity ? "Dense" : "Dense (\(activation.rawValue))"
    }

    public var outputShape: [Int] { [outputSize] }
    public var parameters: [Parameter] { [weight, bias] }

    public func initialize(stream: inout RandomStream) {
        // Draws in input-major order, as when the weights were stored `inputSize × outputSize`,
        // so a seed gives the same network whatever the storage order.
        var draws = [Float](repeating: 0, count: weight.count)
        draws.withUnsafeMutableBufferPointer {
            initializer.fill($0.baseAddress!, count: weight.count, fanIn: inputSize, fanOut: outputSize, stream: &stream)
        }
        for input in 0..<inputSize {
            for output in 0..<outputSize { weight.value[output, input] = draws[input * outputSize + output] }
        }
        initializer.fillBias(bias.value.data, count: outputSize, fanIn: inputSize, stream: &stream)
    }

    public func forward(_ input: Matrix) -> Matrix {
        precondition(input.columns == inputSize, "Dense expects \(inputSize) features, got \(input.columns)")
        lastInput = input
        output.resize(rows: input.rows)
        // Each part of the product adds the bias and activates the block it has just computed.
        let (biasValues, out, width, activation) = (bias.value.data, output.data, outputSize, activation)
        output.setProduct(input, .none, weight.value, .transposed, cut: .columns) { rows, columns in
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
        ParallelRanges.forEach(stripesOf: width, minimumPerThread: 64) { columns in
            let count = columns.count
            (db + columns.lowerBound).update(repeating: 0, count: count)
            for row in 0..<batch {
                let start = row &* width &+ columns.lowerBound
                activation.backward(outputs: outputs + start, gradient: dy + start, count: count)
                Self.add(dy + start, into: db + columns.lowerBound, count: count)
            }
        }
        // dW = dyᵀ · x
        weight.gradient.setProduct(outputGradient, .transposed, input, .none, cut: .rows)
        guard computeInputGradient else { return nil }
        // dx = dy · W, each thread over its own output features; then the partials are added
        // in part order, over the stripes of input features the previous layer's passes use.
        let parts = inputGradient.setProduct(outputGradient, .none, weight.value, .none,
                                             cut: .depth, partials: partialInputGradients)
        if parts > 1 {
            let (dx, partials, inputWidth, blockSize) = (inputGradient.data, partialInputGradients.data,
                                                         inputSize, batch * inputSize)
            ParallelRanges.forEach(stripesOf: inputWidth, minimumPerThread: 64) { columns in
                for row in 0..<batch {
                    let start = row &* inputWidth &+ columns.lowerBound
                    for part in 1..<parts {
                        Self.add(partials + (part - 1) * blockSize + start, into: dx + start, count: columns.count)
                    }
                }
            }
        }
        return inputGradient
    }
}
