import Foundation

/// A diagnostic that cannot be computed for the model and data it was given.
public struct DiagnosticsError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// The importance-weighted bounds L_K of a dataset's images, in nats.
///
/// L_K is a lower bound on log p(x) in expectation, and approaches it as K grows (Burda,
/// Grosse & Salakhutdinov 2016). Papers report the negative log-likelihood estimate
/// `−mean L_K`, here `negativeLogLikelihood`; `meanLogLikelihoodBound` is its negation.
public struct ImportanceWeightedEstimate: Sendable, Equatable {
    /// K, the importance samples drawn for each image.
    public var samples: Int
    /// L_K of each image, in dataset order (nats; ≤ 0 for a Bernoulli likelihood of 0/1 pixels).
    public var logLikelihoodBounds: [Double]

    public init(samples: Int, logLikelihoodBounds: [Double]) {
        self.samples = samples
        self.logLikelihoodBounds = logLikelihoodBounds
    }

    public var count: Int { logLikelihoodBounds.count }
    /// The mean of L_K over the images: an estimate of the mean log p(x) from below.
    public var meanLogLikelihoodBound: Double {
        count == 0 ? .nan : logLikelihoodBounds.reduce(0, +) / Double(count)
    }
    /// `−meanLogLikelihoodBound`: the positive NLL estimate in nats that papers tabulate.
    public var negativeLogLikelihood: Double { -meanLogLikelihoodBound }
}

/// The importance-weighted log-likelihood bound L_K (Burda, Grosse & Salakhutdinov 2016).
///
/// For each image x, K latent points z_k = μ + σ·ε_k are drawn from the encoder's q(z|x), and
///
///     L_K(x) = log (1/K) Σ_k w_k,   log w_k = log p(x|z_k) + log p(z_k) − log q(z_k|x),
///
/// summed with log-sum-exp in Double. L_1 is the single-sample ELBO with the Monte Carlo KL
/// (β = 1, summed over pixels); E[L_K] rises with K toward log p(x).
///
/// The likelihood p(x|z) is the one the reconstruction loss stands for:
/// - `bce`: Bernoulli with p = σ(logit), log p(x|z) = −BCE summed over pixels;
/// - `bce-clipped`: the same with p clipped to [1e-7, 1 − 1e-7], as the model was trained;
/// - `mse`: a Gaussian of unit variance around σ(logit), log p(x|z) = −½ Σ (x − p)² − (D/2) log 2π
///   (the training loss Σ (x − p)² drops the ½ and the constant, so L_1 here is not −loss).
/// For grey pixels the Bernoulli "likelihood" is not normalized (as for the ELBO the tutorials
/// report); L_K is a true log-likelihood bound for 0/1 pixels (binarized data).
/// The objective's β, reduction and KL estimator do not enter: L_K bounds log p(x) itself.
///
/// Memory stays bounded for any K: images are encoded `imageBatch` at a time, and the
/// (image, sample) pairs go through the decoder at most `decoderBatch` at a time; only the K
/// log-weights of the image in progress are kept.
///
/// ε comes from the stream `RandomStream(seed:, purpose: "iwae", index: streamIndex)`, drawn in
/// the order image, sample, latent dimension, so the draws do not depend on the batch sizes
/// (the values may differ in the last bits between batch sizes, as the products are cut
/// differently). For a thread count the result is a pure function of the arguments.
public enum ImportanceWeightedBound {
    /// The purpose of the stream ε is drawn from.
    public static let streamPurpose = "iwae"
    /// The purpose of the stream that binarizes each image once, for `.dynamic`.
    public static let binarizationPurpose = "iwae-binarize"

    /// L_K for every image of `data`.
    ///
    /// - Parameters:
    ///   - data: the images as training holds them (`Binarization.applied(to:)`).
    ///   - samples: K ≥ 1; the cost grows linearly with it.
    ///   - reconstruction: the likelihood p(x|z), as the model was trained (see the type's notes).
    ///   - seed, streamIndex: name the stream of ε, `(seed, "iwae", streamIndex)`.
    ///   - binarization: with `.dynamic` each image is binarized once, from the stream
    ///     `(seed, "iwae-binarize", streamIndex)` pixel after pixel, and its K samples share it.
    ///   - imagesFinished: called with the number of images done after each image batch.
    /// - Throws: `DiagnosticsError` when K or a batch size is below 1, the data is empty, or
    ///   its images do not have the model's pixel count.
    public static func estimate(model: VAE, data: ImageDataset, samples: Int, reconstruction: ReconstructionLoss,
                                seed: UInt64, streamIndex: UInt64, binarization: Binarization = .none,
                                imageBatch: Int = 100, decoderBatch: Int = 500,
                                imagesFinished: ((Int) -> Void)? = nil) throws -> ImportanceWeightedEstimate {
        guard samples >= 1 else { throw DiagnosticsError("the importance-weighted bound needs at least 1 sample per image, not \(samples)") }
        guard imageBatch >= 1, decoderBatch >= 1 else { throw DiagnosticsError("batch sizes must be at least 1") }
        guard data.count > 0 else { throw DiagnosticsError("\(data.name) has no images") }
        let pixels = model.spec.pixels, size = model.spec.latent
        guard data.pixelsPerImage == pixels else {
            throw DiagnosticsError("\(data.name) has \(data.pixelsPerImage) pixels per image, the model takes \(pixels)")
        }

        var noise = RandomStream(seed: seed, purpose: streamPurpose, index: streamIndex)
        var draws = RandomStream(seed: seed, purpose: binarizationPurpose, index: streamIndex)
        // Sample-major, whatever the encoder takes: the binarization draws then go image after
        // image, and the targets are read from here (the model transposes for its encoder).
        let images = Matrix(rows: 0, columns: pixels)
        let epsilon = Matrix(rows: 0, columns: size)
        let latent = Matrix(rows: 0, columns: size)
        let targets = Matrix(rows: 0, columns: pixels)
        var targetImages: [Int] = []        // the image of each target row, to skip refilling it
        var rowLosses = [Double](repeating: 0, count: min(decoderBatch, imageBatch * samples))
        var priorMinusPosterior = [Double](repeating: 0, count: rowLosses.count)
        var logWeights = [Double](repeating: 0, count: samples)
        var bounds: [Double] = []
        bounds.reserveCapacity(data.count)
        // log p(x|z) from the loss summed over a row's pixels.
        let gaussianConstant = 0.5 * Double(pixels) * log(2 * Double.pi)
        let logLikelihood: (Double) -> Double = reconstruction == .mse
            ? { -0.5 * $0 - gaussianConstant } : { -$0 }

        let all = Array(0..<data.count)
        var chunkStart = 0
        while chunkStart < data.count {
            let indices = all[chunkStart..<min(chunkStart + imageBatch, data.count)]
            BatchLoader.load(data, indices: indices, into: images, context: model.context)
            if binarization == .dynamic {
                Binarization.sampleBernoulli(images.data, count: images.count, stream: &draws)
            }
            // Held for the whole image batch: the pointer alone would not keep the matrix alive.
            let posterior = model.posteriorMoments(images)
            defer { withExtendedLifetime(posterior) {} }
            let moments = posterior.data
            targetImages = []   // the rows of `images` are new
            let rows = indices.count * samples
            var row = 0
            while row < rows {
                let n = min(decoderBatch, rows - row)
                epsilon.resize(rows: n)
                latent.resize(rows: n)
                noise.fillGaussian(epsilon.data, count: n * size, context: model.context)
                let (eps, z) = (epsilon.data, latent.data)
                var rowImages = [Int](repeating: 0, count: n)
                for r in 0..<n {
                    let image = (row + r) / samples
                    rowImages[r] = image
                    // log p(z) − log q(z|x) = Σ ½(ε² + log σ² − z²); the constants cancel. z in
                    // Float as the decoder sees it, as the training pass computes it.
                    var difference = 0.0
                    for j in 0..<size {
                        let mean = moments[image * 2 * size + j], logVariance = moments[image * 2 * size + size + j]
                        let e = eps[r * size + j]
                        let zj = mean + expf(0.5 * logVariance) * e
                        z[r * size + j] = zj
                        difference += 0.5 * (Double(e) * Double(e) + Double(logVariance) - Double(zj) * Double(zj))
                    }
                    priorMinusPosterior[r] = difference
                }
                if rowImages != targetImages {
                    fillTargets(targets, from: images, rowImages: rowImages, layout: model.logitLayout)
                    targetImages = rowImages
                }
                let logits = model.decoder.forward(latent, context: model.context)
                rowLosses.withUnsafeMutableBufferPointer { perRow in
                    reconstruction.evaluate(logits: logits, targets: targets, perRow: perRow.baseAddress!,
                                            gradient: nil, scale: 1, context: model.context)
                }
                for r in 0..<n {
                    let k = (row + r) % samples
                    logWeights[k] = logLikelihood(rowLosses[r]) + priorMinusPosterior[r]
                    if k == samples - 1 { bounds.append(logMeanExp(logWeights)) }
                }
                row += n
            }
            chunkStart += indices.count
            imagesFinished?(chunkStart)
        }
        return ImportanceWeightedEstimate(samples: samples, logLikelihoodBounds: bounds)
    }

    /// Row `r` of `targets` becomes image `rowImages[r]` of the sample-major `images`, stored
    /// in the layout the decoder gives its logits in (`layout`: sample rows or feature rows).
    private static func fillTargets(_ targets: Matrix, from images: Matrix, rowImages: [Int], layout: BatchLayout) {
        let (n, pixels) = (rowImages.count, images.columns)
        targets.resize(rows: n)
        targets.layout = layout
        let (source, out) = (images.data, targets.data)
        if layout == .featureRows {
            for pixel in 0..<pixels {
                for r in 0..<n { out[pixel * n + r] = source[rowImages[r] * pixels + pixel] }
            }
        } else {
            for r in 0..<n { (out + r * pixels).update(from: source + rowImages[r] * pixels, count: pixels) }
        }
    }

    /// log((1/K) Σ exp(values)), shifted by the largest value so no term overflows; summed in
    /// index order so the result does not depend on timing. NaN when any value is NaN.
    static func logMeanExp(_ values: [Double]) -> Double {
        guard let largest = values.max() else { return .nan }
        if values.contains(where: \.isNaN) { return .nan }
        // All −∞ (every weight zero) or some +∞: the shift would give NaN.
        guard largest.isFinite else { return largest }
        var sum = 0.0
        for value in values { sum += exp(value - largest) }
        return largest + log(sum) - log(Double(values.count))
    }
}
