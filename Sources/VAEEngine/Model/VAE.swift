import Foundation

/// A variational autoencoder: an encoder to (μ, log σ²), the reparameterization
/// z = μ + σ·ε, and a decoder from z to pixel logits.
///
/// The encoder's last layer has `2 · latent` outputs: the first half is μ,
/// the second log σ². All buffers are owned here and reused, so a training
/// step allocates nothing once the batch size has been seen.
public final class VAE {
    public let spec: ModelSpec
    public let encoder: Sequential
    public let decoder: Sequential
    /// How the model runs: its thread count (which its results depend on) and any profiling.
    public let context: ComputeContext

    private let latent: Matrix          // z
    private let noise: Matrix           // ε
    private let encoderGradient: Matrix // ∂L/∂(μ, log σ²)
    private let logitGradient: Matrix   // ∂L/∂logits
    private let imageRows: Matrix       // the batch in the encoder's layout, when it came in another
    private let targetRows: Matrix      // the targets in the logits' layout, when the two differ
    private var rowLosses: [Double] = []

    /// The layout the encoder takes its batch in, which training loads it in
    /// (`BatchLoader.load(layout:)`): feature rows when its first layer is dense — pixel `p` of
    /// image `r` at `p · batch + r`. Then each thread's stripe of pixels is whole rows of
    /// memory, not a piece of every image's row: two threads writing pieces of the same rows
    /// lose their lines to each other through the hardware prefetcher, which runs on past the
    /// end of a piece (measured: 22 µs against 6 µs for a pass over a 100 × 784 batch with the
    /// two cores close, 66 µs against 6.5 µs with them far apart).
    public var inputLayout: BatchLayout { encoder.inputLayout }
    /// The layout the decoder gives its logits in (feature rows when its last layer is dense).
    public var logitLayout: BatchLayout { decoder.outputLayout }

    public init(spec: ModelSpec, context: ComputeContext = .singleThread) {
        self.spec = spec
        self.context = context
        switch spec.kind {
        case .mlp:
            encoder = .encoder(Self.mlp(input: spec.pixels, hidden: spec.encoder, output: 2 * spec.latent,
                                        residualBlocks: spec.residualBlocks, activation: spec.activation,
                                        initializer: spec.initializer, name: "encoder"))
            decoder = .decoder(Self.mlp(input: spec.latent, hidden: spec.decoder, output: spec.pixels,
                                        residualBlocks: spec.residualBlocks, activation: spec.activation,
                                        initializer: spec.initializer, name: "decoder"))
        case .conv:
            encoder = .encoder(ConvolutionalArchitecture.encoderLayers(spec, kernel: spec.kernel, stride: spec.stride))
            decoder = .decoder(ConvolutionalArchitecture.decoderLayers(spec, kernel: spec.kernel, stride: spec.stride))
        }
        latent = Matrix(rows: 0, columns: spec.latent)
        noise = Matrix(rows: 0, columns: spec.latent)
        encoderGradient = Matrix(rows: 0, columns: 2 * spec.latent)
        logitGradient = Matrix(rows: 0, columns: spec.pixels)
        imageRows = Matrix(rows: 0, columns: spec.pixels)
        targetRows = Matrix(rows: 0, columns: spec.pixels)
    }

    /// Dense layers through `hidden`, each followed by `residualBlocks` residual blocks of its
    /// width, then a dense layer to `output`. Layers are named by their position, as in an
    /// `nn.Sequential` (`encoder.0`, `encoder.1`, …), so without blocks the names are those of
    /// a plain MLP.
    private static func mlp(input: Int, hidden: [Int], output: Int, residualBlocks: Int, activation: Activation,
                            initializer: Initializer, name: String) -> [Layer] {
        var layers: [Layer] = []
        var width = input
        for size in hidden {
            layers.append(Dense(inputSize: width, outputSize: size, activation: activation,
                                initializer: initializer, name: "\(name).\(layers.count)"))
            width = size
            for _ in 0..<residualBlocks {
                layers.append(ResidualBlock(width: width, activation: activation, initializer: initializer,
                                            name: "\(name).\(layers.count)"))
            }
        }
        layers.append(Dense(inputSize: width, outputSize: output, activation: .identity,
                            initializer: initializer, name: "\(name).\(layers.count)"))
        return layers
    }

    public var parameters: [Parameter] { encoder.parameters + decoder.parameters }
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.count } }
    public var layers: [Layer] { encoder.layers + decoder.layers }

    /// Draws every layer's weights from its own stream `("init", layer ordinal)`.
    public func initialize(seed: UInt64) {
        for (ordinal, layer) in layers.enumerated() {
            var stream = RandomStream(seed: seed, purpose: "init", index: UInt64(ordinal))
            layer.initialize(stream: &stream)
        }
    }

    /// One forward and backward pass over `images`, leaving gradients in the parameters.
    ///
    /// - Parameters:
    ///   - images: the batch, `batch × pixels`, values in 0...1, in sample rows or feature rows;
    ///     best in `inputLayout` (the model converts any other itself).
    ///   - noise: draws ε for the batch, `batch × latent` values written by `fillNoise`.
    ///   - layerFinished: called with the range of a layer's parameters in `parameters` as
    ///     soon as back-propagation is done with that layer, so that an optimizer can update
    ///     it while its gradient is in cache. Not called when the loss is not finite: then
    ///     nothing is back-propagated, and the caller stops training.
    /// - Returns: loss totals summed over the batch.
    public func trainingStep(images: Matrix, objective: Objective,
                             layerFinished: ((Range<Int>) -> Void)? = nil,
                             fillNoise: (UnsafeMutablePointer<Float>, Int) -> Void) -> LossTotals {
        pass(images: images, objective: objective, computeGradients: true,
             layerFinished: layerFinished, fillNoise: fillNoise)
    }

    /// The loss of a batch without touching gradients.
    public func loss(images: Matrix, objective: Objective,
                     fillNoise: (UnsafeMutablePointer<Float>, Int) -> Void) -> LossTotals {
        pass(images: images, objective: objective, computeGradients: false,
             layerFinished: nil, fillNoise: fillNoise)
    }

    /// `images` in the layout the encoder takes.
    private func encoderInput(_ images: Matrix) -> Matrix {
        if images.layout == inputLayout { return images }
        imageRows.resize(rows: images.rows)
        imageRows.store(images, as: inputLayout)
        return imageRows
    }

    private func pass(images: Matrix, objective: Objective, computeGradients: Bool,
                      layerFinished: ((Range<Int>) -> Void)?,
                      fillNoise: (UnsafeMutablePointer<Float>, Int) -> Void) -> LossTotals {
        let batch = images.rows
        let size = spec.latent
        let input = encoderInput(images)
        let moments = encoder.forward(input, context: context)
        noise.resize(rows: batch)
        fillNoise(noise.data, batch * size)
        latent.resize(rows: batch)
        let m = moments.data, eps = noise.data, z = latent.data
        for row in 0..<batch {
            for j in 0..<size {
                let mean = m[row * 2 * size + j]
                let logVariance = m[row * 2 * size + size + j]
                z[row * size + j] = mean + expf(0.5 * logVariance) * eps[row * size + j]
            }
        }
        let logits = decoder.forward(latent, context: context)

        // Per-image scale of the reconstruction term and the batch mean.
        let pixelScale: Float = objective.reduction == .mean ? 1 / Float(spec.pixels) : 1
        let batchScale = 1 / Float(batch)
        if rowLosses.count < batch { rowLosses = Array(repeating: 0, count: batch) }
        logitGradient.resize(rows: batch)
        // The targets in the logits' layout: the encoder's input when the two layouts agree.
        var targets = input
        if logits.layout != input.layout {
            targetRows.resize(rows: batch)
            targetRows.store(input, as: logits.layout)
            targets = targetRows
        }
        rowLosses.withUnsafeMutableBufferPointer { perRow in
            objective.reconstruction.evaluate(logits: logits, targets: targets, perRow: perRow.baseAddress!,
                                              gradient: computeGradients ? logitGradient : nil,
                                              scale: pixelScale * batchScale, context: context)
        }

        var totals = LossTotals()
        totals.count = batch
        for row in 0..<batch { totals.reconstruction += rowLosses[row] }

        // KL per image and, when training, its own part of the gradient with respect to μ and
        // log σ² (the decoder's part is added once it has been back-propagated).
        let klScale = objective.beta * batchScale
        encoderGradient.resize(rows: batch)
        let dMoments = encoderGradient.data
        for row in 0..<batch {
            var rowKL: Float = 0
            for j in 0..<size {
                let mean = m[row * 2 * size + j]
                let logVariance = m[row * 2 * size + size + j]
                let variance = expf(logVariance)
                let e = eps[row * size + j]
                let zj = z[row * size + j]
                var dMean: Float = 0, dLogVariance: Float = 0
                switch objective.kl {
                case .analytic:
                    rowKL += -0.5 * (1 + logVariance - mean * mean - variance)
                    dMean = mean
                    dLogVariance = 0.5 * (variance - 1)
                case .monteCarlo:
                    // log q(z|x) − log p(z) = ½(z² − ε² − log σ²); z depends on μ and log σ².
                    rowKL += 0.5 * (zj * zj - e * e - logVariance)
                    dMean = zj
                    dLogVariance = zj * 0.5 * expf(0.5 * logVariance) * e - 0.5
                }
                if computeGradients {
                    dMoments[row * 2 * size + j] = klScale * dMean
                    dMoments[row * 2 * size + size + j] = klScale * dLogVariance
                }
            }
            totals.kl += Double(rowKL)
        }
        totals.total = totals.reconstruction * Double(pixelScale) + Double(objective.beta) * totals.kl
        guard computeGradients, totals.total.isFinite else { return totals }

        // The decoder's parameters come after the encoder's in `parameters`.
        let decoderOffset = encoder.parameterCount
        let dz = decoder.backward(logitGradient, computeInputGradient: true, context: context) { range in
            layerFinished?((range.lowerBound + decoderOffset)..<(range.upperBound + decoderOffset))
        }!.data
        for row in 0..<batch {
            for j in 0..<size {
                let logVariance = m[row * 2 * size + size + j]
                let upstream = dz[row * size + j]
                // z = μ + exp(½ log σ²)·ε
                dMoments[row * 2 * size + j] = upstream + dMoments[row * 2 * size + j]
                dMoments[row * 2 * size + size + j] =
                    upstream * 0.5 * expf(0.5 * logVariance) * eps[row * size + j] + dMoments[row * 2 * size + size + j]
            }
        }
        encoder.backward(encoderGradient, computeInputGradient: false, context: context, layerFinished: layerFinished)
        return totals
    }

    /// Encodes a batch to its posterior means, `batch × latent`.
    public func encodeMeans(_ images: Matrix) -> Matrix {
        let moments = encoder.forward(encoderInput(images), context: context)
        let means = Matrix(rows: images.rows, columns: spec.latent)
        for row in 0..<images.rows {
            (means.data + row * spec.latent).update(from: moments.data + row * 2 * spec.latent, count: spec.latent)
        }
        return means
    }

    /// The encoder's posterior moments for a batch, `batch × 2·latent`, sample-major: row `r`
    /// holds μ (the first `latent` values) then log σ² of image `r`.
    ///
    /// A new matrix, so it stays valid across later passes (the encoder reuses its buffers).
    /// For diagnostics that need q(z|x) itself: the importance-weighted bound, active units.
    public func posteriorMoments(_ images: Matrix) -> Matrix {
        let moments = encoder.forward(encoderInput(images), context: context)
        let copy = Matrix(rows: moments.rows, columns: moments.columns)
        copy.copy(from: moments)
        return copy
    }

    /// Decodes latent points to pixel logits, `batch × pixels`, sample-major (a new matrix).
    public func decodeLogits(_ latentPoints: Matrix) -> Matrix {
        let logits = decoder.forward(latentPoints, context: context)
        let result = Matrix(rows: logits.rows, columns: logits.columns)
        result.store(logits, as: .sampleRows)
        return result
    }

    /// Decodes latent points to pixel probabilities (sigmoid of the logits), `batch × pixels`.
    public func decodeProbabilities(_ latentPoints: Matrix) -> Matrix {
        let logits = decoder.forward(latentPoints, context: context)
        let probabilities = Matrix(rows: logits.rows, columns: logits.columns)
        probabilities.store(logits, as: .sampleRows)
        for i in 0..<logits.count { probabilities.data[i] = Activation.sigmoid(probabilities.data[i]) }
        return probabilities
    }

    /// Reconstructs images through the posterior mean (no sampling noise), as tutorials display them.
    public func reconstruct(_ images: Matrix) -> Matrix {
        decodeProbabilities(encodeMeans(images))
    }
}

extension Sequential {
    /// An encoder: it takes images as data loading writes them (feature rows or sample rows)
    /// and gives (μ, log σ²) in sample rows, which the sampling of z reads.
    public static func encoder(_ layers: [Layer]) -> Sequential {
        Sequential(layers, name: "encoder", inputs: [.featureRows, .sampleRows], outputs: [.sampleRows])
    }

    /// A decoder: it takes z in sample rows and gives logits in a layout the loss takes.
    public static func decoder(_ layers: [Layer]) -> Sequential {
        Sequential(layers, name: "decoder", inputs: [.sampleRows], outputs: [.featureRows, .sampleRows])
    }
}

extension VAE {
    /// Every parameter's values, in `parameters` order: the weights a cache snapshot keeps.
    public var parameterValues: [[Float]] { parameters.map(\.value.values) }

    /// Copies `values` (as `parameterValues` gave them) into the parameters.
    ///
    /// - Returns: false, changing nothing, when the arrays do not fit the parameters.
    public func setParameterValues(_ values: [[Float]]) -> Bool {
        let parameters = parameters
        guard values.count == parameters.count,
              zip(values, parameters).allSatisfy({ $0.count == $1.count }) else { return false }
        for (parameter, array) in zip(parameters, values) {
            array.withUnsafeBufferPointer { buffer in
                if let base = buffer.baseAddress { parameter.value.data.update(from: base, count: buffer.count) }
            }
        }
        return true
    }
}
