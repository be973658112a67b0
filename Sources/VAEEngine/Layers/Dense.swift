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
///
/// Between two dense layers the activations are held feature-major (`yᵀ`, one row of memory
/// per feature): a thread's stripe of features is then one run of memory, where sample-major
/// it would be a piece of every sample's row, and the hardware prefetcher, running on past
/// the end of each piece, would pull the other thread's lines away from it on every row.
/// The products read such an operand through a transpose flag. A layer with few outputs (an
/// encoder's last) has too few features to own, and cuts its products by its input features
/// instead, the stripes the previous layer computed them in (the forward product into
/// partials that are added in order, as `dx` is).
public final class Dense: Layer {
    public let inputSize: Int
    public let outputSize: Int
    public let activation: Activation
    public let initializer: Initializer
    public let weight: Parameter
    public let bias: Parameter

    /// The input (and its gradient) is stored feature-major: value `(sample, feature)` at
    /// `feature · batch + sample`, the layout of `Xᵀ`. Set by `Sequential` between two dense
    /// layers, and by the model on its first and last layers.
    var inputInFeatureRows = false
    /// The output (and its gradient) is stored feature-major, like `inputInFeatureRows`.
    var outputInFeatureRows = false

    private unowned(unsafe) var lastInput: Matrix?
    private let output: Matrix
    private let inputGradient: Matrix
    /// The other threads' partial products of `dx`, one `batch × inputSize` block each.
    private let partialInputGradients: Matrix
    /// The other threads' partial products of `y` when it is cut across the input features.
    private let partialOutputs: Matrix

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
        partialOutputs = Matrix(rows: 0, columns: outputSize)
    }

    /// Below this many outputs (four feature granules) a layer's products are cut by its input
    /// features, where they can be: its own outputs would make one or two stripes at most.
    static let fewOutputs = 4 * GemmPartition.featureGranule

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
        let batch = input.rows
        output.resize(rows: batch)
        guard batch > 0 else { return output }
        let (biasValues, out, width, activation) = (bias.value.data, output.data, outputSize, activation)
        // op(X) as the `batch × inputSize` operand, and Xᵀ as the `inputSize × batch` one.
        let (x, xStride) = (input.data, inputInFeatureRows ? batch : inputSize)
        if outputInFeatureRows {
            // Yᵀ = W · Xᵀ, cut by rows of Yᵀ: each part's block is whole rows, contiguous.
            BLAS.gemm(.none, inputInFeatureRows ? .none : .transposed, m: outputSize, n: batch, k: inputSize,
                      a: weight.value.data, lda: inputSize, b: x, ldb: xStride, c: out, ldc: batch,
                      cut: .rows, bCopies: input.partPointers) { features, _ in
                for feature in features {
                    let row = out + feature &* batch
                    Self.add(biasValues[feature], into: row, count: batch)
                    activation.apply(row, count: batch)
                }
            }
            return output
        }
        if outputSize < Self.fewOutputs && inputInFeatureRows {
            // Too few outputs to own: Y = op(X) · Wᵀ cut across the input features, each part
            // over the stripe of them the previous layer computed on its thread. The partials
            // are added in part order, then the bias and the activation.
            partialOutputs.resize(rows: (BLAS.threads - 1) * batch)
            let parts = BLAS.gemm(.transposed, .transposed, m: batch, n: outputSize, k: inputSize,
                                  a: x, lda: xStride, b: weight.value.data, ldb: inputSize, c: out, ldc: outputSize,
                                  cut: .depth, partials: partialOutputs.data)
            let (partials, blockSize) = (partialOutputs.data, batch * outputSize)
            for row in 0..<batch {
                let start = row &* width
                for part in 1..<parts { Self.add(partials + (part - 1) * blockSize + start, into: out + start, count: width) }
                Self.add(biasValues, into: out + start, count: width)
                activation.apply(out + start, count: width)
            }
            return output
        }
        // Y = op(X) · Wᵀ. Each part of the product adds the bias and activates the block it has just computed.
        BLAS.gemm(inputInFeatureRows ? .transposed : .none, .transposed, m: batch, n: outputSize, k: inputSize,
                  a: x, lda: xStride, b: weight.value.data, ldb: inputSize, c: out, ldc: outputSize,
                  cut: .columns) { rows, columns in
            for row in rows {
                let start = row &* width &+ columns.lowerBound
                Self.add(biasValues + columns.lowerBound, into: out + start, count: columns.count)
                activation.apply(out + start, count: columns.count)
            }
        }
        return output
    }

    /// `values[i] += shift`, eight lanes at a time.
    @inline(__always)
    private static func add(_ shift: Float, into values: UnsafeMutablePointer<Float>, count: Int) {
        let shift8 = SIMD8(repeating: shift)
        var i = 0
        while i &+ 8 <= count {
            RowKernels.store(RowKernels.load8(values + i) + shift8, values + i)
            i &+= 8
        }
        while i < count {
            values[i] += shift
            i &+= 1
        }
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
        guard batch > 0 else {
            weight.gradient.fill(0)
            bias.gradient.fill(0)
            inputGradient.resize(rows: 0)
            return computeInputGradient ? inputGradient : nil
        }
        // dy ⊙ activation′, and db = the sums of dy over the batch, in a fixed order: one pass,
        // over the stripes of output features the products are cut into.
        let (dy, outputs, db, width, activation) = (outputGradient.data, output.data, bias.gradient.data, outputSize, activation)
        if outputInFeatureRows {
            ParallelRanges.forEach(stripesOf: width, minimumPerThread: 64) { features in
                for feature in features {
                    let start = feature &* batch
                    activation.backward(outputs: outputs + start, gradient: dy + start, count: batch)
                    db[feature] = RowKernels.sum(dy + start, count: batch)
                }
            }
        } else {
            ParallelRanges.forEach(stripesOf: width, minimumPerThread: 64) { columns in
                let count = columns.count
                (db + columns.lowerBound).update(repeating: 0, count: count)
                for row in 0..<batch {
                    let start = row &* width &+ columns.lowerBound
                    activation.backward(outputs: outputs + start, gradient: dy + start, count: count)
                    Self.add(dy + start, into: db + columns.lowerBound, count: count)
                }
            }
        }
        // dyᵀ as the `outputSize × batch` operand, and op(X) as the `batch × inputSize` one.
        let (dyTranspose, dyStride): (BLAS.Transpose, Int) = outputInFeatureRows ? (.none, batch) : (.transposed, width)
        let (xTranspose, xStride): (BLAS.Transpose, Int) = inputInFeatureRows ? (.transposed, batch) : (.none, inputSize)
        // dW = dyᵀ · X, each part over its own output features; a layer with few outputs (an
        // encoder's last) over its input features instead, which it reads in the stripes the
        // previous layer wrote them.
        let fewOutputs = outputSize < Self.fewOutputs
        BLAS.gemm(dyTranspose, xTranspose, m: outputSize, n: inputSize, k: batch,
                  a: dy, lda: dyStride, b: input.data, ldb: xStride, c: weight.gradient.data, ldc: inputSize,
                  cut: fewOutputs ? .columns : .rows, bCopies: fewOutputs ? nil : input.partPointers)
        guard computeInputGradient else { return nil }
        // dx = dy · W, each thread over its own output features into a partial product; then the
        // partials are added in part order, over the stripes of input features the previous
        // layer's passes use.
        inputGradient.resize(rows: batch)
        partialInputGradients.resize(rows: (BLAS.threads - 1) * batch)
        let (dx, partials, inputWidth, blockSize) = (inputGradient.data, partialInputGradients.data, inputSize, batch * inputSize)
        let parts: Int
        if inputInFeatureRows {
            // dxᵀ = Wᵀ · dyᵀ; with few outputs, each part computes its own input features whole
            // (reading a few columns of W) and there is nothing to add.
            parts = BLAS.gemm(.transposed, dyTranspose == .none ? .none : .transposed, m: inputSize, n: batch, k: outputSize,
                              a: weight.value.data, lda: inputSize, b: dy, ldb: dyStride, c: dx, ldc: batch,
                              cut: fewOutputs ? .rows : .depth, partials: partials)
            if fewOutputs { return inputGradient }
        } else {
            parts = BLAS.gemm(outputInFeatureRows ? .transposed : .none, .none, m: batch, n: inputSize, k: outputSize,
                              a: dy, lda: outputInFeatureRows ? batch : width, b: weight.value.data, ldb: inputSize,
                              c: dx, ldc: inputSize, cut: .depth, partials: partials)
        }
        guard parts > 1 else { return inputGradient }
        if inputInFeatureRows {
            // Each stripe of input features is a run of whole rows of dxᵀ.
            ParallelRanges.forEach(stripesOf: inputWidth, minimumPerThread: 64) { features in
                let start = features.lowerBound &* batch, count = features.count &* batch
                for part in 1..<parts {
                    Self.add(partials + (part - 1) * blockSize + start, into: dx + start, count: count)
                }
            }
        } else {
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
