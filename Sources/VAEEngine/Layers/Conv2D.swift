/// A 2-D convolution `y = activation(W ⋆ x + b)` over channel-major images, bias and activation fused.
///
/// Each row of a batch is one image, `channels × height × width` values; each output row is
/// `filters × outputHeight × outputWidth`. Padding follows TensorFlow (`.same`: `ceil(in / stride)`
/// outputs, the odd padding pixel at the bottom/right). `W` is stored `filters × (channels · k · k)`
/// (PyTorch's `[out, in, k, k]`), so a step is three `sgemm` calls over the whole batch:
///
/// - forward: `Y' (filters × B·P) = W · patches`, patches = im2col of the batch, `(C·k·k) × (B·P)`;
/// - weight gradient: `dW = dY' · patchesᵀ`;
/// - input gradient: `dPatches = Wᵀ · dY'`, added back onto the images by col2im.
///
/// `Y'` is channel-major across the batch (`filters × B × P`); moving it to sample rows is a copy
/// of contiguous `P`-value blocks that also adds the bias and applies the activation. That layout
/// is chosen over the alternative (`patchesᵀ · Wᵀ`, giving each image in height-width-channel
/// order) because the latter's move to channel-major rows is a strided transpose, and because the
/// patch matrix built row by row writes contiguous runs of `P` values. When the next layer is a
/// convolution too (`BatchLayout.channelRows`), `Y'` is the output as it is, bias and activation
/// added in place, and the output gradient comes back in the same order.
///
/// The passes around the products (im2col, col2im, the moves with their fused bias, activation
/// and bias-gradient work) run on as many threads as BLAS, split by images, with results that do
/// not depend on the split. Scratch buffers grow to the largest batch seen and are then reused: a
/// training step of a size already seen allocates nothing. One `backward` follows each `forward`
/// (it reuses the patches, so the input itself is not kept).
public final class Conv2D: Layer {
    public let inputChannels: Int
    public let inputHeight: Int
    public let inputWidth: Int
    public let filters: Int
    public let kernel: Int
    public let stride: Int
    public let padding: Padding
    public let activation: Activation
    public let initializer: Initializer
    /// `filters × (inputChannels · kernel · kernel)`, logical shape `[filters, inputChannels, kernel, kernel]`.
    public let weight: Parameter
    public let bias: Parameter

    let geometry: ConvolutionGeometry
    /// The layouts of the last forward pass (channel rows, or sample rows), which its backward
    /// pass follows.
    private var channelRowsIn = false
    private var channelRowsOut = false
    private var lastBatch = -1
    private let output: Matrix
    private let inputGradient: Matrix
    private let patches = ScratchBuffer()        // im2col of the input; in backward, the patch gradient
    private let channelMajor = ScratchBuffer()   // filters × (B · P): pre-activations, then their gradient
    private let blockSums = ScratchBuffer()      // batch × filters: per-image bias-gradient terms

    /// - Parameters:
    ///   - inputShape: `[channels, height, width]` of one image.
    public init(inputShape: [Int], filters: Int, kernel: Int, stride: Int = 1, padding: Padding = .valid,
                activation: Activation = .identity, initializer: Initializer = .he(.normal),
                name: String = "conv") {
        precondition(inputShape.count == 3, "Conv2D expects an input shape [channels, height, width]")
        precondition(filters > 0, "Conv2D needs at least one filter")
        inputChannels = inputShape[0]
        inputHeight = inputShape[1]
        inputWidth = inputShape[2]
        self.filters = filters
        self.kernel = kernel
        self.stride = stride
        self.padding = padding
        self.activation = activation
        self.initializer = initializer
        geometry = ConvolutionGeometry(channels: inputChannels, height: inputHeight, width: inputWidth,
                                       kernel: kernel, stride: stride, padding: padding)
        weight = Parameter(name: "\(name).weight", shape: [filters, inputChannels, kernel, kernel],
                           rows: filters, columns: geometry.taps)
        bias = Parameter(name: "\(name).bias", shape: [filters], rows: 1, columns: filters)
        output = Matrix(rows: 0, columns: filters * geometry.positions)
        inputGradient = Matrix(rows: 0, columns: geometry.inputSize)
        layouts = ([.channelRows(channels: inputChannels, plane: inputHeight * inputWidth), .sampleRows],
                   [.channelRows(channels: filters, plane: outputHeight * outputWidth), .sampleRows])
    }

    public var inputShape: [Int] { [inputChannels, inputHeight, inputWidth] }
    public var outputHeight: Int { geometry.outputHeight }
    public var outputWidth: Int { geometry.outputWidth }
    public var inputSize: Int { geometry.inputSize }
    public var outputSize: Int { filters * geometry.positions }
    public var outputShape: [Int] { [filters, geometry.outputHeight, geometry.outputWidth] }
    public var parameters: [Parameter] { [weight, bias] }

    public var kind: String {
        let base = "Conv2D \(kernel)×\(kernel) stride \(stride) \(padding.rawValue)"
        return activation == .identity ? base : base + " (\(activation.rawValue))"
    }

    /// Keras' fans for a convolution kernel: `fan_in = C·k·k`, `fan_out = filters·k·k`.
    public func initialize(stream: inout RandomStream) {
        initializer.fill(weight.value.data, count: weight.count, fanIn: geometry.taps,
                         fanOut: filters * kernel * kernel, stream: &stream)
        initializer.fillBias(bias.value.data, count: bias.count, fanIn: geometry.taps, stream: &stream)
    }

    /// Channel rows first: the products work in them, so a neighbouring convolution that
    /// takes or gives them spares the move to and from sample rows.
    /// Built at construction: every pass checks its layouts against these, and a step allocates nothing.
    public var inputLayouts: [BatchLayout] { layouts.input }
    public func outputLayouts(from input: BatchLayout) -> [BatchLayout] { layouts.output }
    private var layouts: (input: [BatchLayout], output: [BatchLayout]) = ([], [])

    public func forward(_ input: Matrix, giving layout: BatchLayout, context: ComputeContext) -> Matrix {
        precondition(input.columns == inputSize, "Conv2D expects \(inputSize) features, got \(input.columns)")
        checkLayouts(input: input, giving: layout)
        channelRowsIn = input.layout != .sampleRows
        channelRowsOut = layout != .sampleRows
        let batch = input.rows
        lastBatch = batch
        output.resize(rows: batch)
        output.layout = layout
        guard batch > 0 else { return output }
        let columns = batch * geometry.positions
        let patchData = patches.reserve(geometry.taps * columns)
        geometry.im2col(input.data, batch: batch, layout: inputLayout(batch: batch), into: patchData, context: context)
        // In channel rows the product is the output; in sample rows it is moved there.
        let preActivation = channelRowsOut ? output.data : channelMajor.reserve(filters * columns)
        BLAS.gemm(.init(m: filters, n: columns, k: geometry.taps), .init(weight.value.data, rowStride: geometry.taps),
                  .init(patchData, rowStride: columns), into: .init(preActivation, rowStride: columns), context: context)
        // Adding the bias and activating on the way.
        ChannelLayout.addBiasAndActivate(preActivation, batch: batch, channels: filters, plane: geometry.positions,
                                         bias: bias.value.data, activation: activation, into: output.data,
                                         layout: outputLayout(batch: batch), context: context)
        return output
    }

    public func backward(_ outputGradient: Matrix, computeInputGradient: Bool, context: ComputeContext) -> Matrix? {
        precondition(lastBatch >= 0, "backward before forward")
        outputGradient.expect(output.layout, in: "\(kind)'s backward pass")
        inputGradient.layout = channelRowsIn ? inputLayouts[0] : .sampleRows
        let batch = outputGradient.rows
        precondition(batch == lastBatch && outputGradient.columns == outputSize, "gradient shape mismatch")
        let positions = geometry.positions, columns = batch * positions, taps = geometry.taps
        guard batch > 0 else {
            bias.gradient.fill(0)
            weight.gradient.fill(0)
            if computeInputGradient { inputGradient.resize(rows: 0); return inputGradient }
            return nil
        }
        // dY' (channel-major) from dY, through the activation, with the bias gradient on the way:
        // in place when dY is in channel rows already.
        let gradient = channelRowsOut ? outputGradient.data : channelMajor.reserve(filters * columns)
        let sums = blockSums.reserve(batch * filters)
        ChannelLayout.backwardPrologue(outputGradient.data, outputs: output.data, batch: batch, channels: filters,
                                       plane: positions, activation: activation, layout: outputLayout(batch: batch),
                                       blockSums: sums, channelMajor: channelRowsOut ? nil : gradient, context: context)
        ChannelLayout.reduceBlockSums(sums, batch: batch, channels: filters, into: bias.gradient.data)
        let patchData = patches.reserve(taps * columns)
        // dW = dY' · patchesᵀ
        BLAS.gemm(.init(m: filters, n: taps, k: columns), .init(gradient, rowStride: columns),
                  .init(patchData, rowStride: columns, .transposed), into: .init(weight.gradient.data, rowStride: taps),
                  context: context)
        guard computeInputGradient else { return nil }
        // dPatches = Wᵀ · dY', written over the patches (no longer needed), then col2im.
        BLAS.gemm(.init(m: taps, n: columns, k: filters), .init(weight.value.data, rowStride: taps, .transposed),
                  .init(gradient, rowStride: columns), into: .init(patchData, rowStride: columns), context: context)
        inputGradient.resize(rows: batch)
        geometry.col2im(patchData, batch: batch, into: inputGradient.data, layout: inputLayout(batch: batch),
                        context: context)
        return inputGradient
    }

    private func inputLayout(batch: Int) -> BatchPlanes {
        let plane = inputHeight * inputWidth
        return channelRowsIn ? .channels(batch: batch, plane: plane) : .samples(channels: inputChannels, plane: plane)
    }

    private func outputLayout(batch: Int) -> BatchPlanes {
        channelRowsOut ? .channels(batch: batch, plane: geometry.positions)
            : .samples(channels: filters, plane: geometry.positions)
    }
}
