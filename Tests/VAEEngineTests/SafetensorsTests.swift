import Foundation
import Testing
import VAEEngine

/// Weights in the safetensors format: read back by a reader written here from the format's
/// specification, written here the way `safetensors.torch.save_file` writes them, and every
/// damaged file refused with its name (and the tensor's) in the message.
@Suite struct SafetensorsTests {
    // MARK: Models

    static let mlpSpec = ModelSpec(encoder: [6, 5], latent: 3, decoder: [5], activation: .tanh,
                                   imageHeight: 4, imageWidth: 5)
    /// The MLP with two residual blocks after each hidden layer (`encoder.1.0.weight`, …).
    static let residualSpec = ModelSpec(encoder: [6, 5], latent: 3, decoder: [5], activation: .tanh,
                                        imageHeight: 4, imageWidth: 5, residualBlocks: 2)
    /// 1×8×8 images: convolutions 8 → 3 → 1, a 2×2×2 seed, transposed convolutions 2 → 4 → 8.
    static let convSpec = ModelSpec(kind: .conv, encoder: [4, 3], latent: 2, decoder: [3, 2], activation: .elu,
                                    imageHeight: 8, imageWidth: 8)

    static func model(_ spec: ModelSpec, seed: UInt64) -> VAE {
        let model = VAE(spec: spec)
        model.initialize(seed: seed)
        // Non-zero biases, so a bias read from the wrong place is noticed.
        for (index, parameter) in model.parameters.enumerated() {
            for i in 0..<parameter.count { parameter.value.data[i] += Float(index + 1) * 0.01 * Float(i % 5) - 0.02 }
        }
        return model
    }

    /// Fixed images in 0...1, `count × pixels`.
    static func images(_ spec: ModelSpec, count: Int) -> Matrix {
        Matrix(rows: count, columns: spec.pixels,
               values: (0..<(count * spec.pixels)).map { Float(($0 * 37 + 11) % 101) / 100 })
    }

    static func latentPoints(_ spec: ModelSpec, count: Int) -> Matrix {
        Matrix(rows: count, columns: spec.latent,
               values: (0..<(count * spec.latent)).map { Float(($0 * 53 + 7) % 41) / 10 - 2 })
    }

    static func temporaryFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("safetensors-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    static func bits(_ matrix: Matrix) -> [UInt32] { matrix.values.map(\.bitPattern) }

    // MARK: A reader from the specification

    /// A tensor as the specification describes it.
    struct SpecTensor {
        var shape: [Int]
        var values: [Float]
        var begin: Int
    }

    /// Reads a file as the format's specification says: 8 bytes little-endian header length N,
    /// N bytes of JSON, then the data; checks what our writer promises on the way (8-byte
    /// alignment with spaces, F32 only, tensors back to back in name order covering the data).
    static func specRead(_ bytes: [UInt8]) throws -> (metadata: [String: String], tensors: [String: SpecTensor]) {
        try #require(bytes.count >= 8)
        let n = (0..<8).reduce(0) { $0 | Int(bytes[$1]) << (8 * $1) }
        try #require(8 + n <= bytes.count)
        #expect((8 + n) % 8 == 0, "the data starts 8-byte aligned")
        let headerBytes = Array(bytes[8..<(8 + n)])
        let text = try #require(String(bytes: headerBytes, encoding: .utf8))
        let trimmed = text.replacingOccurrences(of: " +$", with: "", options: .regularExpression)
        #expect(trimmed.hasSuffix("}"), "only spaces after the JSON")
        #expect(trimmed.hasPrefix("{\"__metadata__\":"), "metadata first, as the reference writer puts it")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(headerBytes)) as? [String: Any])
        let metadata = try #require(object["__metadata__"] as? [String: String])
        var tensors: [String: SpecTensor] = [:]
        let data = Array(bytes[(8 + n)...])
        for (name, value) in object where name != "__metadata__" {
            let entry = try #require(value as? [String: Any])
            #expect(entry["dtype"] as? String == "F32")
            let shape = try #require(entry["shape"] as? [Int])
            let offsets = try #require(entry["data_offsets"] as? [Int])
            try #require(offsets.count == 2 && offsets[0] <= offsets[1] && offsets[1] <= data.count)
            let count = shape.reduce(1, *)
            #expect(offsets[1] - offsets[0] == 4 * count)
            let values = (0..<count).map { index -> Float in
                let at = offsets[0] + 4 * index
                return Float(bitPattern: UInt32(data[at]) | UInt32(data[at + 1]) << 8 | UInt32(data[at + 2]) << 16
                             | UInt32(data[at + 3]) << 24)
            }
            tensors[name] = SpecTensor(shape: shape, values: values, begin: offsets[0])
        }
        // Back to back from 0 to the end, in name order (all tensors are F32).
        let byOffset = tensors.sorted { $0.value.begin < $1.value.begin }
        #expect(byOffset.map(\.key) == tensors.keys.sorted())
        var end = 0
        for (_, tensor) in byOffset {
            #expect(tensor.begin == end)
            end = tensor.begin + 4 * tensor.values.count
        }
        #expect(end == data.count)
        return (metadata, tensors)
    }

    // MARK: The networks computed from the file's tensors, in PyTorch's conventions

    static func activate(_ x: Float, _ activation: Activation) -> Float {
        var value = x
        activation.apply(&value, count: 1)
        return value
    }

    /// `nn.Linear`: y = W x + b with W `[out, in]`.
    static func linear(_ x: [Float], _ t: [String: SpecTensor], _ name: String) -> [Float] {
        let weight = t[name + ".weight"]!, bias = t[name + ".bias"]!
        let (outputs, inputs) = (weight.shape[0], weight.shape[1])
        return (0..<outputs).map { o in
            var sum = bias.values[o]
            for i in 0..<inputs { sum += weight.values[o * inputs + i] * x[i] }
            return sum
        }
    }

    /// `nn.Conv2d(padding=0)`: W `[out, in, k, k]`, x `[in, h, w]` channel-major.
    static func conv2d(_ x: [Float], shape: [Int], _ t: [String: SpecTensor], _ name: String, stride: Int) -> ([Float], [Int]) {
        let weight = t[name + ".weight"]!, bias = t[name + ".bias"]!
        let (outputs, inputs, k) = (weight.shape[0], weight.shape[1], weight.shape[2])
        let (h, w) = (shape[1], shape[2])
        let (oh, ow) = ((h - k) / stride + 1, (w - k) / stride + 1)
        var y = [Float](repeating: 0, count: outputs * oh * ow)
        for o in 0..<outputs {
            for oy in 0..<oh {
                for ox in 0..<ow {
                    var sum = bias.values[o]
                    for c in 0..<inputs {
                        for ky in 0..<k {
                            for kx in 0..<k {
                                sum += weight.values[((o * inputs + c) * k + ky) * k + kx]
                                    * x[(c * h + stride * oy + ky) * w + stride * ox + kx]
                            }
                        }
                    }
                    y[(o * oh + oy) * ow + ox] = sum
                }
            }
        }
        return (y, [outputs, oh, ow])
    }

    /// `nn.ConvTranspose2d(padding=0)` cropped to `stride ·` the input, from `⌊max(k − s, 0) / 2⌋`:
    /// Keras' `padding="same"`. W `[in, out, k, k]`.
    static func convTranspose2d(_ x: [Float], shape: [Int], _ t: [String: SpecTensor], _ name: String,
                                stride: Int) -> ([Float], [Int]) {
        let weight = t[name + ".weight"]!, bias = t[name + ".bias"]!
        let (inputs, outputs, k) = (weight.shape[0], weight.shape[1], weight.shape[2])
        let (h, w) = (shape[1], shape[2])
        let (oh, ow) = (h * stride, w * stride)
        let crop = max(k - stride, 0) / 2
        var y = [Float](repeating: 0, count: outputs * oh * ow)
        for o in 0..<outputs {
            for p in 0..<(oh * ow) { y[o * oh * ow + p] = bias.values[o] }
        }
        for i in 0..<inputs {
            for iy in 0..<h {
                for ix in 0..<w {
                    let value = x[(i * h + iy) * w + ix]
                    for o in 0..<outputs {
                        for ky in 0..<k {
                            for kx in 0..<k {
                                let (yy, xx) = (stride * iy + ky - crop, stride * ix + kx - crop)
                                guard yy >= 0, yy < oh, xx >= 0, xx < ow else { continue }
                                y[(o * oh + yy) * ow + xx] += weight.values[((i * outputs + o) * k + ky) * k + kx] * value
                            }
                        }
                    }
                }
            }
        }
        return (y, [outputs, oh, ow])
    }

    /// Posterior means and decoder logits of the PyTorch module docs/interop.md describes,
    /// computed from the file's tensors alone.
    static func reference(_ spec: ModelSpec, _ t: [String: SpecTensor], image: [Float], z: [Float]) -> (mean: [Float], logits: [Float]) {
        let act = { (v: [Float]) in v.map { activate($0, spec.activation) } }
        switch spec.kind {
        case .mlp:
            // nn.Linear and activation per hidden layer, each followed by `residualBlocks` blocks
            // `x + self[1](act(self[0](x)))`, then nn.Linear; modules numbered by position.
            func network(_ x: [Float], hidden: Int, _ name: String) -> [Float] {
                var (h, position) = (x, 0)
                for _ in 0..<hidden {
                    h = act(linear(h, t, "\(name).\(position)"))
                    position += 1
                    for _ in 0..<spec.residualBlocks {
                        let correction = linear(act(linear(h, t, "\(name).\(position).0")), t, "\(name).\(position).1")
                        h = zip(h, correction).map { $0 + $1 }
                        position += 1
                    }
                }
                return linear(h, t, "\(name).\(position)")
            }
            let moments = network(image, hidden: spec.encoder.count, "encoder")
            return (Array(moments[0..<spec.latent]), network(z, hidden: spec.decoder.count, "decoder"))
        case .conv:
            var (h, shape) = (image, [spec.imageChannels, spec.imageHeight, spec.imageWidth])
            for index in 0..<spec.encoder.count {
                let (y, s) = conv2d(h, shape: shape, t, "encoder.\(index)", stride: spec.stride)
                (h, shape) = (act(y), s)
            }
            // encoder.N is nn.Flatten: channel-major, as `x.flatten(1)`.
            let moments = linear(h, t, "encoder.\(spec.encoder.count + 1)")
            var d = act(linear(z, t, "decoder.0"))
            let side = spec.imageHeight / Int(pow(Double(spec.stride), Double(spec.decoder.count)))
            shape = [spec.decoder.last!, side, side]   // decoder.1 is nn.Unflatten
            for index in 0..<spec.decoder.count {
                let (y, s) = convTranspose2d(d, shape: shape, t, "decoder.\(index + 2)", stride: spec.stride)
                (d, shape) = (act(y), s)
            }
            let (logits, _) = convTranspose2d(d, shape: shape, t, "decoder.\(spec.decoder.count + 2)", stride: 1)
            return (Array(moments[0..<spec.latent]), logits)
        }
    }

    // MARK: Our files, read from the specification

    @Test(arguments: [mlpSpec, convSpec, residualSpec])
    func ourFileReadFromTheSpecificationComputesTheEngineOutputs(_ spec: ModelSpec) throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = Self.model(spec, seed: 5)
        let url = folder.appendingPathComponent("vae.safetensors")
        try WeightsFormat(path: url.path).save(model, to: url, metadata: ["likelihood": "bce"])
        let (metadata, tensors) = try Self.specRead(Array(try Data(contentsOf: url)))

        #expect(metadata["format"] == "pt")
        #expect(metadata["engine_version"] == EngineInfo.version)
        #expect(metadata["likelihood"] == "bce")
        #expect(metadata["model"]?.hasPrefix("model \(spec.kind.rawValue) encoder=") == true)
        let architecture = try JSONDecoder().decode(ModelSpec.self, from: Data(try #require(metadata["architecture"]).utf8))
        #expect(architecture == spec)
        // Names and shapes are the parameters', which follow PyTorch's conventions.
        #expect(Set(tensors.keys) == Set(model.parameters.map(\.name)))
        for parameter in model.parameters { #expect(tensors[parameter.name]?.shape == parameter.shape, "\(parameter.name)") }
        if spec.residualBlocks > 0 {
            #expect(tensors["encoder.0.weight"]?.shape == [6, 20])
            #expect(tensors["encoder.1.0.weight"]?.shape == [6, 6])      // the first block's first nn.Linear(6, 6)
            #expect(tensors["encoder.2.1.bias"]?.shape == [6])           // the second block's second
            #expect(tensors["encoder.6.weight"]?.shape == [6, 5])        // to μ and log σ²
            #expect(tensors["decoder.3.weight"]?.shape == [20, 5])
            #expect(metadata["model"]?.hasSuffix(" residual=2") == true)
        } else if spec.kind == .mlp {
            #expect(tensors["encoder.0.weight"]?.shape == [6, 20])       // nn.Linear(20, 6): [out, in]
            #expect(tensors["encoder.2.weight"]?.shape == [6, 5])        // to μ and log σ²
            #expect(tensors["decoder.1.weight"]?.shape == [20, 5])
        } else {
            #expect(tensors["encoder.0.weight"]?.shape == [4, 1, 3, 3])  // nn.Conv2d(1, 4, 3): [out, in, k, k]
            #expect(tensors["encoder.3.weight"]?.shape == [4, 3])        // after nn.Flatten at encoder.2
            #expect(tensors["decoder.0.weight"]?.shape == [8, 2])        // to 2×2×2
            #expect(tensors["decoder.2.weight"]?.shape == [2, 3, 3, 3])  // nn.ConvTranspose2d(2, 3, 3): [in, out, k, k]
            #expect(tensors["decoder.4.weight"]?.shape == [2, 1, 3, 3])
        }

        let images = Self.images(spec, count: 3), points = Self.latentPoints(spec, count: 3)
        let means = model.encodeMeans(images), logits = model.decodeLogits(points)
        for row in 0..<3 {
            let image = Array(images.values[(row * spec.pixels)..<((row + 1) * spec.pixels)])
            let z = Array(points.values[(row * spec.latent)..<((row + 1) * spec.latent)])
            let expected = Self.reference(spec, tensors, image: image, z: z)
            let mean = Array(means.values[(row * spec.latent)..<((row + 1) * spec.latent)])
            let logit = Array(logits.values[(row * spec.pixels)..<((row + 1) * spec.pixels)])
            for (a, b) in zip(mean, expected.mean) { #expect(abs(a - b) <= 1e-5 * max(1, abs(b)), "μ row \(row)") }
            for (a, b) in zip(logit, expected.logits) { #expect(abs(a - b) <= 1e-5 * max(1, abs(b)), "logits row \(row)") }
        }
    }

    @Test func theSameWeightsGiveTheSameBytes() throws {
        let model = Self.model(Self.convSpec, seed: 9)
        let metadata = SafetensorsFile.metadata(for: model)
        #expect(SafetensorsFile.encode(model, metadata: metadata) == SafetensorsFile.encode(model, metadata: metadata))
        // The encoding is the file: `WeightsFormat` writes exactly these bytes.
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("w.safetensors")
        try WeightsFormat.safetensors.save(model, to: url)
        #expect(try Data(contentsOf: url) == SafetensorsFile.encode(model, metadata: metadata))
    }

    // MARK: Round trip

    @Test(arguments: [mlpSpec, convSpec, residualSpec])
    func saveThenLoadGivesBitIdenticalOutputs(_ spec: ModelSpec) throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let saved = Self.model(spec, seed: 1), fresh = Self.model(spec, seed: 2)
        let url = folder.appendingPathComponent("vae.safetensors")
        try WeightsFormat(path: "vae.safetensors").save(saved, to: url)
        try WeightsFormat(path: "vae.safetensors").load(into: fresh, from: url)
        #expect(fresh.parameters.map { $0.value.values.map(\.bitPattern) } == saved.parameters.map { $0.value.values.map(\.bitPattern) })
        let images = Self.images(spec, count: 4), points = Self.latentPoints(spec, count: 4)
        #expect(Self.bits(fresh.encodeMeans(images)) == Self.bits(saved.encodeMeans(images)))
        #expect(Self.bits(fresh.decodeLogits(points)) == Self.bits(saved.decodeLogits(points)))
    }

    @Test func theExtensionChoosesTheFormat() throws {
        #expect(WeightsFormat(path: "a/vae.safetensors") == .safetensors)
        #expect(WeightsFormat(path: "VAE.SafeTensors") == .safetensors)
        #expect(WeightsFormat(path: "vae.ckpt") == .checkpoint)
        #expect(WeightsFormat(path: "vae.bin") == .checkpoint)
        #expect(WeightsFormat(path: "vae") == .checkpoint)
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = Self.model(Self.mlpSpec, seed: 1)
        let ckpt = folder.appendingPathComponent("vae.ckpt")
        try WeightsFormat(path: ckpt.path).save(model, to: ckpt)
        #expect(Array(try Data(contentsOf: ckpt).prefix(8)) == Checkpoint.magic)
        // A checkpoint renamed to .safetensors is named for what it is.
        let renamed = folder.appendingPathComponent("renamed.safetensors")
        try FileManager.default.copyItem(at: ckpt, to: renamed)
        let error = Self.loadError(into: model, renamed)
        #expect(error?.description.contains("checkpoint in the engine's own format") == true)
        #expect(error?.description.contains(renamed.path) == true)
    }

    // MARK: Files written the way PyTorch writes them

    /// A tensor to write: its dtype and its little-endian bytes.
    struct RawTensor {
        var name: String
        var dtype: String
        var shape: [Int]
        var bytes: [UInt8]
    }

    /// The rank `safetensors` sorts dtypes by (its `Dtype` enum's order; larger first).
    static let dtypeRank = ["BF16": 8, "F16": 7, "I32": 9, "F32": 11, "F64": 12, "I64": 13]

    /// What `safetensors.torch.save_file(tensors, path, metadata={"format": "pt"})` writes:
    /// tensors sorted by dtype (descending), then name; compact JSON, `__metadata__` first,
    /// `dtype`, `shape`, `data_offsets` in that order; spaces to a multiple of 8; then the data.
    static func pytorchFile(_ tensors: [RawTensor], metadata: [String: String]? = ["format": "pt"]) -> [UInt8] {
        let sorted = tensors.sorted {
            (Self.dtypeRank[$0.dtype]!, $1.name) > (Self.dtypeRank[$1.dtype]!, $0.name)
        }
        var fields: [String] = []
        if let metadata {
            fields.append("\"__metadata__\":{" + metadata.map { "\"\($0.key)\":\"\($0.value)\"" }.joined(separator: ",") + "}")
        }
        var offset = 0
        for tensor in sorted {
            fields.append("\"\(tensor.name)\":{\"dtype\":\"\(tensor.dtype)\",\"shape\":[\(tensor.shape.map(String.init).joined(separator: ","))],"
                          + "\"data_offsets\":[\(offset),\(offset + tensor.bytes.count)]}")
            offset += tensor.bytes.count
        }
        return assemble(header: "{" + fields.joined(separator: ",") + "}", data: sorted.flatMap(\.bytes))
    }

    /// Length, header padded with spaces, data.
    static func assemble(header: String, data: [UInt8], pad: Bool = true) -> [UInt8] {
        var headerBytes = Array(header.utf8)
        if pad { headerBytes += [UInt8](repeating: 0x20, count: (8 - headerBytes.count % 8) % 8) }
        return littleEndian(UInt64(headerBytes.count)) + headerBytes + data
    }

    static func littleEndian<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        (0..<(T.bitWidth / 8)).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
    }

    static func f32(_ values: [Float]) -> [UInt8] { values.flatMap { littleEndian($0.bitPattern) } }

    /// The model's parameters as PyTorch's state dict would hold them, all F32.
    static func stateDict(_ model: VAE) -> [RawTensor] {
        model.parameters.map { RawTensor(name: $0.name, dtype: "F32", shape: $0.shape, bytes: f32($0.value.values)) }
    }

    static func loadError(into model: VAE, _ url: URL) -> CheckpointError? {
        do {
            try WeightsFormat(path: url.path).load(into: model, from: url)
            return nil
        } catch let error as CheckpointError {
            return error
        } catch {
            Issue.record("unexpected error \(error)")
            return nil
        }
    }

    @Test(arguments: [mlpSpec, convSpec, residualSpec])
    func aFileWrittenAsPyTorchWritesItLoads(_ spec: ModelSpec) throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let source = Self.model(spec, seed: 11), target = Self.model(spec, seed: 12)
        let url = folder.appendingPathComponent("torch.safetensors")
        try Data(Self.pytorchFile(Self.stateDict(source))).write(to: url)
        #expect(try SafetensorsFile.header(at: url).metadata == ["format": "pt"])
        try WeightsFormat(path: url.path).load(into: target, from: url)
        let images = Self.images(spec, count: 2), points = Self.latentPoints(spec, count: 2)
        #expect(Self.bits(target.encodeMeans(images)) == Self.bits(source.encodeMeans(images)))
        #expect(Self.bits(target.decodeLogits(points)) == Self.bits(source.decodeLogits(points)))

        // With no metadata at all, and with the header unpadded, it loads as well.
        let bare = folder.appendingPathComponent("bare.safetensors")
        try Data(Self.pytorchFile(Self.stateDict(source), metadata: nil)).write(to: bare)
        try WeightsFormat(path: bare.path).load(into: Self.model(spec, seed: 13), from: bare)
    }

    @Test func otherFloatTypesAreConverted() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let source = Self.model(Self.mlpSpec, seed: 4), target = Self.model(Self.mlpSpec, seed: 5)
        var expected: [String: [Float]] = [:]
        var tensors: [RawTensor] = []
        for (index, parameter) in source.parameters.enumerated() {
            let values = parameter.value.values
            switch index % 4 {
            case 0:
                tensors.append(RawTensor(name: parameter.name, dtype: "F64", shape: parameter.shape,
                                         bytes: values.flatMap { Self.littleEndian(Double($0).bitPattern) }))
                expected[parameter.name] = values
            case 1:
                tensors.append(RawTensor(name: parameter.name, dtype: "F16", shape: parameter.shape,
                                         bytes: values.flatMap { Self.littleEndian(Float16($0).bitPattern) }))
                expected[parameter.name] = values.map { Float(Float16($0)) }
            case 2:
                tensors.append(RawTensor(name: parameter.name, dtype: "BF16", shape: parameter.shape,
                                         bytes: values.flatMap { Self.littleEndian(UInt16($0.bitPattern >> 16)) }))
                expected[parameter.name] = values.map { Float(bitPattern: $0.bitPattern & 0xFFFF_0000) }
            default:
                tensors.append(RawTensor(name: parameter.name, dtype: "F32", shape: parameter.shape, bytes: Self.f32(values)))
                expected[parameter.name] = values
            }
        }
        let url = folder.appendingPathComponent("mixed.safetensors")
        try Data(Self.pytorchFile(tensors)).write(to: url)
        try SafetensorsFile.load(into: target, from: url)
        for parameter in target.parameters {
            #expect(parameter.value.values.map(\.bitPattern) == expected[parameter.name]!.map(\.bitPattern), "\(parameter.name)")
        }
    }

    // MARK: Damaged and mismatched files

    struct Damage: CustomTestStringConvertible, Sendable {
        var name: String
        /// The file's bytes, from a valid PyTorch-style file of the small MLP's state dict.
        var bytes: @Sendable ([RawTensor]) -> [UInt8]
        /// Parts of the message, besides the path.
        var mentions: [String]
        var testDescription: String { name }
    }

    static func header(_ tensors: [(name: String, dtype: String, shape: [Int], offsets: (Int, Int))]) -> String {
        "{" + tensors.map {
            "\"\($0.name)\":{\"dtype\":\"\($0.dtype)\",\"shape\":[\($0.shape.map(String.init).joined(separator: ","))],\"data_offsets\":[\($0.offsets.0),\($0.offsets.1)]}"
        }.joined(separator: ",") + "}"
    }

    /// The state dict's entries with their offsets, back to back in the order given.
    static func entries(_ tensors: [RawTensor]) -> [(name: String, dtype: String, shape: [Int], offsets: (Int, Int))] {
        var offset = 0
        return tensors.map { tensor in
            defer { offset += tensor.bytes.count }
            return (tensor.name, tensor.dtype, tensor.shape, (offset, offset + tensor.bytes.count))
        }
    }

    static let damages: [Damage] = [
        Damage(name: "empty", bytes: { _ in [] }, mentions: ["truncated"]),
        Damage(name: "shorter than the length", bytes: { _ in [1, 0, 0] }, mentions: ["truncated"]),
        Damage(name: "header length beyond the file", bytes: { tensors in
            littleEndian(UInt64.max) + Array(pytorchFile(tensors).dropFirst(8))
        }, mentions: ["header length", "larger than the file"]),
        Damage(name: "header length one byte too long", bytes: { tensors in
            let file = pytorchFile(tensors)
            return littleEndian(UInt64(file.count - 7)) + Array(file.dropFirst(8))
        }, mentions: ["larger than the file"]),
        Damage(name: "header not JSON", bytes: { tensors in
            assemble(header: "{\"encoder.0.weight\": {", data: tensors.flatMap(\.bytes))
        }, mentions: ["not valid JSON"]),
        Damage(name: "header a JSON array", bytes: { _ in assemble(header: "[1, 2]", data: []) },
               mentions: ["not a JSON object"]),
        Damage(name: "metadata not strings", bytes: { _ in assemble(header: "{\"__metadata__\":{\"a\":1}}", data: []) },
               mentions: ["__metadata__"]),
        Damage(name: "an integer dtype", bytes: { tensors in
            var entries = entries(tensors)
            entries[1].dtype = "I32"
            return assemble(header: header(entries), data: tensors.flatMap(\.bytes))
        }, mentions: ["encoder.0.bias", "I32"]),
        Damage(name: "no dtype", bytes: { tensors in
            assemble(header: header(entries(tensors)).replacingOccurrences(of: "\"dtype\":\"F32\",", with: ""),
                     data: tensors.flatMap(\.bytes))
        }, mentions: ["has no dtype"]),
        Damage(name: "a negative dimension", bytes: { tensors in
            var entries = entries(tensors)
            entries[0].shape = [-1, 6]
            return assemble(header: header(entries), data: tensors.flatMap(\.bytes))
        }, mentions: ["encoder.0.weight", "shape"]),
        Damage(name: "shape and offsets disagree", bytes: { tensors in
            var entries = entries(tensors)
            entries[0].shape = [6, 21]
            return assemble(header: header(entries), data: tensors.flatMap(\.bytes))
        }, mentions: ["encoder.0.weight", "[6, 21]", "data_offsets"]),
        Damage(name: "a huge shape", bytes: { tensors in
            var entries = entries(tensors)
            entries[0].shape = [1 << 40, 1 << 40]
            return assemble(header: header(entries), data: tensors.flatMap(\.bytes))
        }, mentions: ["encoder.0.weight", "too large"]),
        Damage(name: "a dimension of Int.max", bytes: { tensors in
            var entries = entries(tensors)
            entries[0].shape = [Int.max]
            return assemble(header: header(entries), data: tensors.flatMap(\.bytes))
        }, mentions: ["encoder.0.weight", "too large"]),
        Damage(name: "a dimension beyond Int", bytes: { tensors in
            assemble(header: header(entries(tensors)).replacingOccurrences(of: "\"shape\":[6,20]", with: "\"shape\":[18446744073709551615,20]"),
                     data: tensors.flatMap(\.bytes))
        }, mentions: ["encoder.0.weight", "has no shape"]),
        Damage(name: "data_offsets ending at Int.max", bytes: { tensors in
            // Shape and offsets agree; only the end is past the file, by almost Int.max.
            var entries = entries(tensors)
            let length = entries[0].offsets.1 - entries[0].offsets.0
            entries[0].offsets = (Int.max - length, Int.max)
            return assemble(header: header(entries), data: tensors.flatMap(\.bytes))
        }, mentions: ["encoder.0.weight", "data_offsets [\(Int.max - 480), \(Int.max)] beyond the end of any file"]),
        Damage(name: "data_offsets near UInt64.max", bytes: { tensors in
            var entries = entries(tensors)
            entries[0].offsets = (-1, -1)  // replaced below: the helper writes Int
            return assemble(header: header(entries).replacingOccurrences(
                of: "[-1,-1]", with: "[18446744073709551135,18446744073709551615]"), data: tensors.flatMap(\.bytes))
        }, mentions: ["encoder.0.weight", "data_offsets"]),
        Damage(name: "offsets past the end", bytes: { tensors in
            var entries = entries(tensors)
            let last = entries.count - 1
            entries[last].offsets = (entries[last].offsets.0 + 4, entries[last].offsets.1 + 4)
            return assemble(header: header(entries), data: tensors.flatMap(\.bytes))
        }, mentions: ["truncated"]),
        Damage(name: "overlapping tensors", bytes: { tensors in
            var entries = entries(tensors)
            entries[1].offsets = (entries[1].offsets.0 - 4, entries[1].offsets.1 - 4)
            return assemble(header: header(entries), data: tensors.flatMap(\.bytes))
        }, mentions: ["encoder.0.weight", "encoder.0.bias", "overlap"]),
        Damage(name: "a gap", bytes: { tensors in
            var entries = entries(tensors)
            for index in 1..<entries.count { entries[index].offsets = (entries[index].offsets.0 + 4, entries[index].offsets.1 + 4) }
            return assemble(header: header(entries), data: tensors.flatMap(\.bytes) + [0, 0, 0, 0])
        }, mentions: ["no tensor covers", "encoder.0.bias"]),
        Damage(name: "bytes after the last tensor", bytes: { tensors in pytorchFile(tensors) + [0, 0, 0, 0] },
               mentions: ["4 bytes after"]),
        Damage(name: "cut short", bytes: { tensors in Array(pytorchFile(tensors).dropLast(3)) }, mentions: ["truncated"]),
        Damage(name: "a tensor missing", bytes: { tensors in pytorchFile(tensors.filter { $0.name != "decoder.0.bias" }) },
               mentions: ["decoder.0.bias", "absent in the file", "[5] in the model"]),
        Damage(name: "an extra tensor", bytes: { tensors in
            pytorchFile(tensors + [RawTensor(name: "decoder.9.weight", dtype: "F32", shape: [2], bytes: f32([1, 2]))])
        }, mentions: ["decoder.9.weight", "[2] in the file, absent in the model"]),
        Damage(name: "another architecture", bytes: { _ in
            SafetensorsTests.otherArchitectureFile
        }, mentions: ["encoder.0.weight", "[7, 20] in the file, [6, 20] in the model", "encoder=[7,5]"]),
        Damage(name: "a transposed weight", bytes: { tensors in
            var swapped = tensors
            swapped[0].shape = [20, 6]
            return pytorchFile(swapped)
        }, mentions: ["encoder.0.weight", "[20, 6] in the file, [6, 20] in the model"]),
    ]

    /// Our file for a model whose first encoder layer has 7 units, not 6.
    static let otherArchitectureFile: [UInt8] = {
        var spec = mlpSpec
        spec.encoder = [7, 5]
        let model = VAE(spec: spec)
        return Array(SafetensorsFile.encode(model, metadata: SafetensorsFile.metadata(for: model)))
    }()

    @Test(arguments: damages)
    func aDamagedOrMismatchedFileIsRefusedByName(_ damage: Damage) throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = Self.model(Self.mlpSpec, seed: 3)
        let before = model.parameters.map { $0.value.values.map(\.bitPattern) }
        let url = folder.appendingPathComponent("bad.safetensors")
        try Data(damage.bytes(Self.stateDict(Self.model(Self.mlpSpec, seed: 4)))).write(to: url)
        let error = try #require(Self.loadError(into: model, url))
        #expect(error.description.contains(url.path), "\(error)")
        for mention in damage.mentions { #expect(error.description.contains(mention), "\(error)") }
        #expect(model.parameters.map { $0.value.values.map(\.bitPattern) } == before, "the model is unchanged")
    }

    @Test func everyPrefixOfAFileIsRefusedWithoutATrap() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let small = ModelSpec(encoder: [2], latent: 1, decoder: [2], imageHeight: 2, imageWidth: 2)
        let model = Self.model(small, seed: 1)
        let bytes = Array(SafetensorsFile.encode(model, metadata: ["format": "pt"]))
        for length in 0..<bytes.count {
            #expect(throws: CheckpointError.self) { try SafetensorsFile.header(of: Data(bytes[0..<length]), path: "cut.safetensors") }
        }
        // Every single byte changed: an error or a valid file, never a trap.
        for index in 0..<bytes.count {
            var damaged = bytes
            damaged[index] ^= 0x5A
            _ = try? SafetensorsFile.decode(Data(damaged), path: "flipped.safetensors")
        }
    }
}
