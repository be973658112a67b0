import Foundation
import Testing
import VAEEngine

/// The residual block `y = x + W₂ · act(W₁ · x + b₁) + b₂`: its outputs and gradients, its
/// place and names in an MLP VAE, and a VAE with blocks training, saving and loading.
@Suite struct ResidualBlockTests {
    static func block(width: Int = 5, activation: Activation) -> ResidualBlock {
        let block = ResidualBlock(width: width, activation: activation, initializer: .glorot(.uniform), name: "encoder.1")
        ConvolutionTests.prepare(block)
        return block
    }

    @Test("forward is x + W₂ · act(W₁ · x + b₁) + b₂, computed directly")
    func forwardMatchesTheFormula() {
        let block = Self.block(activation: .tanh)
        let input = ConvolutionTests.randomMatrix(rows: 3, columns: 5, seed: 4, purpose: "input")
        let output = block.forward(input, giving: .sampleRows, context: ConvolutionTests.context).values
        let (w1, b1) = (block.first.weight.value.values, block.first.bias.value.values)
        let (w2, b2) = (block.second.weight.value.values, block.second.bias.value.values)
        /// `bias + W · v` for a 5 × 5 `W`, in doubles.
        func affine(_ w: [Float], _ bias: [Float], _ v: [Double]) -> [Double] {
            (0..<5).map { o in
                var sum = Double(bias[o])
                for i in 0..<5 { sum += Double(w[o * 5 + i]) * v[i] }
                return sum
            }
        }
        for row in 0..<3 {
            let x: [Double] = (0..<5).map { Double(input.data[row * 5 + $0]) }
            let h: [Double] = affine(w1, b1, x).map { tanh($0) }
            let correction = affine(w2, b2, h)
            for o in 0..<5 {
                #expect(abs(Double(output[row * 5 + o]) - (x[o] + correction[o])) < 1e-5, "row \(row), feature \(o)")
            }
        }
    }

    @Test("weights, biases and input gradients match finite differences", arguments: ConvolutionTests.activations)
    func gradientsMatchFiniteDifferences(activation: Activation) {
        let block = Self.block(activation: activation)
        let input = ConvolutionTests.randomMatrix(rows: 4, columns: 5, seed: 8, purpose: "input")
        let mismatch = ConvolutionTests.worstMismatch(block, input: input, activation: activation)
        #expect(mismatch == nil, "\(activation): \(mismatch ?? "")")
    }

    @Test("backward leaves its output gradient as it was: the skip connection reads it after the inner layers")
    func backwardKeepsTheOutputGradient() {
        let block = Self.block(activation: .relu)
        let input = ConvolutionTests.randomMatrix(rows: 4, columns: 5, seed: 8, purpose: "input")
        _ = block.forward(input, giving: .sampleRows, context: ConvolutionTests.context)
        let gradient = ConvolutionTests.randomMatrix(rows: 4, columns: 5, seed: 9, purpose: "dy")
        let before = gradient.values
        _ = block.backward(gradient, computeInputGradient: true, context: ConvolutionTests.context)
        #expect(gradient.values == before)
        // Without the input gradient the parameter gradients are the same.
        let weights = block.parameters.map(\.gradient.values)
        #expect(block.backward(gradient, computeInputGradient: false, context: ConvolutionTests.context) == nil)
        #expect(block.parameters.map(\.gradient.values) == weights)
    }

    /// In an MLP the block sits between dense layers in feature rows, its ends and its inside
    /// alike; on its own, in sample rows. Both give the same values, and on two threads the
    /// widths here cut every product of its two inner layers.
    @Test("between dense layers the block works in feature rows, with the values it gives in sample rows")
    func featureRowsBetweenDenseLayersMatchSampleRows() {
        func stack() -> [Layer] {
            [Dense(inputSize: 40, outputSize: 96, activation: .relu, name: "d.0"),
             ResidualBlock(width: 96, activation: .elu, name: "d.1"),
             Dense(inputSize: 96, outputSize: 24, name: "d.2")]
        }
        let (linkedLayers, alone) = (stack(), stack())
        for (index, (a, b)) in zip(linkedLayers, alone).enumerated() {
            ConvolutionTests.prepare(a, seed: UInt64(index))
            ConvolutionTests.prepare(b, seed: UInt64(index))
        }
        let linked = Sequential(linkedLayers, inputs: [.sampleRows], outputs: [.sampleRows])
        #expect(linked.layouts == [.featureRows, .featureRows, .sampleRows])
        let context = ComputeContext(threads: 2)
        let input = ConvolutionTests.randomMatrix(rows: 33, columns: 40, seed: 2, purpose: "x")
        let gradient = ConvolutionTests.randomMatrix(rows: 33, columns: 24, seed: 3, purpose: "dy")
        let output = linked.forward(input, context: context).values
        let inputGradient = linked.backward(Matrix(rows: 33, columns: 24, values: gradient.values),
                                            computeInputGradient: true, context: context)!.values
        var current = input
        for layer in alone { current = layer.forward(current, giving: .sampleRows, context: context) }
        var upstream = Matrix(rows: 33, columns: 24, values: gradient.values)
        for layer in alone.reversed() { upstream = layer.backward(upstream, computeInputGradient: true, context: context)! }
        func close(_ a: [Float], _ b: [Float]) -> Bool { zip(a, b).allSatisfy { abs($0 - $1) <= 1e-5 * max(1, abs($1)) } }
        #expect(close(output, current.values))
        #expect(close(inputGradient, upstream.values))
        for (a, b) in zip(linkedLayers, alone) {
            for (p, q) in zip(a.parameters, b.parameters) { #expect(close(p.gradient.values, q.gradient.values), "\(p.name)") }
        }
    }

    @Test("the block draws its first layer's weights, then its second's, from its one stream")
    func initializationDrawsFirstThenSecond() {
        let block = ResidualBlock(width: 4, activation: .relu, initializer: .he(.normal), name: "b")
        var stream = RandomStream(seed: 3, purpose: "init")
        block.initialize(stream: &stream)
        let first = Dense(inputSize: 4, outputSize: 4, activation: .relu, initializer: .he(.normal), name: "b.0")
        let second = Dense(inputSize: 4, outputSize: 4, initializer: .he(.normal), name: "b.1")
        var reference = RandomStream(seed: 3, purpose: "init")
        first.initialize(stream: &reference)
        second.initialize(stream: &reference)
        #expect(block.parameters.map(\.value.values) == (first.parameters + second.parameters).map(\.value.values))
    }

    // MARK: In a VAE

    static let spec = ModelSpec(encoder: [6, 5], latent: 3, decoder: [5], activation: .tanh,
                                imageHeight: 4, imageWidth: 5, residualBlocks: 2)

    @Test("blocks follow every hidden layer, named by position as in an nn.Sequential")
    func namesFollowPositions() {
        let model = VAE(spec: Self.spec)
        #expect(model.encoder.layers.map(\.kind) == ["Dense (tanh)", "Residual (tanh)", "Residual (tanh)",
                                                     "Dense (tanh)", "Residual (tanh)", "Residual (tanh)", "Dense"])
        #expect(model.decoder.layers.map(\.kind) == ["Dense (tanh)", "Residual (tanh)", "Residual (tanh)", "Dense"])
        let names = model.parameters.map(\.name)
        #expect(names.prefix(10) == ["encoder.0.weight", "encoder.0.bias",
                                     "encoder.1.0.weight", "encoder.1.0.bias", "encoder.1.1.weight", "encoder.1.1.bias",
                                     "encoder.2.0.weight", "encoder.2.0.bias", "encoder.2.1.weight", "encoder.2.1.bias"])
        #expect(names.contains("encoder.6.weight") && names.contains("decoder.3.bias"))
        #expect(model.parameters.first { $0.name == "decoder.1.1.weight" }?.shape == [5, 5])
        // Without blocks, the names are the plain MLP's.
        var plain = Self.spec
        plain.residualBlocks = 0
        #expect(VAE(spec: plain).parameters.map(\.name) == ["encoder.0.weight", "encoder.0.bias", "encoder.1.weight",
                                                            "encoder.1.bias", "encoder.2.weight", "encoder.2.bias",
                                                            "decoder.0.weight", "decoder.0.bias", "decoder.1.weight",
                                                            "decoder.1.bias"])
    }

    @Test("a VAE with a residual block trains: finite losses that fall")
    func aResidualVAETrains() throws {
        let data = TrainingDeterminismTests.syntheticDataset(count: 128, seed: 1)
        let spec = ModelSpec(encoder: [32], latent: 2, decoder: [32], imageHeight: 8, imageWidth: 8, residualBlocks: 1)
        let model = VAE(spec: spec)
        model.initialize(seed: 5)
        let trainer = Trainer(model: model, seed: 5)
        let records = try trainer.train(TrainingPlan(epochs: 4, batchSize: 32, optimizer: .adam(learningRate: 3e-3)),
                                        on: data, test: data.prefix(64))
        #expect(records.allSatisfy { $0.train.isFinite && ($0.test?.isFinite ?? false) })
        #expect(records.last!.train < records.first!.train)
        #expect(records.last!.test! < records.first!.test!)
    }

    @Test("the memory estimate counts the blocks' weights, gradients and optimizer slots")
    func memoryEstimateCountsTheBlocks() {
        let estimate = MemoryEstimate(spec: Self.spec, batch: 16, optimizerSlots: 2)
        let parameters = VAE(spec: Self.spec).parameterCount
        #expect(estimate.weightBytes == 4 * parameters)
        #expect(estimate.gradientBytes == 4 * parameters)
        #expect(estimate.optimizerBytes == 8 * parameters)
        var plain = Self.spec
        plain.residualBlocks = 0
        // Per block of width d: two layers' outputs and input gradients, and the block's own.
        let blockFloats = 2 * 6 * (6 + 5 + 5)
        #expect(estimate.activationBytes == MemoryEstimate(spec: plain, batch: 16, optimizerSlots: 2).activationBytes
            + 4 * 16 * blockFloats)
    }

    @Test("a checkpoint of a residual VAE loads back bit for bit, and one without blocks does not fit it")
    func checkpointRoundTrip() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("residual-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let saved = SafetensorsTests.model(Self.spec, seed: 1), fresh = SafetensorsTests.model(Self.spec, seed: 2)
        let url = folder.appendingPathComponent("vae.ckpt")
        try Checkpoint.save(saved, to: url)
        #expect(try Checkpoint.header(at: url).spec == Self.spec)
        try Checkpoint.load(into: fresh, from: url)
        #expect(fresh.parameterValues == saved.parameterValues)

        var plain = Self.spec
        plain.residualBlocks = 0
        #expect {
            try Checkpoint.load(into: VAE(spec: plain), from: url)
        } throws: { error in
            let message = "\(error)"
            return message.contains("20-[6,5]-3-[5]-20 with 2 residual blocks per hidden layer")
                && message.contains("first differing parameter encoder.1.0.weight: [6, 6] in the file, absent in the model")
        }
    }

    @Test("specs without residual blocks encode as before, and old specs decode with none")
    func specJSONIsUnchangedWithoutBlocks() throws {
        let spec = ModelSpec(encoder: [400, 12], latent: 20, decoder: [400], activation: .elu, initializer: .glorot(.uniform))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // The bytes engines before residual blocks wrote (checkpoint headers, safetensors metadata).
        let old = #"{"activation":"elu","decoder":[400],"encoder":[400,12],"imageChannels":1,"imageHeight":28,"#
            + #""imageWidth":28,"initializer":{"glorot":{"_0":"uniform"}},"kernel":3,"kind":"mlp","latent":20,"stride":2}"#
        #expect(String(decoding: try encoder.encode(spec), as: UTF8.self) == old)
        #expect(try JSONDecoder().decode(ModelSpec.self, from: Data(old.utf8)) == spec)
        var residual = spec
        residual.residualBlocks = 3
        let json = String(decoding: try encoder.encode(residual), as: UTF8.self)
        #expect(json.contains(#""residualBlocks":3"#))
        #expect(try JSONDecoder().decode(ModelSpec.self, from: Data(json.utf8)) == residual)
    }
}

extension ResidualBlockTests {
    @Test("a safetensors file of a plain MLP names the first block tensor it lacks")
    func safetensorsOfAPlainModelDoesNotFit() throws {
        var plain = Self.spec
        plain.residualBlocks = 0
        let plainModel = SafetensorsTests.model(plain, seed: 1)
        let data = SafetensorsFile.encode(plainModel, metadata: SafetensorsFile.metadata(for: plainModel))
        let header = try SafetensorsFile.header(of: data, path: "plain.safetensors")
        let error = SafetensorsFile.mismatch(header, model: VAE(spec: Self.spec).parameters, modelSpec: Self.spec,
                                             path: "plain.safetensors")
        let message = try #require(error).description
        #expect(message.contains("an MLP VAE 20-[6,5]-3-[5]-20 with 2 residual blocks per hidden layer"))
        #expect(message.contains("tensor encoder.1.0.weight is absent in the file, [6, 6] in the model"))
    }
}
