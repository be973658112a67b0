import Checksums
import Foundation
import SystemErrors

/// Why a checkpoint could not be written or read. `description` is the one message a user reads;
/// it always names the checkpoint file as the caller spelled it (`URL.relativePath`, so a URL made
/// with `URL(fileURLWithPath: "vae.ckpt", relativeTo: notebookFolder)` shows as `vae.ckpt`).
public enum CheckpointError: Error, CustomStringConvertible, Equatable, Sendable {
    /// There is no file at the path.
    case fileNotFound(path: String)
    /// The file exists but cannot be read (a folder, permissions, an I/O error).
    case unreadable(path: String, reason: String)
    /// The checkpoint (or its temporary file) cannot be written.
    case unwritable(path: String, reason: String)
    /// The file does not start with the checkpoint magic `VAECKPT\0`.
    case notACheckpoint(path: String)
    /// The file is a checkpoint of a format version this engine does not read.
    case unsupportedVersion(path: String, version: UInt32, supported: UInt32)
    /// The file ends before the data its header announces (`expectedBytes` is a lower bound).
    case truncated(path: String, expectedBytes: Int, actualBytes: Int)
    /// The SHA-256 stored at the end does not match the bytes before it.
    case checksumMismatch(path: String)
    /// The checksum matches but the content is inconsistent (a bad header, extra bytes).
    case corrupt(path: String, reason: String)
    /// The checkpoint's parameters do not fit the model: the architectures of both sides
    /// (`784-[400]-20-[400]-784`) and the first parameter whose name or shape differs
    /// (`nil` shape: the parameter does not exist on that side).
    case architectureMismatch(path: String, fileArchitecture: String, modelArchitecture: String,
                              parameter: String, fileShape: [Int]?, modelShape: [Int]?)
    /// A safetensors file's tensors do not fit the model: the first tensor missing on one side
    /// (`nil` shape) or shaped differently, the model's architecture, and the model line the
    /// file's metadata names, when it has one (a file PyTorch wrote has none).
    case tensorMismatch(path: String, modelArchitecture: String, fileModel: String?,
                        tensor: String, fileShape: [Int]?, modelShape: [Int]?)

    /// The file the error is about.
    public var path: String {
        switch self {
        case .fileNotFound(let path), .unreadable(let path, _), .unwritable(let path, _),
             .notACheckpoint(let path), .unsupportedVersion(let path, _, _), .truncated(let path, _, _),
             .checksumMismatch(let path), .corrupt(let path, _),
             .architectureMismatch(let path, _, _, _, _, _), .tensorMismatch(let path, _, _, _, _, _):
            return path
        }
    }

    public var description: String {
        // A checkpoint is the engine's format; a .safetensors file is called what it is.
        let checkpoint = WeightsFormat(path: path) == .safetensors ? "safetensors file" : "checkpoint"
        switch self {
        case .fileNotFound(let path):
            return "\(checkpoint) \(path) does not exist"
        case .unreadable(let path, let reason):
            return "\(checkpoint) \(path) cannot be read: \(reason)"
        case .unwritable(let path, let reason):
            return "\(checkpoint) \(path) cannot be written: \(reason)"
        case .notACheckpoint(let path):
            return "\(path) is not a VAE checkpoint (it does not start with the VAECKPT signature)"
        case .unsupportedVersion(let path, let version, let supported):
            let hint = version > supported ? "; it was written by a newer engine, update this one to load it" : ""
            return "checkpoint \(path) uses format version \(version), but engine \(EngineInfo.version) "
                + "reads only versions up to \(supported)\(hint)"
        case .truncated(let path, let expected, let actual):
            return "\(checkpoint) \(path) is truncated: expected at least \(expected) bytes, found \(actual)"
        case .checksumMismatch(let path):
            return "checkpoint \(path) is corrupt: its checksum does not match"
        case .corrupt(let path, let reason):
            return "\(checkpoint) \(path) is corrupt: \(reason)"
        case .architectureMismatch(let path, let file, let model, let parameter, let fileShape, let modelShape):
            func shape(_ shape: [Int]?) -> String {
                guard let shape else { return "absent" }
                return "[" + shape.map(String.init).joined(separator: ", ") + "]"
            }
            return "checkpoint \(path) holds \(file) but the notebook's model is \(model); "
                + "first differing parameter \(parameter): \(shape(fileShape)) in the file, "
                + "\(shape(modelShape)) in the model"
        case .tensorMismatch(let path, let model, let fileModel, let tensor, let fileShape, let modelShape):
            func shape(_ shape: [Int]?) -> String {
                guard let shape else { return "absent" }
                return "[" + shape.map(String.init).joined(separator: ", ") + "]"
            }
            let saved = fileModel.map { " (its metadata says it was saved from '\($0)')" } ?? ""
            return "safetensors file \(path) does not fit the notebook's model, \(model)\(saved): tensor \(tensor) is "
                + "\(shape(fileShape)) in the file, \(shape(modelShape)) in the model; "
                + "load weights saved from the same architecture"
        }
    }
}

/// Saves and loads a VAE's weights in a versioned, checksummed binary file.
///
/// Layout of format version 2 (all integers little-endian):
///
/// | bytes | content |
/// | --- | --- |
/// | 8 | magic `VAECKPT\0` |
/// | 4 | `UInt32` format version (2) |
/// | 4 | `UInt32` length `L` of the header |
/// | L | UTF-8 JSON header: `{"dtype":"float32-le","engineVersion":…,"parameters":[{"name":…,"shape":[…]}…],"spec":{ModelSpec}}` (sorted keys) |
/// | 4 · Σ | every parameter's values, in header order, as little-endian IEEE-754 `Float32` |
/// | 32 | SHA-256 of all the bytes before it |
///
/// Dense weights are stored `[outputs, inputs]`, as the engine (and PyTorch's `nn.Linear`)
/// holds them. Version 1 differed only there: engines before 0.4.0 held and stored them
/// `[inputs, outputs]`, and reading a version 1 file transposes its two-dimensional
/// parameters, so those checkpoints still load.
///
/// The same weights always give the same bytes. Files are written atomically: a temporary file
/// in the destination folder, then a rename, so an interrupted save leaves the previous
/// checkpoint in place. Reading never traps, whatever the bytes: every problem is a
/// `CheckpointError`.
public enum Checkpoint {
    /// The 8 bytes every checkpoint starts with.
    public static let magic: [UInt8] = Array("VAECKPT".utf8) + [0]
    /// The format version this engine writes; it also reads every earlier one.
    public static let formatVersion: UInt32 = 2

    private static let dtype = "float32-le"
    private static let prefixLength = 16      // magic + version + header length
    private static let digestLength = SHA256.digestByteCount

    struct Header: Codable {
        struct Entry: Codable {
            var name: String
            var shape: [Int]
        }
        var dtype: String
        var engineVersion: String
        var spec: ModelSpec
        var parameters: [Entry]
    }

    // MARK: Saving

    /// Writes `model`'s parameters (and its spec) to `url`, replacing any file there atomically.
    public static func save(_ model: VAE, to url: URL) throws {
        let path = url.relativePath
        try writeAtomically(Array(try encode(model, path: path)), to: url, path: path)
    }

    /// The whole checkpoint file for `model`: a pure function of its spec and weights.
    /// `path` only names the file in the error thrown when the header cannot be encoded.
    public static func encode(_ model: VAE, path: String) throws -> Data {
        let parameters = model.parameters
        let header = Header(dtype: dtype, engineVersion: EngineInfo.version, spec: model.spec,
                            parameters: parameters.map { .init(name: $0.name, shape: $0.shape) })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let headerBytes: [UInt8]
        do {
            headerBytes = Array(try encoder.encode(header))
        } catch {
            throw CheckpointError.unwritable(path: path, reason: "its header cannot be encoded (\(error))")
        }

        let valueCount = parameters.reduce(0) { $0 + $1.count }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(prefixLength + headerBytes.count + 4 * valueCount + digestLength)
        bytes.append(contentsOf: magic)
        appendUInt32(formatVersion, to: &bytes)
        appendUInt32(UInt32(headerBytes.count), to: &bytes)
        bytes.append(contentsOf: headerBytes)
        for parameter in parameters {
            let values = parameter.value.data
            for index in 0..<parameter.count {
                appendUInt32(values[index].bitPattern, to: &bytes)
            }
        }
        bytes.append(contentsOf: SHA256.hash(bytes).bytes)
        return Data(bytes)
    }

    private static func appendUInt32(_ value: UInt32, to bytes: inout [UInt8]) {
        bytes.append(UInt8(truncatingIfNeeded: value))
        bytes.append(UInt8(truncatingIfNeeded: value >> 8))
        bytes.append(UInt8(truncatingIfNeeded: value >> 16))
        bytes.append(UInt8(truncatingIfNeeded: value >> 24))
    }

    /// Writes a temporary file next to `url`, flushes it, then renames it over `url`.
    static func writeAtomically(_ bytes: [UInt8], to url: URL, path: String) throws {
        let destination = url.standardizedFileURL
        let folder = destination.deletingLastPathComponent()
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isFolder), isFolder.boolValue else {
            throw CheckpointError.unwritable(path: path, reason: "the folder \(folder.path) does not exist")
        }
        let temporary = folder.appendingPathComponent(".\(destination.lastPathComponent).\(UUID().uuidString).tmp")
        guard FileManager.default.createFile(atPath: temporary.path, contents: nil) else {
            throw CheckpointError.unwritable(path: path, reason: "cannot create a file in \(folder.path)")
        }
        do {
            let handle = try FileHandle(forWritingTo: temporary)
            do {
                try handle.write(contentsOf: Data(bytes))
                try handle.synchronize()
                try handle.close()
            } catch {
                try? handle.close()
                throw error
            }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw CheckpointError.unwritable(path: path, reason: SystemErrorReason.reason(for: error))
        }
        if rename(temporary.path, destination.path) != 0 {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw CheckpointError.unwritable(path: path, reason: reason)
        }
    }

    // MARK: Loading

    /// Reads a checkpoint and copies its weights into `model`, whose architecture must match the
    /// file's parameter for parameter (names and shapes); activations and initializers may differ,
    /// as in PyTorch's `load_state_dict`. On any error the model is left unchanged.
    /// `name` is how errors name the file (default: the URL's relative path), for a file
    /// read from where the run staged it.
    public static func load(into model: VAE, from url: URL, named name: String? = nil) throws {
        let path = name ?? url.relativePath
        let (spec, stored) = try read(from: url, named: path)
        let parameters = model.parameters
        for index in 0..<max(stored.count, parameters.count) {
            let inFile = index < stored.count ? stored[index] : nil
            let inModel = index < parameters.count ? parameters[index] : nil
            if let inFile, let inModel, inFile.name == inModel.name, inFile.shape == inModel.shape,
               inFile.values.count == inModel.count { continue }
            let name = inFile?.name ?? inModel!.name
            throw CheckpointError.architectureMismatch(
                path: path,
                fileArchitecture: describe(spec, withKind: true),
                modelArchitecture: describe(model.spec, withKind: spec.kind != model.spec.kind),
                parameter: name,
                fileShape: stored.first(where: { $0.name == name })?.shape,
                modelShape: parameters.first(where: { $0.name == name })?.shape)
        }
        for (parameter, stored) in zip(parameters, stored) {
            for (index, value) in stored.values.enumerated() { parameter.value.data[index] = value }
        }
    }

    /// `784-[400]-20-[400]-784` (with ` with 1 residual block per hidden layer` when it has
    /// some), optionally preceded by `an MLP VAE ` / `a convolutional VAE `.
    static func describe(_ spec: ModelSpec, withKind: Bool) -> String {
        func list(_ sizes: [Int]) -> String { "[" + sizes.map(String.init).joined(separator: ",") + "]" }
        let image: String
        let kind: String
        switch spec.kind {
        case .mlp:
            image = "\(spec.pixels)"
            kind = "an MLP VAE "
        case .conv:
            image = "\(spec.imageChannels)×\(spec.imageHeight)×\(spec.imageWidth)"
            kind = "a convolutional VAE "
        }
        var shape = "\(image)-\(list(spec.encoder))-\(spec.latent)-\(list(spec.decoder))-\(image)"
        if spec.residualBlocks > 0 {
            shape += " with \(spec.residualBlocks) residual block\(spec.residualBlocks == 1 ? "" : "s") per hidden layer"
        }
        return withKind ? kind + shape : shape
    }

    /// The spec and parameters stored in a checkpoint, after checking its magic, version, size
    /// and checksum.
    public static func read(from url: URL, named name: String? = nil) throws
        -> (spec: ModelSpec, parameters: [(name: String, shape: [Int], values: [Float])]) {
        let path = name ?? url.relativePath
        let bytes = try readBytes(url, path: path)
        return try decode(bytes, path: path)
    }

    /// The spec and the parameters' names and shapes a checkpoint's header announces, read
    /// without its values or checksum, so a notebook can check a checkpoint fits its model
    /// before anything runs (`load` checks the whole file when it reads it).
    public static func header(at url: URL) throws -> (spec: ModelSpec, parameters: [(name: String, shape: [Int])]) {
        let path = url.relativePath
        let bytes = try readBytes(url, path: path)
        let magicSeen = min(bytes.count, magic.count)
        guard bytes[0..<magicSeen] == magic[0..<magicSeen] else { throw CheckpointError.notACheckpoint(path: path) }
        guard bytes.count >= prefixLength else {
            throw CheckpointError.truncated(path: path, expectedBytes: prefixLength + digestLength, actualBytes: bytes.count)
        }
        let version = loadUInt32(bytes, at: 8)
        guard (1...formatVersion).contains(version) else {
            throw CheckpointError.unsupportedVersion(path: path, version: version, supported: formatVersion)
        }
        let headerEnd = prefixLength + Int(loadUInt32(bytes, at: 12))
        guard bytes.count >= headerEnd + digestLength else {
            throw CheckpointError.truncated(path: path, expectedBytes: headerEnd + digestLength, actualBytes: bytes.count)
        }
        guard let header = try? JSONDecoder().decode(Header.self, from: Data(bytes[prefixLength..<headerEnd])) else {
            throw CheckpointError.corrupt(path: path, reason: "its header is not valid JSON of a checkpoint")
        }
        // Checked as `load` checks it, so no caller multiplies the file's image size unchecked.
        if let problem = specProblem(header.spec) {
            throw CheckpointError.corrupt(path: path, reason: "its model description is invalid: \(problem)")
        }
        // Version 1 stored dense weights [inputs, outputs]; `read` transposes them.
        return (header.spec, header.parameters.map { entry in
            (entry.name, version == 1 && entry.shape.count == 2 ? [entry.shape[1], entry.shape[0]] : entry.shape)
        })
    }

    static func readBytes(_ url: URL, path: String) throws -> [UInt8] {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) else {
            throw CheckpointError.fileNotFound(path: path)
        }
        if isFolder.boolValue { throw CheckpointError.unreadable(path: path, reason: "it is a folder") }
        if let reason = SystemErrorReason.notARegularFile(url.path) { throw CheckpointError.unreadable(path: path, reason: reason) }
        do {
            return Array(try Data(contentsOf: url))
        } catch {
            throw CheckpointError.unreadable(path: path, reason: SystemErrorReason.reason(for: error))
        }
    }

    private static func loadUInt32(_ bytes: [UInt8], at offset: Int) -> UInt32 {
        UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16
            | UInt32(bytes[offset + 3]) << 24
    }

    private static func checksumMatches(_ bytes: [UInt8], end: Int) -> Bool {
        let digest = bytes.withUnsafeBytes { SHA256.hash(UnsafeRawBufferPointer(rebasing: $0[0..<end])) }
        return digest.bytes[...] == bytes[end..<(end + digestLength)]
    }

    private static func decode(_ bytes: [UInt8], path: String)
        throws -> (spec: ModelSpec, parameters: [(name: String, shape: [Int], values: [Float])]) {
        let count = bytes.count
        // Magic: a short file that agrees with it so far is a cut-off checkpoint.
        let magicSeen = min(count, magic.count)
        guard bytes[0..<magicSeen] == magic[0..<magicSeen] else { throw CheckpointError.notACheckpoint(path: path) }
        guard count >= prefixLength else {
            throw CheckpointError.truncated(path: path, expectedBytes: prefixLength + digestLength, actualBytes: count)
        }
        let version = loadUInt32(bytes, at: 8)
        guard (1...formatVersion).contains(version) else {
            throw CheckpointError.unsupportedVersion(path: path, version: version, supported: formatVersion)
        }
        let headerLength = Int(loadUInt32(bytes, at: 12))
        let headerEnd = prefixLength + headerLength
        guard count >= headerEnd + digestLength else {
            throw CheckpointError.truncated(path: path, expectedBytes: headerEnd + digestLength, actualBytes: count)
        }

        // The header tells how long the file must be; it is checked against the checksum
        // before any of it is trusted.
        let header: Header
        do {
            header = try JSONDecoder().decode(Header.self, from: Data(bytes[prefixLength..<headerEnd]))
        } catch {
            // Either the header is damaged (then the checksum of the whole file fails) or it was
            // written by something else.
            guard checksumMatches(bytes, end: count - digestLength) else {
                throw CheckpointError.checksumMismatch(path: path)
            }
            throw CheckpointError.corrupt(path: path, reason: "its header is not valid JSON of a checkpoint")
        }
        var valueCount = 0
        var sizes: [Int] = []
        for entry in header.parameters {
            var size = 1
            for dimension in entry.shape {
                guard dimension > 0 else { try inconsistent(bytes, path, "parameter \(entry.name) has shape \(entry.shape)") }
                let (product, overflow) = size.multipliedReportingOverflow(by: dimension)
                guard !overflow, product <= count else {
                    try inconsistent(bytes, path, "parameter \(entry.name) has shape \(entry.shape)")
                }
                size = product
            }
            sizes.append(size)
            valueCount += size
            guard valueCount <= count else {
                try inconsistent(bytes, path, "its parameters hold more values than the file has bytes")
            }
        }
        let payloadEnd = headerEnd + 4 * valueCount
        let expected = payloadEnd + digestLength
        guard count >= expected else {
            throw CheckpointError.truncated(path: path, expectedBytes: expected, actualBytes: count)
        }
        guard checksumMatches(bytes, end: payloadEnd) else { throw CheckpointError.checksumMismatch(path: path) }
        guard count == expected else {
            throw CheckpointError.corrupt(path: path, reason: "it has \(count - expected) unexpected bytes after its checksum")
        }
        guard header.dtype == dtype else {
            throw CheckpointError.corrupt(path: path, reason: "its values are \(header.dtype), expected \(dtype)")
        }
        if let problem = specProblem(header.spec) {
            throw CheckpointError.corrupt(path: path, reason: "its model description is invalid: \(problem)")
        }

        var parameters: [(name: String, shape: [Int], values: [Float])] = []
        parameters.reserveCapacity(header.parameters.count)
        var offset = headerEnd
        for (entry, size) in zip(header.parameters, sizes) {
            var values = [Float](repeating: 0, count: size)
            for index in 0..<size {
                values[index] = Float(bitPattern: loadUInt32(bytes, at: offset + 4 * index))
            }
            offset += 4 * size
            if version == 1, entry.shape.count == 2 {
                // Stored [inputs, outputs]; the engine holds [outputs, inputs].
                let (inputs, outputs) = (entry.shape[0], entry.shape[1])
                var transposed = values
                for input in 0..<inputs {
                    for output in 0..<outputs { transposed[output * inputs + input] = values[input * outputs + output] }
                }
                parameters.append((name: entry.name, shape: [outputs, inputs], values: transposed))
            } else {
                parameters.append((name: entry.name, shape: entry.shape, values: values))
            }
        }
        return (header.spec, parameters)
    }

    /// A header that decodes but contradicts itself: damaged if the checksum fails, else corrupt.
    private static func inconsistent(_ bytes: [UInt8], _ path: String, _ reason: String) throws -> Never {
        guard checksumMatches(bytes, end: bytes.count - digestLength) else {
            throw CheckpointError.checksumMismatch(path: path)
        }
        throw CheckpointError.corrupt(path: path, reason: reason)
    }

    private static func specProblem(_ spec: ModelSpec) -> String? {
        if spec.latent <= 0 { return "latent size \(spec.latent)" }
        if let bad = (spec.encoder + spec.decoder).first(where: { $0 <= 0 }) { return "layer size \(bad)" }
        if spec.residualBlocks < 0 { return "\(spec.residualBlocks) residual blocks" }
        let (area, overflow1) = spec.imageHeight.multipliedReportingOverflow(by: spec.imageWidth)
        let (_, overflow2) = area.multipliedReportingOverflow(by: spec.imageChannels)
        if spec.imageChannels <= 0 || spec.imageHeight <= 0 || spec.imageWidth <= 0 || overflow1 || overflow2 {
            return "image size \(spec.imageChannels)×\(spec.imageHeight)×\(spec.imageWidth)"
        }
        return nil
    }
}
