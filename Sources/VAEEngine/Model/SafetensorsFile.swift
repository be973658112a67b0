import Foundation

/// A VAE's weights in the safetensors format, the file PyTorch's `safetensors.torch.save_file`
/// writes and `load_file` reads, so a model trained here loads into a PyTorch module (and back).
///
/// Layout (all integers little-endian):
///
/// | bytes | content |
/// | --- | --- |
/// | 8 | `UInt64` length `N` of the header |
/// | N | UTF-8 JSON: `{"__metadata__":{…},"NAME":{"dtype":"F32","shape":[…],"data_offsets":[BEGIN,END]},…}`, padded with spaces to a multiple of 8 bytes |
/// | rest | the tensors' bytes; `data_offsets` count from the first byte after the header |
///
/// Tensor names and shapes are the engine's parameters', which follow PyTorch's conventions
/// (`nn.Linear` `[out, in]`, `nn.Conv2d` `[out, in, kh, kw]`, `nn.ConvTranspose2d`
/// `[in, out, kh, kw]`, names by layer position as in an `nn.Sequential`), and the engine holds
/// its weights in exactly those row-major layouts, so the values are copied as they are.
/// `docs/interop.md` gives the names per model and a PyTorch module that reads them.
///
/// Writing does what the reference implementation does: tensors sorted by dtype, then by name
/// (here every tensor is `F32`), the header compact JSON with `__metadata__` first, spaces up
/// to 8-byte alignment. The same weights always give the same bytes.
///
/// Reading accepts any valid file, whatever order its tensors or keys are in: `F32` tensors,
/// and `F64`, `F16` and `BF16` ones converted to `Float` (rounded to nearest for `F64`; the two
/// 16-bit types convert exactly). Every problem is a `CheckpointError` naming the file and, where
/// there is one, the tensor; nothing traps, and nothing is allocated from a length in the file
/// before it is checked against the file's size.
public enum SafetensorsFile {
    /// The file extension that selects this format (`save weights vae.safetensors`).
    public static let fileExtension = "safetensors"
    /// The largest header the reference implementation reads, 100 MB.
    public static let maximumHeaderLength = 100_000_000

    /// A tensor's entry in the header, checked: `byteRange` lies inside the data and holds
    /// exactly `shape`'s elements of `dtype`.
    public struct Entry: Equatable, Sendable {
        public var name: String
        public var dtype: String
        public var shape: [Int]
        /// Offsets from the start of the data (the first byte after the header).
        public var byteRange: Range<Int>
    }

    /// A file's header: its free-form metadata (if any) and its tensors in the order of their data.
    public struct Header: Equatable, Sendable {
        public var metadata: [String: String]?
        public var entries: [Entry]
    }

    /// The element types read, with their sizes in bytes.
    static let dtypeSizes = ["F32": 4, "F64": 8, "F16": 2, "BF16": 2]

    // MARK: Writing

    /// The metadata written with a model: `format` `pt` (what `safetensors.torch` writes, which
    /// Hugging Face loaders look for), the engine's version, the architecture as a model line and
    /// as JSON, and `extra` (the notebook adds the likelihood).
    public static func metadata(for model: VAE, extra: [String: String] = [:]) -> [String: String] {
        let spec = model.spec
        func list(_ sizes: [Int]) -> String { "[" + sizes.map(String.init).joined(separator: ",") + "]" }
        var line = "model \(spec.kind.rawValue) encoder=\(list(spec.encoder)) latent=\(spec.latent) "
            + "decoder=\(list(spec.decoder)) activation=\(spec.activation.rawValue)"
        if spec.kind == .conv { line += " kernel=\(spec.kernel) stride=\(spec.stride)" }
        if spec.residualBlocks > 0 { line += " residual=\(spec.residualBlocks)" }
        var metadata = ["format": "pt", "engine_version": EngineInfo.version, "model": line,
                        "image": "\(spec.imageChannels)x\(spec.imageHeight)x\(spec.imageWidth)"]
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        if let json = try? encoder.encode(spec), let text = String(data: json, encoding: .utf8) {
            metadata["architecture"] = text
        }
        metadata.merge(extra) { _, new in new }
        return metadata
    }

    /// The whole file for `model`'s weights: a pure function of the weights and `metadata`.
    public static func encode(_ model: VAE, metadata: [String: String]) -> Data {
        // All tensors are F32, so the reference order is by name alone (byte-wise, as Rust
        // compares strings).
        let parameters = model.parameters.sorted { Array($0.name.utf8).lexicographicallyPrecedes(Array($1.name.utf8)) }
        var header = "{"
        var fields: [String] = []
        if !metadata.isEmpty {
            let pairs = metadata.keys.sorted().map { "\(jsonString($0)):\(jsonString(metadata[$0]!))" }
            fields.append("\"__metadata__\":{" + pairs.joined(separator: ",") + "}")
        }
        var offset = 0
        for parameter in parameters {
            let end = offset + 4 * parameter.count
            let shape = parameter.shape.map(String.init).joined(separator: ",")
            fields.append("\(jsonString(parameter.name)):{\"dtype\":\"F32\",\"shape\":[\(shape)],"
                          + "\"data_offsets\":[\(offset),\(end)]}")
            offset = end
        }
        header += fields.joined(separator: ",") + "}"
        var headerBytes = Array(header.utf8)
        // Spaces to a multiple of 8, so the data (and every F32 tensor) starts aligned.
        headerBytes += [UInt8](repeating: 0x20, count: (8 - headerBytes.count % 8) % 8)

        var bytes: [UInt8] = []
        bytes.reserveCapacity(8 + headerBytes.count + offset)
        var length = UInt64(headerBytes.count).littleEndian
        withUnsafeBytes(of: &length) { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: headerBytes)
        for parameter in parameters {
            let values = parameter.value.data
            for index in 0..<parameter.count {
                let bits = values[index].bitPattern
                bytes.append(UInt8(truncatingIfNeeded: bits))
                bytes.append(UInt8(truncatingIfNeeded: bits >> 8))
                bytes.append(UInt8(truncatingIfNeeded: bits >> 16))
                bytes.append(UInt8(truncatingIfNeeded: bits >> 24))
            }
        }
        return Data(bytes)
    }

    /// `text` as a JSON string literal, escaped as serde_json escapes it.
    static func jsonString(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case "\u{08}": result += "\\b"
            case "\u{0C}": result += "\\f"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }

    // MARK: Reading

    /// The checked header of the file's bytes: every tensor's entry valid, the tensors' data
    /// contiguous from the first byte after the header to the end of the file.
    public static func header(of data: Data, path: String) throws -> Header {
        let bytes = [UInt8](data)
        return try parse(bytes, path: path).header
    }

    /// The checked header of the file at `url`.
    public static func header(at url: URL) throws -> Header {
        try header(of: Data(Checkpoint.readBytes(url, path: url.relativePath)), path: url.relativePath)
    }

    /// Every tensor of the file's bytes, converted to `Float`, in the order of their data.
    public static func decode(_ data: Data, path: String) throws -> (header: Header, values: [[Float]]) {
        let bytes = [UInt8](data)
        let (header, dataStart) = try parse(bytes, path: path)
        let values = header.entries.map { entry in
            convert(bytes, from: dataStart + entry.byteRange.lowerBound, count: entry.shape.reduce(1, *), dtype: entry.dtype)
        }
        return (header, values)
    }

    /// Reads the file at `url` and copies its tensors into `model`'s parameters of the same
    /// names, which must be exactly the file's tensors, shape for shape. Metadata is not
    /// needed (a file PyTorch wrote has none of ours). On any error the model is unchanged.
    /// `name` is how errors call the file (the path the notebook wrote, when `url` is staged).
    public static func load(into model: VAE, from url: URL, named name: String? = nil) throws {
        let path = name ?? url.relativePath
        let (header, values) = try decode(Data(Checkpoint.readBytes(url, path: path)), path: path)
        if let mismatch = mismatch(header, model: model.parameters, modelSpec: model.spec, path: path) { throw mismatch }
        var byName: [String: [Float]] = [:]
        for (entry, tensor) in zip(header.entries, values) { byName[entry.name] = tensor }
        for parameter in model.parameters {
            byName[parameter.name]!.withUnsafeBufferPointer { buffer in
                parameter.value.data.update(from: buffer.baseAddress!, count: parameter.count)
            }
        }
    }

    /// The first way the file's tensors differ from `parameters` (the model's, in order: a
    /// missing or misshapen one first, then a tensor the model has no parameter for), or nil
    /// when they are the same names with the same shapes.
    public static func mismatch(_ header: Header, model parameters: [Parameter], modelSpec: ModelSpec,
                                path: String) -> CheckpointError? {
        var shapes: [String: [Int]] = [:]
        for entry in header.entries { shapes[entry.name] = entry.shape }
        func error(_ name: String, _ fileShape: [Int]?, _ modelShape: [Int]?) -> CheckpointError {
            .tensorMismatch(path: path, modelArchitecture: Checkpoint.describe(modelSpec, withKind: true),
                            fileModel: header.metadata?["model"], tensor: name, fileShape: fileShape, modelShape: modelShape)
        }
        for parameter in parameters where shapes[parameter.name] != parameter.shape {
            return error(parameter.name, shapes[parameter.name], parameter.shape)
        }
        let names = Set(parameters.map(\.name))
        if let extra = header.entries.first(where: { !names.contains($0.name) }) {
            return error(extra.name, extra.shape, nil)
        }
        return nil
    }

    private static func parse(_ bytes: [UInt8], path: String) throws -> (header: Header, dataStart: Int) {
        func corrupt(_ reason: String) -> CheckpointError { .corrupt(path: path, reason: reason) }
        guard bytes.count >= 8 else { throw CheckpointError.truncated(path: path, expectedBytes: 8, actualBytes: bytes.count) }
        if Array(bytes[0..<8]) == Checkpoint.magic {
            throw corrupt("it is a checkpoint in the engine's own format, not safetensors; give it the extension .ckpt")
        }
        var length: UInt64 = 0
        for index in (0..<8).reversed() { length = length << 8 | UInt64(bytes[index]) }
        // Checked against the file before anything is sized from it.
        guard length <= UInt64(bytes.count - 8) else {
            throw corrupt("its header length (\(length) bytes) is larger than the file (\(bytes.count) bytes)")
        }
        guard length <= UInt64(maximumHeaderLength) else {
            throw corrupt("its header length (\(length) bytes) is larger than the \(maximumHeaderLength) bytes safetensors allows")
        }
        let dataStart = 8 + Int(length)
        let json: Any
        do {
            json = try JSONSerialization.jsonObject(with: Data(bytes[8..<dataStart]))
        } catch {
            throw corrupt("its header is not valid JSON")
        }
        guard let object = json as? [String: Any] else { throw corrupt("its header is not a JSON object") }

        var metadata: [String: String]?
        var entries: [Entry] = []
        let dataLength = bytes.count - dataStart
        for name in object.keys.sorted() {
            let value = object[name]!
            if name == "__metadata__" {
                guard let map = value as? [String: Any], let strings = map as? [String: String] else {
                    throw corrupt("its __metadata__ is not a map from strings to strings")
                }
                metadata = strings
                continue
            }
            func bad(_ reason: String) -> CheckpointError { corrupt("tensor \(name) \(reason)") }
            guard let fields = value as? [String: Any] else { throw bad("is not described by a JSON object") }
            guard let dtype = fields["dtype"] as? String else { throw bad("has no dtype") }
            guard let size = dtypeSizes[dtype] else {
                throw bad("has dtype \(dtype); the engine reads F32, and F64, F16 and BF16 converted to F32")
            }
            guard let shape = integers(fields["shape"]) else { throw bad("has no shape of non-negative integers") }
            guard let offsets = integers(fields["data_offsets"]), offsets.count == 2, offsets[0] <= offsets[1] else {
                throw bad("has no data_offsets [begin, end] with begin ≤ end")
            }
            var byteCount = size
            for dimension in shape {
                let (product, overflow) = byteCount.multipliedReportingOverflow(by: dimension)
                guard !overflow else { throw bad("has a shape too large to address: \(shapeText(shape))") }
                byteCount = product
            }
            guard offsets[1] - offsets[0] == byteCount else {
                throw bad("has shape \(shapeText(shape)) of \(dtype), \(byteCount) bytes, "
                          + "but its data_offsets [\(offsets[0]), \(offsets[1])] hold \(offsets[1] - offsets[0])")
            }
            guard offsets[1] <= dataLength else {
                // An end near Int.max is no file's size: the sum that would report it overflows.
                let (expected, overflow) = dataStart.addingReportingOverflow(offsets[1])
                guard !overflow else {
                    throw bad("has data_offsets [\(offsets[0]), \(offsets[1])] beyond the end of any file")
                }
                throw CheckpointError.truncated(path: path, expectedBytes: expected, actualBytes: bytes.count)
            }
            entries.append(Entry(name: name, dtype: dtype, shape: shape, byteRange: offsets[0]..<offsets[1]))
        }
        // The data must be the tensors back to back: no overlap, no gap, nothing after.
        entries.sort { ($0.byteRange.lowerBound, $0.byteRange.upperBound, $0.name) < ($1.byteRange.lowerBound, $1.byteRange.upperBound, $1.name) }
        var end = 0
        for (index, entry) in entries.enumerated() {
            if entry.byteRange.lowerBound < end {
                throw corrupt("tensors \(entries[index - 1].name) and \(entry.name) overlap (bytes \(entry.byteRange.lowerBound)..<\(end) of the data)")
            }
            if entry.byteRange.lowerBound > end {
                throw corrupt("no tensor covers bytes \(end)..<\(entry.byteRange.lowerBound) of the data, before tensor \(entry.name)")
            }
            end = entry.byteRange.upperBound
        }
        if end != dataLength {
            throw corrupt("it has \(dataLength - end) bytes after its last tensor's data that no tensor covers")
        }
        return (Header(metadata: metadata, entries: entries), dataStart)
    }

    /// A JSON array of non-negative integers, or nil.
    private static func integers(_ value: Any?) -> [Int]? {
        guard let array = value as? [Any] else { return nil }
        var result: [Int] = []
        for element in array {
            // Whole numbers in range only: 2.5, -1 or 1e30 do not convert.
            guard let number = element as? Int, number >= 0 else { return nil }
            result.append(number)
        }
        return result
    }

    private static func shapeText(_ shape: [Int]) -> String { "[" + shape.map(String.init).joined(separator: ", ") + "]" }

    /// `count` values of `dtype` from `bytes` at `start`, as `Float`.
    private static func convert(_ bytes: [UInt8], from start: Int, count: Int, dtype: String) -> [Float] {
        func unsigned(_ at: Int, _ width: Int) -> UInt64 {
            var value: UInt64 = 0
            for index in (0..<width).reversed() { value = value << 8 | UInt64(bytes[at + index]) }
            return value
        }
        var values = [Float](repeating: 0, count: count)
        switch dtype {
        case "F32":
            for index in 0..<count { values[index] = Float(bitPattern: UInt32(unsigned(start + 4 * index, 4))) }
        case "F64":
            for index in 0..<count { values[index] = Float(Double(bitPattern: unsigned(start + 8 * index, 8))) }
        case "F16":
            for index in 0..<count { values[index] = Float(Float16(bitPattern: UInt16(unsigned(start + 2 * index, 2)))) }
        default:  // BF16: the upper half of an F32
            for index in 0..<count { values[index] = Float(bitPattern: UInt32(unsigned(start + 2 * index, 2)) << 16) }
        }
        return values
    }
}
