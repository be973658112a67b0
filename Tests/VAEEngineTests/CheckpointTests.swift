import Checksums
import Foundation
import Testing
import VAEEngine

@Suite struct CheckpointTests {
    /// A fresh, empty folder for one test, removed by the caller.
    static func temporaryFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("checkpoint-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    /// A tiny 2×2-pixel model: 56 parameters, so every byte of its checkpoint can be tried.
    static let smallSpec = ModelSpec(encoder: [3], latent: 2, decoder: [3], imageHeight: 2, imageWidth: 2)

    static func model(_ spec: ModelSpec, seed: UInt64) -> VAE {
        let model = VAE(spec: spec)
        model.initialize(seed: seed)
        // Non-zero biases, so a bias that is not restored is noticed.
        for (index, parameter) in model.parameters.enumerated() {
            for i in 0..<parameter.count { parameter.value.data[i] += Float(index + 1) * 0.001 * Float(i % 7) }
        }
        return model
    }

    static func bits(_ model: VAE) -> [[UInt32]] {
        model.parameters.map { $0.value.values.map(\.bitPattern) }
    }

    /// Writes a valid checkpoint of the small model and returns its bytes.
    static func smallCheckpoint(in folder: URL) throws -> [UInt8] {
        let url = folder.appendingPathComponent("small.ckpt")
        try Checkpoint.save(model(smallSpec, seed: 3), to: url)
        return Array(try Data(contentsOf: url))
    }

    /// Reads `bytes` as a checkpoint file, returning the error it gives (nil when it loads).
    static func readError(_ bytes: [UInt8], in folder: URL) throws -> CheckpointError? {
        let url = folder.appendingPathComponent("probe.ckpt")
        try Data(bytes).write(to: url)
        do {
            _ = try Checkpoint.read(from: url)
            return nil
        } catch let error as CheckpointError {
            return error
        }
    }

    @Test func roundTripIsBitExact() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let spec = ModelSpec(encoder: [16, 8], latent: 3, decoder: [8, 16], activation: .elu,
                             initializer: .glorot(.uniform), imageHeight: 5, imageWidth: 6)
        let saved = Self.model(spec, seed: 1)
        let url = folder.appendingPathComponent("vae.ckpt")
        try Checkpoint.save(saved, to: url)

        let fresh = Self.model(spec, seed: 2)
        #expect(Self.bits(fresh) != Self.bits(saved))
        try Checkpoint.load(into: fresh, from: url)
        #expect(Self.bits(fresh) == Self.bits(saved))

        let contents = try Checkpoint.read(from: url)
        #expect(contents.spec == spec)
        #expect(contents.parameters.map(\.name) == saved.parameters.map(\.name))
        #expect(contents.parameters.map(\.shape) == saved.parameters.map(\.shape))
        #expect(contents.parameters.map { $0.values.map(\.bitPattern) } == Self.bits(saved))
    }

    @Test func specialFloatValuesSurvive() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let saved = Self.model(Self.smallSpec, seed: 1)
        let specials: [Float] = [-0.0, .infinity, -.infinity, .leastNonzeroMagnitude, .greatestFiniteMagnitude,
                                 Float(bitPattern: 0x7FC0_1234)]
        for (i, value) in specials.enumerated() { saved.parameters[0].value.data[i] = value }
        let url = folder.appendingPathComponent("special.ckpt")
        try Checkpoint.save(saved, to: url)
        let fresh = VAE(spec: Self.smallSpec)
        try Checkpoint.load(into: fresh, from: url)
        #expect(Self.bits(fresh) == Self.bits(saved))
    }

    @Test func sameWeightsGiveIdenticalBytes() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let first = folder.appendingPathComponent("a.ckpt"), second = folder.appendingPathComponent("b.ckpt")
        try Checkpoint.save(Self.model(Self.smallSpec, seed: 9), to: first)
        try Checkpoint.save(Self.model(Self.smallSpec, seed: 9), to: second)
        #expect(try Data(contentsOf: first) == Data(contentsOf: second))
    }

    @Test func layoutStartsWithMagicAndVersion() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let bytes = try Self.smallCheckpoint(in: folder)
        #expect(Array(bytes[0..<8]) == Array("VAECKPT\0".utf8))
        #expect(Array(bytes[8..<12]) == [2, 0, 0, 0])
        let headerLength = Int(bytes[12]) | Int(bytes[13]) << 8 | Int(bytes[14]) << 16 | Int(bytes[15]) << 24
        let header = try JSONSerialization.jsonObject(with: Data(bytes[16..<(16 + headerLength)])) as? [String: Any]
        #expect(header?["engineVersion"] as? String == EngineInfo.version)
        #expect((header?["parameters"] as? [Any])?.count == 8)
        // Header, 56 Float32 values, 32-byte digest.
        #expect(bytes.count == 16 + headerLength + 56 * 4 + 32)
        #expect(SHA256.hash(Array(bytes[0..<(bytes.count - 32)])).bytes == Array(bytes[(bytes.count - 32)...]))
    }

    @Test func architectureMismatchNamesBothShapes() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = URL(fileURLWithPath: "vae.ckpt", relativeTo: folder)
        try Checkpoint.save(VAE(spec: ModelSpec(encoder: [400], latent: 20, decoder: [400])), to: url)
        let other = VAE(spec: ModelSpec(encoder: [256], latent: 10, decoder: [256]))
        other.initialize(seed: 4)
        let before = Self.bits(other)
        do {
            try Checkpoint.load(into: other, from: url)
            Issue.record("loading into a different architecture succeeded")
        } catch let error as CheckpointError {
            #expect(error.description == "checkpoint vae.ckpt holds an MLP VAE 784-[400]-20-[400]-784 but the "
                + "notebook's model is 784-[256]-10-[256]-784; first differing parameter encoder.0.weight: "
                + "[400, 784] in the file, [256, 784] in the model")
            #expect(error.path == "vae.ckpt")
        }
        #expect(Self.bits(other) == before, "a failed load must leave the model unchanged")
    }

    @Test func extraLayerIsReportedAsAbsent() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = URL(fileURLWithPath: "deep.ckpt", relativeTo: folder)
        let deep = ModelSpec(encoder: [3], latent: 2, decoder: [3, 3], imageHeight: 2, imageWidth: 2)
        try Checkpoint.save(Self.model(deep, seed: 1), to: url)
        #expect(throws: CheckpointError.architectureMismatch(
            path: "deep.ckpt", fileArchitecture: "an MLP VAE 4-[3]-2-[3,3]-4", modelArchitecture: "4-[3]-2-[3]-4",
            parameter: "decoder.1.weight", fileShape: [3, 3], modelShape: [4, 3])) {
            try Checkpoint.load(into: VAE(spec: Self.smallSpec), from: url)
        }
        // The model has fewer parameters than the file: the first one it lacks is named.
        let error = CheckpointError.architectureMismatch(
            path: "deep.ckpt", fileArchitecture: "an MLP VAE 4-[3]-2-[3,3]-4", modelArchitecture: "4-[3]-2-[3]-4",
            parameter: "decoder.2.weight", fileShape: [3, 4], modelShape: nil)
        #expect(error.description.hasSuffix("decoder.2.weight: [3, 4] in the file, absent in the model"))
    }

    @Test func differentActivationStillLoads() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("relu.ckpt")
        let saved = Self.model(Self.smallSpec, seed: 5)
        try Checkpoint.save(saved, to: url)
        var elu = Self.smallSpec
        elu.activation = .elu
        let fresh = VAE(spec: elu)
        try Checkpoint.load(into: fresh, from: url)
        #expect(Self.bits(fresh) == Self.bits(saved))
    }

    @Test func missingFile() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = URL(fileURLWithPath: "absent.ckpt", relativeTo: folder)
        #expect(throws: CheckpointError.fileNotFound(path: "absent.ckpt")) {
            try Checkpoint.load(into: VAE(spec: Self.smallSpec), from: url)
        }
        #expect(CheckpointError.fileNotFound(path: "absent.ckpt").description == "checkpoint absent.ckpt does not exist")
        #expect(throws: CheckpointError.self) { try Checkpoint.read(from: folder) }  // a folder
    }

    @Test func badMagic() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        var bytes = try Self.smallCheckpoint(in: folder)
        bytes[3] = UInt8(ascii: "X")
        let probe = folder.appendingPathComponent("probe.ckpt").relativePath
        #expect(try Self.readError(bytes, in: folder) == .notACheckpoint(path: probe))
        #expect(try Self.readError(Array("PK\u{3}\u{4} a zip file, not a checkpoint at all".utf8), in: folder)
            == .notACheckpoint(path: probe))
    }

    @Test func futureVersion() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        var bytes = try Self.smallCheckpoint(in: folder)
        bytes[8] = 3
        let error = try Self.readError(bytes, in: folder)
        let probe = folder.appendingPathComponent("probe.ckpt").relativePath
        #expect(error == .unsupportedVersion(path: probe, version: 3, supported: 2))
        #expect(error?.description.contains("format version 3") == true)
        #expect(error?.description.contains("newer engine") == true)
    }

    /// Format version 1 held dense weights `[inputs, outputs]`: such a file, made here from a
    /// version 2 one by transposing them back, loads into the same weights.
    @Test func aVersionOneFileLoadsWithItsDenseWeightsTransposed() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let saved = Self.model(Self.smallSpec, seed: 3)
        let current = folder.appendingPathComponent("current.ckpt")
        try Checkpoint.save(saved, to: current)
        var bytes = Array(try Data(contentsOf: current))
        let headerLength = Int(bytes[12]) | Int(bytes[13]) << 8 | Int(bytes[14]) << 16 | Int(bytes[15]) << 24
        var header = String(decoding: bytes[16..<(16 + headerLength)], as: UTF8.self)
        var payload: [UInt8] = []
        for parameter in saved.parameters {
            var values = parameter.value.values
            if parameter.shape.count == 2 {
                let (outputs, inputs) = (parameter.shape[0], parameter.shape[1])
                values = (0..<inputs * outputs).map { parameter.value[$0 % outputs, $0 / outputs] }
                header = header.replacingOccurrences(of: "\"name\":\"\(parameter.name)\",\"shape\":[\(outputs),\(inputs)]",
                                                     with: "\"name\":\"\(parameter.name)\",\"shape\":[\(inputs),\(outputs)]")
            }
            for value in values { withUnsafeBytes(of: value.bitPattern.littleEndian) { payload += $0 } }
        }
        #expect(Array(header.utf8).count == headerLength)
        bytes = Array(bytes[0..<8]) + [1, 0, 0, 0] + Array(bytes[12..<16]) + Array(header.utf8) + payload
        bytes += SHA256.hash(bytes).bytes
        let old = folder.appendingPathComponent("old.ckpt")
        try Data(bytes).write(to: old)
        #expect(try Checkpoint.read(from: old).parameters.map(\.shape) == saved.parameters.map(\.shape))
        let loaded = VAE(spec: Self.smallSpec)
        try Checkpoint.load(into: loaded, from: old)
        #expect(Self.bits(loaded) == Self.bits(saved))
    }

    @Test func everyTruncationGivesACleanError() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let bytes = try Self.smallCheckpoint(in: folder)
        #expect(try Self.readError(bytes, in: folder) == nil)
        for length in 0..<bytes.count {
            let error = try Self.readError(Array(bytes[0..<length]), in: folder)
            guard case .truncated(_, let expected, let actual)? = error else {
                Issue.record("cut at \(length) of \(bytes.count) bytes gave \(String(describing: error))")
                continue
            }
            #expect(actual == length && expected > length)
        }
    }

    @Test func everyFlippedByteIsDetected() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let bytes = try Self.smallCheckpoint(in: folder)
        let headerLength = Int(bytes[12]) | Int(bytes[13]) << 8
        let payload = (16 + headerLength)..<(bytes.count - 32)
        var stream = RandomStream(seed: 11, purpose: "flips")
        for position in 0..<bytes.count {
            var damaged = bytes
            damaged[position] ^= UInt8(1 + stream.nextInt(below: 255))
            let error = try Self.readError(damaged, in: folder)
            #expect(error != nil, "a change at byte \(position) went unnoticed")
            if payload.contains(position) || position >= bytes.count - 32 {
                #expect(error == .checksumMismatch(path: folder.appendingPathComponent("probe.ckpt").relativePath))
                #expect(error?.description.hasSuffix("is corrupt: its checksum does not match") == true)
            }
        }
    }

    @Test func randomBytesNeverCrash() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let valid = try Self.smallCheckpoint(in: folder)
        var stream = RandomStream(seed: 12, purpose: "garbage")
        for trial in 0..<300 {
            let length = stream.nextInt(below: valid.count + 64)
            var bytes = (0..<length).map { _ in UInt8(stream.nextInt(below: 256)) }
            // Most trials keep a valid prefix so the reader gets past the magic and the version.
            if trial % 3 != 0 {
                let keep = min(length, stream.nextInt(below: valid.count))
                bytes.replaceSubrange(0..<keep, with: valid[0..<keep])
            }
            // A few with absurd header lengths and many random bytes flipped.
            if trial % 5 == 0, bytes.count >= 16 {
                for i in 12..<16 { bytes[i] = 0xFF }
            }
            let error = try Self.readError(bytes, in: folder)
            #expect(error != nil || bytes == valid)
        }
    }

    // MARK: Hostile headers

    /// A checkpoint whose header is `header` over `payload`, with a checksum that matches: what
    /// a hostile writer makes, which the checks that catch damage let through.
    static func checkpoint(header: String, payload: [UInt8]) -> [UInt8] {
        var bytes = Checkpoint.magic
        for value in [Checkpoint.formatVersion, UInt32(header.utf8.count)] {
            bytes += (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
        }
        bytes += Array(header.utf8) + payload
        return bytes + SHA256.hash(bytes).bytes
    }

    struct HostileHeader: CustomTestStringConvertible, Sendable {
        var name: String
        /// Replaces a part of the small model's header.
        var replacing: String, with: String
        /// The reason in the message, after "checkpoint PATH is corrupt: ".
        var reason: String
        /// Whether the header alone (`Checkpoint.header(at:)`, before a run) is refused too.
        var headerRefused: Bool
        var testDescription: String { name }
    }

    static let hostileHeaders: [HostileHeader] = [
        HostileHeader(name: "a dimension of Int.max", replacing: "\"shape\":[3,4]", with: "\"shape\":[9223372036854775807,4]",
                      reason: "parameter encoder.0.weight has shape [9223372036854775807, 4]", headerRefused: false),
        HostileHeader(name: "dimensions whose product overflows", replacing: "\"shape\":[3,4]",
                      with: "\"shape\":[4294967296,4294967296]",
                      reason: "parameter encoder.0.weight has shape [4294967296, 4294967296]", headerRefused: false),
        HostileHeader(name: "a dimension beyond Int", replacing: "\"shape\":[3,4]", with: "\"shape\":[18446744073709551615,4]",
                      reason: "its header is not valid JSON of a checkpoint", headerRefused: true),
        HostileHeader(name: "an image size whose product overflows", replacing: "\"imageHeight\":2",
                      with: "\"imageHeight\":4611686018427387904",
                      reason: "its model description is invalid: image size 1×4611686018427387904×2", headerRefused: true),
    ]

    /// Sizes in a checksummed header that overflow when multiplied are the reader's error,
    /// naming the file, from `load` and, where it reads them, from the check before a run.
    @Test(arguments: hostileHeaders)
    func aHostileHeaderIsRefusedByName(_ hostile: HostileHeader) throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let valid = try Self.smallCheckpoint(in: folder)
        let headerEnd = 16 + (Int(valid[12]) | Int(valid[13]) << 8)
        let header = String(decoding: valid[16..<headerEnd], as: UTF8.self)
        #expect(header.contains(hostile.replacing))
        let bytes = Self.checkpoint(header: header.replacingOccurrences(of: hostile.replacing, with: hostile.with),
                                    payload: Array(valid[headerEnd..<(valid.count - 32)]))
        let url = folder.appendingPathComponent("hostile.ckpt")
        try Data(bytes).write(to: url)
        let expected = CheckpointError.corrupt(path: url.relativePath, reason: hostile.reason)
        #expect(throws: expected) { try Checkpoint.load(into: Self.model(Self.smallSpec, seed: 1), from: url) }
        if hostile.headerRefused {
            #expect(throws: expected) { _ = try Checkpoint.header(at: url) }
        } else {
            #expect(throws: Never.self) { _ = try Checkpoint.header(at: url) }
        }
    }

    @Test func aHeaderLengthOfUInt32MaxIsTruncation() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let bytes = Checkpoint.magic + [2, 0, 0, 0] + [0xFF, 0xFF, 0xFF, 0xFF] + Array("{}".utf8) + [UInt8](repeating: 0, count: 32)
        let url = folder.appendingPathComponent("long.ckpt")
        try Data(bytes).write(to: url)
        let expected = CheckpointError.truncated(path: url.relativePath, expectedBytes: 16 + Int(UInt32.max) + 32,
                                                 actualBytes: bytes.count)
        #expect(throws: expected) { _ = try Checkpoint.read(from: url) }
        #expect(throws: expected) { _ = try Checkpoint.header(at: url) }
    }

    @Test func atomicWriteLeavesNoTemporaryFile() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("vae.ckpt")
        try Checkpoint.save(Self.model(Self.smallSpec, seed: 1), to: url)
        let second = Self.model(Self.smallSpec, seed: 2)
        try Checkpoint.save(second, to: url)  // replaces the first
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["vae.ckpt"])
        let loaded = VAE(spec: Self.smallSpec)
        try Checkpoint.load(into: loaded, from: url)
        #expect(Self.bits(loaded) == Self.bits(second))
    }

    @Test func savingIntoAMissingFolderFailsCleanly() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("no-such-folder/vae.ckpt")
        #expect(throws: CheckpointError.self) { try Checkpoint.save(Self.model(Self.smallSpec, seed: 1), to: url) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
    }
}
