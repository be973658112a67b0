import Testing
import VAEEngine

/// Training is a pure function of the seed and the data: the same inputs give bit-identical weights.
@Suite struct TrainingDeterminismTests {
    static func syntheticDataset(count: Int, seed: UInt64) -> ImageDataset {
        var stream = RandomStream(seed: seed, purpose: "synthetic")
        // Bars of varying position: enough structure for the loss to fall.
        var pixels: [UInt8] = []
        var labels: [UInt8] = []
        for _ in 0..<count {
            let bar = stream.nextInt(below: 8)
            for row in 0..<8 {
                for column in 0..<8 {
                    let on = column == bar || row == bar
                    pixels.append(on ? UInt8(200 + stream.nextInt(below: 56)) : UInt8(stream.nextInt(below: 30)))
                }
            }
            labels.append(UInt8(bar))
        }
        return ImageDataset(name: "bars", width: 8, height: 8, pixels: pixels, labels: labels,
                            classNames: (0..<8).map { "bar \($0)" })
    }

    static func train(seed: UInt64, epochs: Int = 3) throws -> (weights: [[Float]], records: [EpochRecord]) {
        let data = syntheticDataset(count: 256, seed: 1)
        let spec = ModelSpec(encoder: [32], latent: 2, decoder: [32], imageHeight: 8, imageWidth: 8)
        let model = VAE(spec: spec)
        model.initialize(seed: seed)
        let trainer = Trainer(model: model, seed: seed)
        let records = try trainer.train(TrainingPlan(epochs: epochs, batchSize: 32, optimizer: .adam(learningRate: 3e-3)),
                                        on: data, test: data.prefix(64))
        return (model.parameters.map(\.value.values), records)
    }

    @Test func sameSeedGivesBitIdenticalWeights() throws {
        let first = try Self.train(seed: 5)
        let second = try Self.train(seed: 5)
        #expect(first.weights == second.weights)
        #expect(first.records.map(\.train) == second.records.map(\.train))
    }

    @Test func differentSeedGivesDifferentWeights() throws {
        #expect(try Self.train(seed: 5).weights != Self.train(seed: 6).weights)
    }

    @Test func lossDecreasesAcrossEpochs() throws {
        let records = try Self.train(seed: 5, epochs: 6).records
        #expect(records.last!.train < records.first!.train)
        #expect(records.last!.test! < records.first!.test!)
    }

    /// Updating each layer as soon as back-propagation leaves it (as training does) gives the
    /// same bits as one update of everything after the whole backward pass, for every
    /// optimizer and both model kinds; every parameter is updated exactly once per step.
    @Test(arguments: [OptimizerSpec.adam(learningRate: 3e-3), .sgd(learningRate: 0.05, momentum: 0.9),
                      .rmsprop(learningRate: 1e-3)],
          [ModelSpec.Kind.mlp, .conv])
    func layerByLayerUpdatesMatchOneUpdateAfterBackward(optimizer spec: OptimizerSpec, kind: ModelSpec.Kind) {
        let data = Self.syntheticDataset(count: 32, seed: 2)
        let batch = BatchLoader.matrix(data, indices: Array(0..<32))
        let modelSpec = kind == .mlp
            ? ModelSpec(encoder: [16], latent: 2, decoder: [16], imageHeight: 8, imageWidth: 8)
            : ModelSpec(kind: .conv, encoder: [4, 8], latent: 2, decoder: [8, 4], imageHeight: 8, imageWidth: 8)
        func run(layerByLayer: Bool) -> (weights: [[Float]], updates: [Int]) {
            let model = VAE(spec: modelSpec)
            model.initialize(seed: 9)
            let optimizer = spec.make(for: model.parameters, context: model.context)
            var updates = Array(repeating: 0, count: model.parameters.count)
            for step in 0..<3 {
                var noise = RandomStream(seed: 9, purpose: "noise", index: UInt64(step))
                if layerByLayer {
                    optimizer.beginStep()
                    _ = model.trainingStep(images: batch, objective: Objective(),
                                           layerFinished: { range in
                                               for index in range { updates[index] += 1 }
                                               optimizer.update(parameters: range)
                                           }) { noise.fillGaussian($0, count: $1) }
                } else {
                    _ = model.trainingStep(images: batch, objective: Objective()) { noise.fillGaussian($0, count: $1) }
                    optimizer.step()
                }
            }
            return (model.parameters.map(\.value.values), updates)
        }
        let whole = run(layerByLayer: false), byLayer = run(layerByLayer: true)
        #expect(whole.weights.map { $0.map(\.bitPattern) } == byLayer.weights.map { $0.map(\.bitPattern) })
        #expect(byLayer.updates.allSatisfy { $0 == 3 }, "\(byLayer.updates)")
    }

    @Test func divergenceStopsWithTheStep() throws {
        let data = Self.syntheticDataset(count: 64, seed: 1)
        let model = VAE(spec: ModelSpec(encoder: [16], latent: 2, decoder: [16], imageHeight: 8, imageWidth: 8))
        model.initialize(seed: 1)
        let trainer = Trainer(model: model, seed: 1)
        #expect(throws: DivergenceError.self) {
            _ = try trainer.train(TrainingPlan(epochs: 5, batchSize: 16, optimizer: .sgd(learningRate: 1e9)),
                                  on: data, test: nil)
        }
    }
}
