import Foundation
import Testing
import TestSupport
import VAEEngine

/// The importance-weighted bound and the latent diagnostics, checked against what they must
/// equal: the single-sample ELBO, quadrature over a 1-D latent, direct computations in Double.
///
/// Models are small MLPs (and one convolutional) on 8×8 images of bars, so each test takes
/// about a second in a debug build.
@Suite struct DiagnosticsTests {
    /// 8×8 bars, one vertical and one horizontal line through a random position. `binary`
    /// makes every pixel 0 or 255, for which the Bernoulli likelihood is a true probability.
    static func bars(count: Int, seed: UInt64, binary: Bool) -> ImageDataset {
        var stream = RandomStream(seed: seed, purpose: "diagnostics-bars")
        var pixels: [UInt8] = [], labels: [UInt8] = []
        for _ in 0..<count {
            let column = stream.nextInt(below: 8), row = stream.nextInt(below: 8)
            for y in 0..<8 {
                for x in 0..<8 {
                    let on = x == column || y == row
                    if binary {
                        pixels.append(on ? 255 : 0)
                    } else {
                        pixels.append(on ? UInt8(200 + stream.nextInt(below: 56)) : UInt8(stream.nextInt(below: 30)))
                    }
                }
            }
            labels.append(UInt8(column))
        }
        return ImageDataset(name: "bars", width: 8, height: 8, pixels: pixels, labels: labels,
                            classNames: (0..<8).map { "column \($0)" })
    }

    static func spec(_ kind: ModelSpec.Kind, latent: Int) -> ModelSpec {
        kind == .mlp
            ? ModelSpec(encoder: [32], latent: latent, decoder: [32], imageHeight: 8, imageWidth: 8)
            : ModelSpec(kind: .conv, encoder: [4, 8], latent: latent, decoder: [8, 4], imageHeight: 8, imageWidth: 8)
    }

    /// A model trained for a few epochs, so that q(z|x) has learned something.
    static func trainedModel(_ kind: ModelSpec.Kind = .mlp, latent: Int, data: ImageDataset, epochs: Int = 5,
                             reconstruction: ReconstructionLoss = .bce) throws -> VAE {
        let model = VAE(spec: spec(kind, latent: latent))
        model.initialize(seed: 3)
        let plan = TrainingPlan(epochs: epochs, batchSize: 32, optimizer: .adam(learningRate: 3e-3),
                                objective: Objective(reconstruction: reconstruction))
        _ = try Trainer(model: model, seed: 3).train(plan, on: data, test: nil)
        return model
    }

    // MARK: - The importance-weighted bound

    /// With K = 1, L_1 of each image is the negative single-sample ELBO (Monte Carlo KL, β = 1,
    /// summed) on the same ε: the bound's stream, consumed image after image.
    @Test(arguments: [ModelSpec.Kind.mlp, .conv], [ReconstructionLoss.bce, .bceClipped, .mse])
    func oneSampleIsTheELBO(kind: ModelSpec.Kind, reconstruction: ReconstructionLoss) throws {
        let data = Self.bars(count: 48, seed: 1, binary: false)
        let model = try Self.trainedModel(kind, latent: 3, data: Self.bars(count: 128, seed: 2, binary: false),
                                          epochs: 2, reconstruction: reconstruction)
        let estimate = try ImportanceWeightedBound.estimate(model: model, data: data, samples: 1, reconstruction: reconstruction,
                                                            seed: 11, streamIndex: 4, imageBatch: 20, decoderBatch: 7)
        #expect(estimate.count == data.count && estimate.samples == 1)
        var noise = RandomStream(seed: 11, purpose: "iwae", index: 4)
        let objective = Objective(reconstruction: reconstruction, kl: .monteCarlo)
        let gaussianConstant = 0.5 * Double(data.pixelsPerImage) * log(2 * Double.pi)
        var elbos: [Double] = []
        for image in 0..<data.count {
            let totals = model.loss(images: BatchLoader.matrix(data, indices: [image]), objective: objective) {
                noise.fillGaussian($0, count: $1)
            }
            // For mse the bound uses a unit-variance Gaussian: −½ Σ (x − p)² − (D/2) log 2π.
            elbos.append(reconstruction == .mse ? -0.5 * totals.reconstruction - gaussianConstant - totals.kl
                                                : -totals.total)
        }
        for (bound, elbo) in zip(estimate.logLikelihoodBounds, elbos) {
            #expect(isClose(bound, elbo, rtol: 1e-5, atol: 1e-4), "\(kind) \(reconstruction): L_1 \(bound), ELBO \(elbo)")
        }
        #expect(isClose(estimate.negativeLogLikelihood, -elbos.reduce(0, +) / Double(elbos.count), rtol: 1e-5))
    }

    /// ε is drawn image, sample, dimension in order, so the batch sizes change nothing but
    /// rounding; and a second call gives the same bits.
    @Test func batchSizesDoNotChangeTheDraws() throws {
        let data = Self.bars(count: 30, seed: 1, binary: false)
        let model = try Self.trainedModel(latent: 2, data: Self.bars(count: 128, seed: 2, binary: false), epochs: 2)
        func run(_ images: Int, _ decoder: Int) throws -> [Double] {
            try ImportanceWeightedBound.estimate(model: model, data: data, samples: 37, reconstruction: .bce, seed: 5,
                                                 streamIndex: 1, imageBatch: images, decoderBatch: decoder).logLikelihoodBounds
        }
        let reference = try run(100, 500)
        #expect(try run(100, 500) == reference)
        for (images, decoder) in [(7, 13), (1, 1), (30, 37), (4, 200)] {
            let other = try run(images, decoder)
            #expect(zip(reference, other).allSatisfy { isClose($1, $0, rtol: 1e-5, atol: 1e-4) },
                    "imageBatch \(images), decoderBatch \(decoder)")
        }
        let otherStream = try ImportanceWeightedBound.estimate(model: model, data: data, samples: 37, reconstruction: .bce,
                                                               seed: 5, streamIndex: 2).logLikelihoodBounds
        #expect(otherStream != reference)
    }

    /// E[L_K] does not fall as K grows: the means over five streams for K = 1, 10, 100 rise.
    @Test func boundRisesWithSamples() throws {
        let data = Self.bars(count: 64, seed: 1, binary: true)
        let model = try Self.trainedModel(latent: 2, data: Self.bars(count: 256, seed: 2, binary: true))
        func mean(_ samples: Int) throws -> Double {
            var total = 0.0
            for index in 0..<5 {
                total += try ImportanceWeightedBound.estimate(model: model, data: data, samples: samples, reconstruction: .bce,
                                                              seed: 9, streamIndex: UInt64(index)).meanLogLikelihoodBound
            }
            return total / 5
        }
        let (l1, l10, l100) = (try mean(1), try mean(10), try mean(100))
        // Noise in the means over 5 × 64 images is far below 0.05 nats for K ≥ 10.
        #expect(l1 <= l10 + 0.05 && l10 <= l100 + 0.05, "L_1 \(l1), L_10 \(l10), L_100 \(l100)")
        #expect(l1 < l100, "the bound should gain something: L_1 \(l1), L_100 \(l100)")
    }

    /// With a 1-D latent, log p(x) = log ∫ p(x|z) N(z; 0, 1) dz by the trapezoid rule over
    /// [−10, 10] (8,001 points, from the decoder's logits, in Double); L_5000 is within 0.5 nats.
    @Test func manySamplesApproachQuadrature() throws {
        let data = Self.bars(count: 8, seed: 1, binary: true)
        let model = try Self.trainedModel(latent: 1, data: Self.bars(count: 256, seed: 2, binary: true))
        let estimate = try ImportanceWeightedBound.estimate(model: model, data: data, samples: 5000, reconstruction: .bce,
                                                            seed: 21, streamIndex: 0)
        let points = 8001, step = 20.0 / Double(points - 1)
        let grid = (0..<points).map { -10 + Double($0) * step }
        let logits = model.decodeLogits(Matrix(rows: points, columns: 1, values: grid.map { Float($0) })).values
        let pixels = data.pixelsPerImage
        var exact: [Double] = []
        for image in 0..<data.count {
            let x = data.image(image).map(Double.init)
            var terms: [Double] = []
            for (g, z) in grid.enumerated() {
                var logLikelihood = 0.0
                for p in 0..<pixels {
                    let l = Double(logits[g * pixels + p])
                    logLikelihood -= max(l, 0) - l * x[p] + log1p(exp(-abs(l)))
                }
                let weight = g == 0 || g == points - 1 ? step / 2 : step
                terms.append(logLikelihood - 0.5 * z * z - 0.5 * log(2 * Double.pi) + log(weight))
            }
            let largest = terms.max()!
            exact.append(largest + log(terms.reduce(0) { $0 + exp($1 - largest) }))
        }
        for (bound, logP) in zip(estimate.logLikelihoodBounds, exact) {
            #expect(abs(bound - logP) < 0.5, "L_5000 \(bound), log p(x) \(logP)")
        }
        // A single image's L_K is noisy (heavy-tailed weights: one image here is 0.3 nats low on
        // this stream and 0.0002 on the next); over the images it must be close.
        let meanExact = exact.reduce(0, +) / Double(exact.count)
        #expect(abs(estimate.meanLogLikelihoodBound - meanExact) < 0.15, "mean L_5000 \(estimate.meanLogLikelihoodBound), log p(x) \(meanExact)")
    }

    /// On 0/1 pixels dynamic binarization changes nothing, so it must give the same bits.
    @Test func dynamicBinarizationOfBinaryPixelsIsTheIdentity() throws {
        let data = Self.bars(count: 12, seed: 1, binary: true)
        let model = VAE(spec: Self.spec(.mlp, latent: 2))
        model.initialize(seed: 1)
        func run(_ binarization: Binarization) throws -> [Double] {
            try ImportanceWeightedBound.estimate(model: model, data: data, samples: 20, reconstruction: .bce, seed: 1,
                                                 streamIndex: 0, binarization: binarization).logLikelihoodBounds
        }
        #expect(try run(.dynamic) == run(.none))
    }

    @Test func refusesWhatItCannotCompute() {
        let model = VAE(spec: Self.spec(.mlp, latent: 2))
        model.initialize(seed: 1)
        let data = Self.bars(count: 4, seed: 1, binary: true)
        #expect(throws: DiagnosticsError.self) {
            _ = try ImportanceWeightedBound.estimate(model: model, data: data, samples: 0, reconstruction: .bce, seed: 1, streamIndex: 0)
        }
        #expect(throws: DiagnosticsError.self) {
            _ = try ImportanceWeightedBound.estimate(model: model, data: data.prefix(0), samples: 5, reconstruction: .bce,
                                                     seed: 1, streamIndex: 0)
        }
        let other = ImageDataset(name: "small", width: 2, height: 2, pixels: [0, 1, 2, 3], labels: [0], classNames: ["a"])
        #expect(throws: DiagnosticsError.self) {
            _ = try ImportanceWeightedBound.estimate(model: model, data: other, samples: 5, reconstruction: .bce, seed: 1, streamIndex: 0)
        }
        #expect(throws: DiagnosticsError.self) { _ = try LatentDiagnostics.compute(model: model, data: other) }
    }

    // MARK: - Latent diagnostics

    /// Per-dimension KL and active units against μ and log σ² computed one image at a time and
    /// the formulas in Double; one dimension is switched off (its mean a constant) so the
    /// active set is known to be proper.
    @Test(arguments: [ModelSpec.Kind.mlp, .conv])
    func latentDiagnosticsMatchADirectComputation(kind: ModelSpec.Kind) throws {
        let latent = 4
        let data = Self.bars(count: 200, seed: 1, binary: false)
        let model = try Self.trainedModel(kind, latent: latent, data: Self.bars(count: 256, seed: 2, binary: false), epochs: 3)
        // μ_3 = 0.5 for every image: the last encoder layer's weights into it are zero.
        let last = try #require(model.encoder.layers.last as? Dense)
        for i in 0..<last.weight.value.columns { last.weight.value[3, i] = 0 }
        last.bias.value.data[3] = 0.5

        let diagnostics = try LatentDiagnostics.compute(model: model, data: data, batchSize: 37)
        var means: [[Double]] = [], logVariances: [[Double]] = []
        for image in 0..<data.count {
            let moments = model.posteriorMoments(BatchLoader.matrix(data, indices: [image])).values.map(Double.init)
            means.append(Array(moments[0..<latent]))
            logVariances.append(Array(moments[latent...]))
        }
        let n = Double(data.count)
        for j in 0..<latent {
            let kl = (0..<data.count).reduce(0.0) { sum, i in
                let (m, v) = (means[i][j], logVariances[i][j])
                return sum + 0.5 * (m * m + exp(v) - 1 - v)
            } / n
            let average = means.reduce(0.0) { $0 + $1[j] } / n
            let variance = means.reduce(0.0) { $0 + ($1[j] - average) * ($1[j] - average) } / n
            #expect(isClose(diagnostics.klPerDimension[j], kl, rtol: 1e-4, atol: 1e-6), "KL of dimension \(j)")
            #expect(isClose(diagnostics.posteriorMeanVariance[j], variance, rtol: 1e-4, atol: 1e-7), "variance of dimension \(j)")
            #expect(diagnostics.isActive[j] == (variance > 0.01), "dimension \(j): variance \(variance)")
        }
        #expect(diagnostics.count == data.count)
        #expect(diagnostics.posteriorMeanVariance[3] == 0 && !diagnostics.isActive[3])
        #expect(diagnostics.activeUnits == diagnostics.activeDimensions.count && diagnostics.activeUnits < latent)
        // The threshold is a parameter: at 0 every dimension whose mean moves at all counts.
        #expect(try LatentDiagnostics.compute(model: model, data: data, threshold: 0).activeDimensions == [0, 1, 2])
        // The dimensions' KLs add up to the objective's analytic KL per image.
        let totals = model.loss(images: BatchLoader.matrix(data, indices: Array(0..<data.count)), objective: Objective()) {
            $0.update(repeating: 0, count: $1)
        }
        #expect(isClose(diagnostics.totalKL, totals.meanKL, rtol: 1e-4))
    }
}
