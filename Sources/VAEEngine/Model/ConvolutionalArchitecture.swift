/// The TensorFlow convolutional VAE (the "CVAE" tutorial), built from a `ModelSpec` of kind `.conv`.
///
/// With `encoder = [32, 64]`, `decoder = [64, 32]`, a 1×28×28 image, kernel 3 and stride 2:
///
/// ```
/// encoder  Conv2D(32, 3, stride 2, valid, act)   1×28×28 → 32×13×13
///          Conv2D(64, 3, stride 2, valid, act)           → 64×6×6
///          Flatten                                        → 2304
///          Dense(2304 → 2·latent)                         → μ, log σ²
/// decoder  Dense(latent → 7·7·32, act)                    → 1568
///          Reshape                                        → 32×7×7
///          ConvTranspose2D(64, 3, stride 2, same, act)    → 64×14×14
///          ConvTranspose2D(32, 3, stride 2, same, act)    → 32×28×28
///          ConvTranspose2D(1, 3, stride 1, same)          → 1×28×28 logits
/// ```
///
/// The decoder starts from `spec.decoder.last` channels at `height / strideⁿ × width / strideⁿ`
/// (n = `spec.decoder.count`), which is the tutorial's 32×7×7; each entry of `spec.decoder` is then
/// a stride-`stride` transposed convolution, and a last stride-1 one gives `imageChannels` logits.
/// Layers are named by their position, PyTorch style: `encoder.0.weight`, `decoder.4.bias`.
public enum ConvolutionalArchitecture {
    /// The tutorial's kernel size, 3: what `encoder(_:)` and `decoder(_:)` use.
    public static let defaultKernel = 3
    /// The tutorial's stride of the down- and up-sampling layers, 2: what `encoder(_:)` and
    /// `decoder(_:)` use.
    public static let defaultStride = 2

    /// The encoder with the tutorial's kernel and stride.
    public static func encoder(_ spec: ModelSpec) -> Sequential {
        .encoder(encoderLayers(spec, kernel: defaultKernel, stride: defaultStride))
    }

    /// The decoder with the tutorial's kernel and stride.
    public static func decoder(_ spec: ModelSpec) -> Sequential {
        .decoder(decoderLayers(spec, kernel: defaultKernel, stride: defaultStride))
    }

    /// Stride-`stride` valid convolutions with `spec.encoder` filters, then a linear layer to (μ, log σ²).
    public static func encoderLayers(_ spec: ModelSpec, kernel: Int, stride: Int) -> [Layer] {
        if let problem = problem(with: spec, kernel: kernel, stride: stride) { preconditionFailure(problem) }
        var layers: [Layer] = []
        var shape = [spec.imageChannels, spec.imageHeight, spec.imageWidth]
        for filters in spec.encoder {
            let conv = Conv2D(inputShape: shape, filters: filters, kernel: kernel, stride: stride, padding: .valid,
                              activation: spec.activation, initializer: spec.initializer,
                              name: "encoder.\(layers.count)")
            layers.append(conv)
            shape = conv.outputShape
        }
        if shape.count > 1 {
            layers.append(Reshape.flatten(shape))
        }
        let features = shape.reduce(1, *)
        layers.append(Dense(inputSize: features, outputSize: 2 * spec.latent, activation: .identity,
                            initializer: spec.initializer, name: "encoder.\(layers.count)"))
        return layers
    }

    /// A linear layer to a small image, stride-`stride` same-padded transposed convolutions with
    /// `spec.decoder` filters, then a stride-1 one to `imageChannels` logits.
    public static func decoderLayers(_ spec: ModelSpec, kernel: Int, stride: Int) -> [Layer] {
        if let problem = problem(with: spec, kernel: kernel, stride: stride) { preconditionFailure(problem) }
        let upsampling = Self.upsampling(spec, stride: stride)
        var shape = [spec.decoder.last ?? spec.imageChannels,
                     spec.imageHeight / upsampling, spec.imageWidth / upsampling]
        let seed = shape.reduce(1, *)
        var layers: [Layer] = [
            Dense(inputSize: spec.latent, outputSize: seed, activation: spec.activation,
                  initializer: spec.initializer, name: "decoder.0"),
            Reshape(inputShape: [seed], outputShape: shape),
        ]
        for filters in spec.decoder {
            let layer = ConvTranspose2D(inputShape: shape, filters: filters, kernel: kernel, stride: stride,
                                        padding: .same, activation: spec.activation,
                                        initializer: spec.initializer, name: "decoder.\(layers.count)")
            layers.append(layer)
            shape = layer.outputShape
        }
        layers.append(ConvTranspose2D(inputShape: shape, filters: spec.imageChannels, kernel: kernel, stride: 1,
                                      padding: .same, activation: .identity, initializer: spec.initializer,
                                      name: "decoder.\(layers.count)"))
        return layers
    }

    /// Why `spec` cannot be built as a convolutional VAE, or nil when it can; for messages
    /// before anything runs.
    public static func problem(with spec: ModelSpec, kernel: Int = defaultKernel,
                               stride: Int = defaultStride) -> String? {
        guard kernel > 0, stride > 0 else { return "kernel and stride must be positive" }
        guard spec.latent > 0 else { return "the latent size must be positive" }
        guard spec.imageChannels > 0, spec.imageHeight > 0, spec.imageWidth > 0 else { return "the image is empty" }
        guard (spec.encoder + spec.decoder).allSatisfy({ $0 > 0 }) else { return "filter counts must be positive" }
        var (height, width) = (spec.imageHeight, spec.imageWidth)
        for (index, _) in spec.encoder.enumerated() {
            height = Padding.valid.convolutionOutput(input: height, kernel: kernel, stride: stride)
            width = Padding.valid.convolutionOutput(input: width, kernel: kernel, stride: stride)
            if height == 0 || width == 0 {
                return "encoder convolution \(index + 1) of \(spec.encoder.count) has no output: a \(kernel)×\(kernel) "
                    + "kernel with stride \(stride) does not fit a \(spec.imageHeight)×\(spec.imageWidth) image that often"
            }
        }
        let upsampling = upsampling(spec, stride: stride)
        if spec.imageHeight % upsampling != 0 || spec.imageWidth % upsampling != 0 {
            return "the decoder's \(spec.decoder.count) stride-\(stride) layers need the image size "
                + "(\(spec.imageHeight)×\(spec.imageWidth)) to be a multiple of \(upsampling)"
        }
        return nil
    }

    /// The decoder's total upsampling factor, `strideⁿ`, capped just above the image size.
    private static func upsampling(_ spec: ModelSpec, stride: Int) -> Int {
        let limit = max(spec.imageHeight, spec.imageWidth)
        var factor = 1
        for _ in spec.decoder where factor <= limit { factor *= stride }
        return factor
    }
}
