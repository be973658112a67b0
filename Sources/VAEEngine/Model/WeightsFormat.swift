import Foundation

/// The file format of saved weights, chosen by the file's extension: `.safetensors` is the
/// safetensors format PyTorch reads (`SafetensorsFile`); every other name, `.ckpt` first of
/// all, is the engine's own checksummed checkpoint (`Checkpoint`), as before the choice existed.
public enum WeightsFormat: String, Sendable, Equatable, CaseIterable {
    case checkpoint
    case safetensors

    /// The format for a file at `path` (case-insensitive extension).
    public init(path: String) {
        let pathExtension = (path as NSString).pathExtension.lowercased()
        self = pathExtension == SafetensorsFile.fileExtension ? .safetensors : .checkpoint
    }

    /// The whole file for `model`: a pure function of its weights (and, for safetensors,
    /// `metadata` besides the architecture and engine version always written).
    public func encode(_ model: VAE, metadata: [String: String] = [:], path: String) throws -> Data {
        switch self {
        case .checkpoint: return try Checkpoint.encode(model, path: path)
        case .safetensors: return SafetensorsFile.encode(model, metadata: SafetensorsFile.metadata(for: model, extra: metadata))
        }
    }

    /// Writes `model`'s weights to `url` atomically in this format.
    public func save(_ model: VAE, to url: URL, metadata: [String: String] = [:]) throws {
        let path = url.relativePath
        try Checkpoint.writeAtomically(Array(try encode(model, metadata: metadata, path: path)), to: url, path: path)
    }

    /// Reads the file at `url` into `model`; on any error the model is unchanged. `name` is
    /// how errors call the file (the path the notebook wrote, when `url` is a staged copy).
    public func load(into model: VAE, from url: URL, named name: String? = nil) throws {
        switch self {
        case .checkpoint: try Checkpoint.load(into: model, from: url, named: name)
        case .safetensors: try SafetensorsFile.load(into: model, from: url, named: name)
        }
    }
}
