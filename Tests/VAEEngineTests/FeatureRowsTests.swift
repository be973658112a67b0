import Foundation
import Testing
import VAEEngine

/// Dense layers next to each other pass their activations feature-major, and an MLP's batch
/// and logits are held that way too. The values must be those of the plain sample-major
/// layers; only where they lie in memory, and the order of a few sums, change.
///
/// Pinned at two threads, so every product and pass big enough to cut is cut in two.
@Suite struct FeatureRowsTests {
    static let context = ComputeContext(threads: 2)

    /// Values from a fixed sequence in −0.5…0.5.
    static func values(_ count: Int, seed: UInt32) -> [Float] {
        var state = seed
        return (0..<count).map { _ in
            state = state &* 1_664_525 &+ 1_013_904_223
            return Float(state >> 8) / Float(1 << 24) - 0.5
        }
    }

    static func largestDifference(_ a: [Float], _ b: [Float]) -> Float {
        zip(a, b).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? 0
    }

    /// Dense layers in a `Sequential` (sample-major in, feature-major between them,
    /// sample-major out) give the outputs and gradients of the same layers run one by one,
    /// each sample-major. In the first network the middle layer is feature-major on both sides
    /// with few outputs; in the second the last layer has few outputs (an encoder's last, whose
    /// forward product is cut across its inputs). The sizes make every product big enough to
    /// be cut on two threads.
    @Test(arguments: [[300, 160, 24, 200], [300, 160, 24]])
    func linkedDenseLayersMatchLayersRunAlone(sizes: [Int]) {
        let batch = 37
        let count = sizes.count - 1
        func layers() -> [Dense] {
            (0..<count).map { index in
                Dense(inputSize: sizes[index], outputSize: sizes[index + 1],
                      activation: index == count - 1 ? .identity : (index == 0 ? .relu : .elu))
            }
        }
        let linked = layers(), alone = layers()
        for (index, (a, b)) in zip(linked, alone).enumerated() {
            for (p, q) in zip(a.parameters, b.parameters) {
                let draws = Self.values(p.count, seed: UInt32(17 + index))
                for i in 0..<p.count { p.value.data[i] = draws[i]; q.value.data[i] = draws[i] }
            }
        }
        let network = Sequential(linked, inputs: [.sampleRows], outputs: [.sampleRows])
        #expect(network.inputLayout == .sampleRows)
        #expect(network.layouts == Array(repeating: .featureRows, count: count - 1) + [.sampleRows])
        let input = Matrix(rows: batch, columns: sizes[0], values: Self.values(batch * sizes[0], seed: 5))
        let gradient = Self.values(batch * sizes[count], seed: 9)

        let outputLinked = network.forward(input, context: Self.context).values
        var current = input
        for layer in alone { current = layer.forward(current, giving: .sampleRows, context: Self.context) }
        #expect(Self.largestDifference(outputLinked, current.values) < 1e-5)

        let inputGradientLinked = network.backward(Matrix(rows: batch, columns: sizes[count], values: gradient),
                                                   computeInputGradient: true, context: Self.context)!.values
        var upstream = Matrix(rows: batch, columns: sizes[count], values: gradient)
        for layer in alone.reversed() { upstream = layer.backward(upstream, computeInputGradient: true, context: Self.context)! }
        #expect(Self.largestDifference(inputGradientLinked, upstream.values) < 1e-5)
        for (a, b) in zip(linked, alone) {
            for (p, q) in zip(a.parameters, b.parameters) {
                let difference = Self.largestDifference(p.gradient.values, q.gradient.values)
                #expect(difference < 1e-5, "\(a.kind) \(p.name): \(difference)")
            }
        }
    }

    /// The feature-major load holds exactly the values of the sample-major one, transposed.
    @Test func featureRowsLoadIsTheTransposedBatch() {
        let (width, height, count) = (28, 28, 60)
        var pixels = [UInt8](repeating: 0, count: count * width * height)
        for i in pixels.indices { pixels[i] = UInt8(truncatingIfNeeded: i &* 2_654_435_761 >> 13) }
        let data = ImageDataset(name: "t", width: width, height: height, pixels: pixels,
                                labels: [UInt8](repeating: 0, count: count), classNames: ["0"])
        let indices = Array((0..<count).reversed().prefix(37))  // not a multiple of eight
        let rows = Matrix(rows: 0, columns: width * height)
        let features = Matrix(rows: 0, columns: width * height)
        BatchLoader.load(data, indices: indices[...], into: rows, context: Self.context)
        BatchLoader.load(data, indices: indices[...], into: features, layout: .featureRows, context: Self.context)
        #expect(rows.layout == .sampleRows && features.layout == .featureRows)
        let transposed = Matrix(rows: rows.rows, columns: rows.columns)
        transposed.store(rows, as: .featureRows)
        #expect(firstBitDifference(features.values, transposed.values) == nil)
        let back = Matrix(rows: rows.rows, columns: rows.columns)
        back.store(features, as: .sampleRows)
        #expect(firstBitDifference(back.values, rows.values) == nil)
    }

    /// An MLP takes its batch and gives its logits in feature rows, and its dense layers pass
    /// feature rows between them; a convolutional model takes and gives sample rows, its
    /// convolutions pass channel rows to each other, and a reshape between a dense layer and a
    /// convolution is where sample rows are used. Nobody told the layers: `Sequential` asked them.
    @Test func layoutsArePlannedFromWhatLayersTakeAndGive() {
        let mlp = VAE(spec: ModelSpec(encoder: [8, 6], latent: 2, decoder: [8], imageHeight: 4, imageWidth: 4))
        #expect(mlp.inputLayout == .featureRows && mlp.logitLayout == .featureRows)
        #expect(mlp.encoder.layouts == [.featureRows, .featureRows, .sampleRows])
        #expect(mlp.decoder.inputLayout == .sampleRows && mlp.decoder.layouts == [.featureRows, .featureRows])
        let conv = VAE(spec: ModelSpec(kind: .conv, encoder: [4, 8], latent: 2, decoder: [8, 4]))
        #expect(conv.inputLayout == .sampleRows && conv.logitLayout == .sampleRows)
        // Conv, conv, flatten, dense: channel rows between the two convolutions only.
        #expect(conv.encoder.layouts == [.channelRows(channels: 4, plane: 13 * 13), .sampleRows, .sampleRows, .sampleRows])
        // Dense, reshape, three transposed convolutions.
        #expect(conv.decoder.layouts == [.sampleRows, .sampleRows, .channelRows(channels: 8, plane: 14 * 14),
                                         .channelRows(channels: 4, plane: 28 * 28), .sampleRows])
    }

    /// A batch handed to a layer in a layout it does not take stops the process with a message,
    /// instead of being read from the wrong places.
    @Test func aLayerStopsOnALayoutItDoesNotTake() async {
        await #expect(processExitsWith: .failure) {
            let reshape = Reshape(inputShape: [4], outputShape: [2, 2])
            let batch = Matrix(rows: 3, columns: 4)
            batch.layout = .featureRows
            _ = reshape.forward(batch, giving: .sampleRows, context: .singleThread)
        }
    }

    /// A training step on a batch given feature-major (as training loads it) is bit for bit
    /// the step on the same batch given sample-major, which the model transposes itself; for
    /// every reconstruction loss, on a batch that is not a multiple of eight.
    @Test(arguments: ReconstructionLoss.allCases)
    func stepOnFeatureRowsIsTheStepOnSampleRows(loss: ReconstructionLoss) {
        let spec = ModelSpec(encoder: [96], latent: 4, decoder: [96])
        let batch = 29
        let images = Matrix(rows: batch, columns: spec.pixels, values: Self.values(batch * spec.pixels, seed: 3).map { $0 + 0.5 })
        let imagesInFeatureRows = Matrix(rows: batch, columns: spec.pixels)
        imagesInFeatureRows.store(images, as: .featureRows)
        let objective = Objective(reconstruction: loss)
        func step(_ input: Matrix) -> (LossTotals, [[Float]]) {
            let model = VAE(spec: spec, context: Self.context)
            model.initialize(seed: 11)
            var noise = RandomStream(seed: 11, purpose: "noise", index: 1)
            let totals = model.trainingStep(images: input, objective: objective) {
                noise.fillGaussian($0, count: $1)
            }
            return (totals, model.parameters.map(\.gradient.values))
        }
        let (sampleTotals, sampleGradients) = step(images)
        let (featureTotals, featureGradients) = step(imagesInFeatureRows)
        #expect(sampleTotals.total.bitPattern == featureTotals.total.bitPattern)
        for (a, b) in zip(sampleGradients, featureGradients) { #expect(firstBitDifference(a, b) == nil) }
    }

    /// The reconstruction loss over feature-major logits, cut into the threads' stripes of
    /// pixels and added image by image, is the sum of every pixel's term: checked against a
    /// sum in doubles from the decoded probabilities (with ε = 0, z is the posterior mean).
    @Test(arguments: ReconstructionLoss.allCases)
    func featureRowsLossIsTheSumOfEveryPixel(loss: ReconstructionLoss) {
        let model = VAE(spec: ModelSpec(encoder: [64], latent: 3, decoder: [64]), context: Self.context)
        model.initialize(seed: 4)
        let batch = 29
        let images = Matrix(rows: batch, columns: 28 * 28, values: Self.values(batch * 28 * 28, seed: 8).map { $0 + 0.5 })
        let totals = model.loss(images: images, objective: Objective(reconstruction: loss)) { buffer, count in
            buffer.update(repeating: 0, count: count)
        }
        let probabilities = model.decodeProbabilities(model.encodeMeans(images)).values
        var expected = 0.0
        for (p, x) in zip(probabilities.map(Double.init), images.values.map(Double.init)) {
            switch loss {
            case .bce: expected += -(x * log(p) + (1 - x) * log(1 - p))
            case .bceClipped:
                let clipped = min(max(p, 1e-7), 1 - 1e-7)
                expected += -(x * log(clipped) + (1 - x) * log(1 - clipped))
            case .mse: expected += (p - x) * (p - x)
            }
        }
        let error = abs(totals.reconstruction - expected) / expected
        #expect(error < 2e-5, "\(totals.reconstruction) against \(expected)")
    }

    /// With thread copies each thread converts the whole batch for itself; every copy holds the
    /// batch bit for bit, and a training step whose first layer and loss read the copies is the
    /// step on the batch alone. The sizes make the first layer's products and the loss cut.
    @Test func stepOnThreadCopiesIsTheStepOnTheBatch() {
        let (side, count) = (28, 40)
        var pixels = [UInt8](repeating: 0, count: count * side * side)
        for i in pixels.indices { pixels[i] = UInt8(truncatingIfNeeded: i &* 2_654_435_761 >> 11) }
        let data = ImageDataset(name: "t", width: side, height: side, pixels: pixels,
                                labels: [UInt8](repeating: 0, count: count), classNames: ["0"])
        let indices = Array(3..<32)
        let copied = Matrix(rows: 0, columns: side * side), alone = Matrix(rows: 0, columns: side * side)
        BatchLoader.load(data, indices: indices[...], into: copied, layout: .featureRows, threadCopies: true,
                         context: Self.context)
        BatchLoader.load(data, indices: indices[...], into: alone, layout: .featureRows, context: Self.context)
        #expect(copied.threadCopies.count == 1)
        let spec = ModelSpec(encoder: [96], latent: 4, decoder: [96])
        func step(_ batch: Matrix) -> (Double, [[Float]]) {
            let model = VAE(spec: spec, context: Self.context)
            model.initialize(seed: 12)
            var noise = RandomStream(seed: 12, purpose: "noise", index: 1)
            let totals = model.trainingStep(images: batch, objective: Objective()) {
                noise.fillGaussian($0, count: $1)
            }
            return (totals.total, model.parameters.map(\.gradient.values))
        }
        let (copiedTotal, copiedGradients) = step(copied)
        let (aloneTotal, aloneGradients) = step(alone)
        #expect(copiedTotal.bitPattern == aloneTotal.bitPattern)
        for (a, b) in zip(copiedGradients, aloneGradients) { #expect(firstBitDifference(a, b) == nil) }
    }
}
