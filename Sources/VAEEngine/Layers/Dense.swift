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

    /// The layouts of the last forward pass, which its backward pass follows.
    private var inputInFeatureRows = false
    private var outputInFeatureRows = false

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

    /// Feature rows first: products read either layout through a transpose flag, and in
    /// feature rows each thread's stripe of features is one run of memory.
    public var inputLayouts: [BatchLayout] { Self.layouts }
    public func outputLayouts(from input: BatchLayout) -> [BatchLayout] { Self.layouts }
    /// Built once: every pass checks its layouts against these, and a step allocates nothing.
    private static let layouts: [BatchLayout] = [.featureRows, .sampleRows]

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

    public func forward(_ input: Matrix, giving layout: BatchLayout, context: ComputeContext) -> Matrix {
        precondition(input.columns == inputSize, "Dense expects \(inputSize) features, got \(input.columns)")
        checkLayouts(input: input, giving: layout)
        lastInput = input
        inputInFeatureRows = input.layout == .featureRows
        outputInFeatureRows = layout == .featureRows
        let batch = input.rows
        output.resize(rows: batch)
        output.layout = layout
        guard batch > 0 else { return output }
        let (biasValues, out, width, activation) = (bias.value.data, output.data, outputSize, activation)
        // op(X) as the `batch × inputSize` operand, and Xᵀ as the `inputSize × batch` one.
        let (x, xStride) = (input.data, inputInFeatureRows ? batch : inputSize)
        if outputInFeatureRows {
            // Yᵀ = W · Xᵀ, cut by rows of Yᵀ: each part's block is whole rows, contiguous.
            BLAS.gemm(.init(m: outputSize, n: batch, k: inputSize), .init(weight.value.data, rowStride: inputSize),
                      .init(x, rowStride: xStride, inputInFeatureRows ? .none : .transposed, partCopies: input.partPointers),
                      into: .init(out, rowStride: batch), cut: .rows, context: context) { features, _ in
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
            partialOutputs.resize(rows: (context.threads - 1) * batch)
            let parts = BLAS.gemm(.init(m: batch, n: outputSize, k: inputSize), .init(x, rowStride: xStride, .transposed),
                                  .init(weight.value.data, rowStride: inputSize, .transposed),
                                  into: .init(out, rowStride: outputSize, partials: partialOutputs.data),
                                  cut: .depth, context: context)
            let (partials, blockSize) = (partialOutputs.data, batch * outputSize)
            for row in 0..<batch {
                let start = row &* width
                for part in 1..<parts { RowKernels.add(partials + (part - 1) * blockSize + start, into: out + start, count: width) }
                RowKernels.add(biasValues, into: out + start, count: width)
                activation.apply(out + start, count: width)
            }
            return output
        }
        // Y = op(X) · Wᵀ. Each part of the product adds the bias and activates the block it has just computed.
        BLAS.gemm(.init(m: batch, n: outputSize, k: inputSize),
                  .init(x, rowStride: xStride, inputInFeatureRows ? .transposed : .none),
                  .init(weight.value.data, rowStride: inputSize, .transposed),
                  into: .init(out, rowStride: outputSize), cut: .columns, context: context) { rows, columns in
            for row in rows {
                let start = row &* width &+ columns.lowerBound
                RowKernels.add(biasValues + columns.lowerBound, into: out + start, count: columns.count)
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

    public func backward(_ outputGradient: Matrix, computeInputGradient: Bool, context: ComputeContext) -> Matrix? {
        guard let input = lastInput else { preconditionFailure("backward before forward") }
        outputGradient.expect(output.layout, in: "Dense's backward pass")
        let batch = outputGradient.rows
        inputGradient.layout = input.layout
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
            context.forEach(stripesOf: width, minimumPerThread: 64) { features in
                for feature in features {
                    let start = feature &* batch
                    activation.backward(outputs: outputs + start, gradient: dy + start, count: batch)
                    db[feature] = RowKernels.sum(dy + start, count: batch)
                }
            }
        } else {
            context.forEach(stripesOf: width, minimumPerThread: 64) { columns in
                let count = columns.count
                (db + columns.lowerBound).update(repeating: 0, count: count)
                for row in 0..<batch {
                    let start = row &* width &+ columns.lowerBound
                    activation.backward(outputs: outputs + start, gradient: dy + start, count: count)
                    RowKernels.add(dy + start, into: db + columns.lowerBound, count: count)
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
        BLAS.gemm(.init(m: outputSize, n: inputSize, k: batch), .init(dy, rowStride: dyStride, dyTranspose),
                  .init(input.data, rowStride: xStride, xTranspose, partCopies: fewOutputs ? nil : input.partPointers),
                  into: .init(weight.gradient.data, rowStride: inputSize), cut: fewOutputs ? .columns : .rows,
                  context: context)
        guard computeInputGradient else { return nil }
        // dx = dy · W, each thread over its own output features into a partial product; then the
        // partials are added in part order, over the stripes of input features the previous
        // layer's passes use.
        inputGradient.resize(rows: batch)
        partialInputGradients.resize(rows: (context.threads - 1) * batch)
        let (dx, partials, inputWidth, blockSize) = (inputGradient.data, partialInputGradients.data, inputSize, batch * inputSize)
        let parts: Int
        if inputInFeatureRows {
            // dxᵀ = Wᵀ · dyᵀ; with few outputs, each part computes its own input features whole
            // (reading a few columns of W) and there is nothing to add.
            parts = BLAS.gemm(.init(m: inputSize, n: batch, k: outputSize),
                              .init(weight.value.data, rowStride: inputSize, .transposed),
                              .init(dy, rowStride: dyStride, dyTranspose == .none ? .none : .transposed),
                              into: .init(dx, rowStride: batch, partials: partials),
                              cut: fewOutputs ? .rows : .depth, context: context)
            if fewOutputs { return inputGradient }
        } else {
            parts = BLAS.gemm(.init(m: batch, n: inputSize, k: outputSize),
                              .init(dy, rowStride: outputInFeatureRows ? batch : width, outputInFeatureRows ? .transposed : .none),
                              .init(weight.value.data, rowStride: inputSize),
                              into: .init(dx, rowStride: inputSize, partials: partials), cut: .depth, context: context)
        }
        guard parts > 1 else { return inputGradient }
        if inputInFeatureRows {
            // Each stripe of input features is a run of whole rows of dxᵀ.
            context.forEach(stripesOf: inputWidth, minimumPerThread: 64) { features in
                let start = features.lowerBound &* batch, count = features.count &* batch
                for part in 1..<parts {
                    RowKernels.add(partials + (part - 1) * blockSize + start, into: dx + start, count: count)
                }
            }
        } else {
            context.forEach(stripesOf: inputWidth, minimumPerThread: 64) { columns in
                for row in 0..<batch {
                    let start = row &* inputWidth &+ columns.lowerBound
                    for part in 1..<parts {
                        RowKernels.add(partials + (part - 1) * blockSize + start, into: dx + start, count: columns.count)
                    }
                }
            }
        }
        return inputGradient
    }
}
