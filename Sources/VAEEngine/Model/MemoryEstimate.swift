import Foundation

/// About how much memory training a model of `spec` takes, computed from its architecture
/// alone (nothing is allocated), so a model that cannot fit is refused with a figure before
/// anything runs instead of trapping in an allocation mid-run.
///
/// The parts follow the engine's buffers: every parameter has a value and a gradient; the
/// optimizer keeps `optimizerSlots` more floats per parameter (Adam 2, RMSprop 1, SGD with
/// momentum 1); each layer keeps its output, a gradient of its input and, for convolutions,
/// a channel-major copy for one batch (a residual block counts as its two dense layers plus its
/// own sum and input gradient); and each convolution has its own im2col buffer
/// (`Conv2D`: the whole batch; `ConvTranspose2D`: chunks of about 2²⁰ values). The batch
/// itself, its reconstruction and their gradients count as activations. Products saturate
/// at `Int.max`, so an absurd size is a (huge) figure, never an overflow trap.
public struct MemoryEstimate: Sendable, Equatable {
    /// Parameter values.
    public var weightBytes: Int
    /// Their gradients.
    public var gradientBytes: Int
    /// The optimizer's state.
    public var optimizerBytes: Int
    /// Layer outputs and gradients of one batch, forward and backward.
    public var activationBytes: Int
    /// The convolutions' im2col buffers.
    public var im2colBytes: Int

    public var totalBytes: Int { [weightBytes, gradientBytes, optimizerBytes, activationBytes, im2colBytes].reduce(0) { Self.add($0, $1) } }

    /// The estimate for training `spec` on batches of `batch` images with an optimizer that
    /// keeps `optimizerSlots` floats per parameter.
    public init(spec: ModelSpec, batch: Int, optimizerSlots: Int) {
        var parameters = 0, perImage = 0, im2col = 0
        func layer(weights: Int, output: Int, input: Int, channelMajorCopy: Bool = false) {
            parameters = Self.add(parameters, weights)
            perImage = Self.add(perImage, Self.add(Self.multiply(output, channelMajorCopy ? 2 : 1), input))
        }
        let pixels = Self.multiply(spec.imageChannels, spec.imageHeight, spec.imageWidth)
        if spec.kind == .mlp {
            // A residual block of width d: two d × d dense layers, each with its output and input
            // gradient, and the block's own sum and input gradient.
            func residualBlocks(width: Int) {
                for _ in 0..<max(0, spec.residualBlocks) {
                    layer(weights: Self.multiply(2, Self.add(Self.multiply(width, width), width)),
                          output: Self.multiply(3, width), input: Self.multiply(3, width))
                }
            }
            func dense(_ inputs: Int, _ size: Int) {
                layer(weights: Self.add(Self.multiply(inputs, size), size), output: size, input: inputs)
            }
            for (input, hidden, output) in [(pixels, spec.encoder, 2 * spec.latent), (spec.latent, spec.decoder, pixels)] {
                var inputs = input
                for size in hidden {
                    dense(inputs, size)
                    residualBlocks(width: size)
                    inputs = size
                }
                dense(inputs, output)
            }
        } else {
            let (kernel, stride) = (spec.kernel, spec.stride)
            let taps = { (channels: Int) in Self.multiply(channels, kernel, kernel) }
            var (channels, height, width) = (spec.imageChannels, spec.imageHeight, spec.imageWidth)
            for filters in spec.encoder {
                let outHeight = Padding.valid.convolutionOutput(input: height, kernel: kernel, stride: stride)
                let outWidth = Padding.valid.convolutionOutput(input: width, kernel: kernel, stride: stride)
                let positions = Self.multiply(outHeight, outWidth)
                layer(weights: Self.add(Self.multiply(filters, taps(channels)), filters),
                      output: Self.multiply(filters, positions), input: Self.multiply(channels, height, width),
                      channelMajorCopy: true)
                im2col = Self.add(im2col, Self.multiply(taps(channels), batch, positions))
                (channels, height, width) = (filters, outHeight, outWidth)
            }
            let features = Self.multiply(channels, height, width)
            layer(weights: Self.add(Self.multiply(features, 2 * spec.latent), 2 * spec.latent),
                  output: 2 * spec.latent, input: features)
            var upsampling = 1
            for _ in spec.decoder where upsampling <= max(spec.imageHeight, spec.imageWidth) { upsampling *= stride }
            (channels, height, width) = (spec.decoder.last ?? spec.imageChannels,
                                         spec.imageHeight / upsampling, spec.imageWidth / upsampling)
            let seed = Self.multiply(channels, height, width)
            layer(weights: Self.add(Self.multiply(spec.latent, seed), seed), output: seed, input: spec.latent)
            for (filters, layerStride) in spec.decoder.map({ ($0, stride) }) + [(spec.imageChannels, 1)] {
                let positions = Self.multiply(height, width)
                let layerTaps = taps(filters)
                let chunk = min(batch, max(1, (1 << 20) / max(1, Self.multiply(layerTaps, positions))))
                layer(weights: Self.add(Self.multiply(channels, layerTaps), filters),
                      output: Self.multiply(filters, height * layerStride, width * layerStride),
                      input: Self.multiply(channels, positions), channelMajorCopy: true)
                im2col = Self.add(im2col, Self.multiply(layerTaps, chunk, positions))
                (channels, height, width) = (filters, height * layerStride, width * layerStride)
            }
        }
        // The batch, its reconstruction, and the gradients of both.
        perImage = Self.add(perImage, Self.multiply(pixels, 4))
        let float = MemoryLayout<Float>.size
        weightBytes = Self.multiply(parameters, float)
        gradientBytes = weightBytes
        optimizerBytes = Self.multiply(parameters, optimizerSlots, float)
        activationBytes = Self.multiply(perImage, batch, float)
        im2colBytes = Self.multiply(im2col, float)
    }

    /// The memory this process may still take (`AvailableMemory.current()`), nil when it
    /// cannot be read (not Linux).
    public static func availableBytes() -> Int? { AvailableMemory.current()?.bytes }

    /// `bytes` in GiB with one decimal ("48.3 GiB"), or MiB below 1 GiB.
    public static func describe(_ bytes: Int) -> String {
        if bytes >= Int.max / 2 { return "more than 4 EiB" }
        let mebibytes = Double(bytes) / 1_048_576
        if mebibytes < 1024 { return String(format: "%.1f MiB", mebibytes) }
        return String(format: "%.1f GiB", mebibytes / 1024)
    }

    /// The parts in words: "weights 1.2 GiB, gradients 1.2 GiB, Adam 2.4 GiB, activations 44.7 GiB, im2col 3.0 GiB".
    public func parts(optimizer: String?) -> String {
        var parts = ["weights \(Self.describe(weightBytes))", "gradients \(Self.describe(gradientBytes))"]
        if let optimizer, optimizerBytes > 0 { parts.append("\(optimizer) \(Self.describe(optimizerBytes))") }
        parts.append("activations \(Self.describe(activationBytes))")
        if im2colBytes > 0 { parts.append("im2col \(Self.describe(im2colBytes))") }
        return parts.joined(separator: ", ")
    }

    /// `values` multiplied, saturating at `Int.max` (a negative factor counts as 0).
    static func multiply(_ values: Int...) -> Int {
        var product = 1
        for value in values {
            let (result, overflow) = product.multipliedReportingOverflow(by: max(0, value))
            if overflow { return Int.max }
            product = result
        }
        return product
    }

    static func add(_ a: Int, _ b: Int) -> Int {
        let (sum, overflow) = a.addingReportingOverflow(b)
        return overflow ? Int.max : sum
    }
}
