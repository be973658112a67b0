/// A transposed 2-D convolution (Keras' `Conv2DTranspose`), bias and activation fused.
///
/// It is the adjoint of a `Conv2D` that maps the larger output image back to the input: the same
/// taps, stride and TensorFlow padding, run backwards. Output sizes are Keras' (no
/// `output_padding`): `in · stride` for `.same`, `(in − 1) · stride + kernel` for `.valid`.
/// Rows are channel-major images, `inputChannels × inputHeight × inputWidth` in and
/// `filters × outputHeight × outputWidth` out.
///
/// `W` is stored `inputChannels × (filters · k · k)` (PyTorch's `ConvTranspose2d` weight
/// `[in, out, k, k]`), exactly the weight matrix of the adjoint convolution. With `X'` the input
/// batch in channel-major order (`inputChannels × B·P`, `P` = input positions), a step is three
/// `sgemm` calls per chunk of the batch:
///
/// - forward: `patches = Wᵀ · X'`, `(filters·k·k) × (B·P)`, added onto the output images by col2im
///   (which starts from the bias and ends with the activation);
/// - weight gradient: `dW = X' · dPatchesᵀ`, dPatches = im2col of the output gradient, accumulated
///   over the chunks in order;
/// - input gradient: `dX' = W · dPatches`, moved back to sample rows.
///
/// The patch matrix is 2.25 times the output image for a 3×3 kernel at stride 2, so the batch is
/// cut into chunks whose patches (about 4 MB) stay in cache from the product to col2im or from
/// im2col to the products (`chunkSize` images; the whole batch for small layers). The passes
/// around the products run on as many threads as BLAS, split by images, as in `Conv2D`. Scratch
/// buffers grow to the largest batch seen and are then reused: a training step of a size already
/// seen allocates nothing. One `backward` follows each `forward` (it reuses `X'`). Next to another
/// convolution layer (`BatchLayout.channelRows`), the input comes in as `X'` itself and the output
/// goes out channel-major, with no move to or from sample rows.
public final class ConvTranspose2D: Layer {
    public let inputChannels: Int
    public let inputHeight: Int
    public let inputWidth: Int
    public let filters: Int
    public let kernel: Int
    public let stride: Int
    public let padding: Padding
    public let activation: Activation
    public let initializer: Initializer
    /// `inputChannels × (filters · kernel · kernel)`, logical shape `[inputChannels, filters, kernel, kernel]`.
    public let weight: Parameter
    public let bias: Parameter

    /// The adjoint convolution: from the output image (`filters` channels) to the input positions.
    let geometry: ConvolutionGeometry
    /// The layouts of the last forward pass (channel rows, or sample rows), which its backward
    /// pass follows.
    private var channelRowsIn = false
    private var channelRowsOut = false
    /// The input of the last `forward`, which stays unchanged until `backward`: `X'` itself
    /// when it came in channel rows.
    private var lastInput: UnsafePointer<Float>?
    private let output: Matrix
    private let inputGradient: Matrix
    private var lastBatch = -1
    private let patches = ScratchBuffer()        // (filters·k·k) × (B·P): forward patches, then dPatches
    private let channelMajor = ScratchBuffer()   // inputChannels × (B·P): X', then dX'
    private let blockSums = ScratchBuffer()      // batch × filters: per-image bias-gradient terms

    /// - Parameters:
    ///   - inputShape: `[channels, height, width]` of one input image.
    public init(inputShape: [Int], filters: Int, kernel: Int, stride: Int = 1, padding: Padding = .valid,
                activation: Activation = .identity, initializer: Initializer = .he(.normal),
                name: String = "convT") {
        precondition(inputShape.count == 3, "ConvTranspose2D expects an input shape [channels, height, width]")
        precondition(filters > 0 && inputShape.allSatisfy { $0 > 0 }, "ConvTranspose2D needs filters and a non-empty input")
        inputChannels = inputShape[0]
        inputHeight = inputShape[1]
        inputWidth = inputShape[2]
        self.filters = filters
        self.kernel = kernel
        self.stride = stride
        self.padding = padding
        self.activation = activation
        self.initializer = initializer
        geometry = ConvolutionGeometry(
            channels: filters,
            height: padding.transposedOutput(input: inputHeight, kernel: kernel, stride: stride),
            width: padding.transposedOutput(input: inputWidth, kernel: kernel, stride: stride),
            kernel: kernel, stride: stride, padding: padding)
        precondition(geometry.outputHeight == inputHeight && geometry.outputWidth == inputWidth,
                     "ConvTranspose2D geometry is not the adjoint of its convolution")
        weight = Parameter(name: "\(name).weight", shape: [inputChannels, filters, kernel, kernel],
                           rows: inputChannels, columns: geometry.taps)
        bias = Parameter(name: "\(name).bias", shape: [filters], rows: 1, columns: filters)
        output = Matrix(rows: 0, columns: geometry.inputSize)
        inputGradient = Matrix(rows: 0, columns: inputChannels * geometry.positions)
        layouts = ([.channelRows(channels: inputChannels, plane: inputHeight * inputWidth), .sampleRows],
                   [.channelRows(channels: filters, plane: outputHeight * outputWidth), .sampleRows])
    }

    public var inputShape: [Int] { [inputChannels, inputHeight, inputWidth] }
    public var outputHeight: Int { geometry.height }
    public var outputWidth: Int { geometry.width }
    public var inputSize: Int { inputChannels * geometry.positions }
    public var outputSize: Int { geometry.inputSize }
    public var outputShape: [Int] { [filters, geometry.height, geometry.width] }
    public var parameters: [Parameter] { [weight, bias] }

    public var kind: String {
        let base = "ConvTranspose2D \(kernel)×\(kernel) stride \(stride) \(padding.rawValue)"
        return activation == .identity ? base : base + " (\(activation.rawValue))"
    }

    /// Keras' and PyTorch's fans for a transposed kernel: `fan_in = filters·k·k`,
    /// `fan_out = inputChannels·k·k`.
    public func initialize(stream: inout RandomStream) {
        initializer.fill(weight.value.data, count: weight.count, fanIn: geometry.taps,
                         fanOut: inputChannels * kernel * kernel, stream: &stream)
        initializer.fillBias(bias.value.data, count: bias.count, fanIn: geometry.taps, stream: &stream)
    }

    /// Images per chunk of a batch: the patch matrix is built and used one chunk at a time, so
    /// it stays in cache between the product and col2im or im2col.
    public var chunkSize: Int { max(1, Self.patchValuesPerChunk / (geometry.taps * geometry.positions)) }
    /// About 4 MB of patches per chunk: a few times the L2 cache, well inside a shared L3.
    static let patchValuesPerChunk = 1 << 20

    /// Channel rows first: the products work in them, so a neighbouring convolution that
    /// takes or gives them spares the move to and from sample rows.
    /// Built at construction: every pass checks its layouts against these, and a step allocates nothing.
    public var inputLayouts: [BatchLayout] { layouts.input }
    public func outputLayouts(from input: BatchLayout) -> [BatchLayout] { layouts.output }
    private var layouts: (input: [BatchLayout], output: [BatchLayout]) = ([], [])

    public func forward(_ input: Matrix, giving layout: BatchLayout, context: ComputeContext) -> Matrix {
        precondition(input.columns == inputSize, "ConvTranspose2D expects \(inputSize) features, got \(input.columns)")
        checkLayouts(input: input, giving: layout)
        channelRowsIn = input.layout != .sampleRows
        channelRowsOut = layout != .sampleRows
        let batch = input.rows
        lastBatch = batch
        output.resize(rows: batch)
        output.layout = layout
        guard batch > 0 else { return output }
        let positions = geometry.positions, taps = geometry.taps, chunkSize = chunkSize
        lastInput = UnsafePointer(input.data)
        let patchData = patches.reserve(taps * min(batch, chunkSize) * positions)
        for start in Swift.stride(from: 0, to: batch, by: chunkSize) {
            let count = min(chunkSize, batch - start), columns = count * positions
            // X' of the chunk, kept for the weight gradient: the input itself in channel rows.
            let (chunkInput, inputStride) = channelInput(start: start, count: count, batch: batch)
            if !channelRowsIn {
                ChannelLayout.move(input.data + start * inputSize, from: .samples(channels: inputChannels, plane: positions),
                                   into: UnsafeMutablePointer(mutating: chunkInput), to: .channels(batch: count, plane: positions),
                                   batch: count, channels: inputChannels, plane: positions, context: context)
            }
            // patches = Wᵀ · X'
            BLAS.gemm(.init(m: taps, n: columns, k: inputChannels), .init(weight.value.data, rowStride: taps, .transposed),
                      .init(chunkInput, rowStride: inputStride), into: .init(patchData, rowStride: columns), context: context)
            // Every output plane starts at its bias, takes the patches, and is activated.
            let (chunkOutput, layout) = outputPlanes(output.data, start: start, batch: batch)
            geometry.col2im(patchData, batch: count, bias: bias.value.data, activation: activation,
                            into: chunkOutput, layout: layout, context: context)
        }
        return output
    }

    public func backward(_ outputGradient: Matrix, computeInputGradient: Bool, context: ComputeContext) -> Matrix? {
        precondition(lastBatch >= 0, "backward before forward")
        outputGradient.expect(output.layout, in: "\(kind)'s backward pass")
        inputGradient.layout = channelRowsIn ? inputLayouts[0] : .sampleRows
        let batch = outputGradient.rows
        precondition(batch == lastBatch && outputGradient.columns == outputSize, "gradient shape mismatch")
        guard batch > 0 else {
            bias.gradient.fill(0)
            weight.gradient.fill(0)
            if computeInputGradient { inputGradient.resize(rows: 0); return inputGradient }
            return nil
        }
        let positions = geometry.positions, taps = geometry.taps, chunkSize = chunkSize
        let plane = geometry.height * geometry.width
        let sums = blockSums.reserve(batch * filters)
        let patchGradient = patches.reserve(taps * min(batch, chunkSize) * positions)
        if computeInputGradient { inputGradient.resize(rows: batch) }
        for start in Swift.stride(from: 0, to: batch, by: chunkSize) {
            let count = min(chunkSize, batch - start), columns = count * positions
            let (chunkGradient, layout) = outputPlanes(outputGradient.data, start: start, batch: batch)
            let (chunkOutput, _) = outputPlanes(output.data, start: start, batch: batch)
            // dY through the activation, with the bias gradient, each plane just before im2col splits it.
            let prologue = PlanePrologue(gradient: chunkGradient, outputs: chunkOutput, activation: activation,
                                         blockSums: sums + start * filters, channels: filters, plane: plane)
            geometry.im2col(chunkGradient, batch: count, layout: layout, prologue: prologue, into: patchGradient,
                            context: context)
            // dW = X' · dPatchesᵀ, accumulated over the chunks in order.
            let (chunkInput, inputStride) = channelInput(start: start, count: count, batch: batch)
            BLAS.gemm(.init(m: inputChannels, n: taps, k: columns), .init(chunkInput, rowStride: inputStride),
                      .init(patchGradient, rowStride: columns, .transposed),
                      into: .init(weight.gradient.data, rowStride: taps, accumulate: start > 0), context: context)
            guard computeInputGradient else { continue }
            // dX' = W · dPatches: straight into the input gradient in channel rows, or written
            // over the chunk's X' (no longer needed) and then moved to sample rows.
            let target = channelRowsIn ? inputGradient.data + start * positions : UnsafeMutablePointer(mutating: chunkInput)
            BLAS.gemm(.init(m: inputChannels, n: columns, k: taps), .init(weight.value.data, rowStride: taps),
                      .init(patchGradient, rowStride: columns), into: .init(target, rowStride: inputStride), context: context)
            if !channelRowsIn {
                ChannelLayout.move(chunkInput, from: .channels(batch: count, plane: positions),
                                   into: inputGradient.data + start * inputSize,
                                   to: .samples(channels: inputChannels, plane: positions),
                                   batch: count, channels: inputChannels, plane: positions, context: context)
            }
        }
        ChannelLayout.reduceBlockSums(sums, batch: batch, channels: filters, into: bias.gradient.data)
        return computeInputGradient ? inputGradient : nil
    }

    /// The chunk's `X'` (`inputChannels` rows of `count · positions` values) and its row
    /// stride: in the input itself when it comes in channel rows, else in `channelMajor`,
    /// where `forward` moves it.
    private func channelInput(start: Int, count: Int, batch: Int) -> (UnsafePointer<Float>, stride: Int) {
        let positions = geometry.positions
        if channelRowsIn { return (lastInput! + start * positions, batch * positions) }
        let scratch = channelMajor.reserve(inputChannels * batch * positions)
        return (UnsafePointer(scratch + inputChannels * start * positions), count * positions)
    }

    /// Where the chunk from image `start` begins in an output-shaped batch (the output or its
    /// gradient), and how its planes lie.
    private func outputPlanes(_ values: UnsafeMutablePointer<Float>, start: Int, batch: Int)
        -> (UnsafeMutablePointer<Float>, BatchPlanes) {
        let plane = geometry.height * geometry.width
        return channelRowsOut ? (values + start * plane, .channels(batch: batch, plane: plane))
            : (values + start * outputSize, .samples(channels: filters, plane: plane))
    }
}
