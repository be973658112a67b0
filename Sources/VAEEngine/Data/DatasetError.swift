/// Why a dataset file could not be used. `description` is the one-line message a user reads;
/// it always starts with the path of the file concerned.
public enum DatasetError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file (or the folder that should hold it) does not exist.
    case fileNotFound(path: String, reason: String)
    /// The file exists but cannot be read (permissions, a folder, an I/O error, too large).
    case unreadable(path: String, reason: String)
    /// The file starts as gzip but its compressed stream is damaged or cut short.
    case corruptGzip(path: String, reason: String)
    /// The (decompressed) bytes are not a valid IDX file of unsigned bytes.
    case invalidIDX(path: String, reason: String)
    /// The bytes are not a `.npy` array the reader accepts.
    case invalidNPY(path: String, reason: String)
    /// A file of a dataset with known checksums (MNIST) is there but holds other bytes.
    case checksumMismatch(path: String, reason: String)
    /// Each file is valid IDX but the files do not make a dataset together
    /// (wrong shapes, image and label counts that differ, labels out of range).
    case invalidDataset(path: String, reason: String)

    /// The file the error is about.
    public var path: String {
        switch self {
        case .fileNotFound(let path, _), .unreadable(let path, _), .corruptGzip(let path, _),
             .invalidIDX(let path, _), .invalidNPY(let path, _), .checksumMismatch(let path, _), .invalidDataset(let path, _):
            return path
        }
    }

    /// What is wrong with the file, without the path.
    public var reason: String {
        switch self {
        case .fileNotFound(_, let reason), .unreadable(_, let reason), .corruptGzip(_, let reason),
             .invalidIDX(_, let reason), .invalidNPY(_, let reason), .checksumMismatch(_, let reason),
             .invalidDataset(_, let reason):
            return reason
        }
    }

    /// `path: reason`, e.g.
    /// `/data/train-images-idx3-ubyte.gz: truncated: expected 47040000 bytes of data, found 1000`.
    public var description: String { "\(path): \(reason)" }
}
