import Checksums
import Foundation
import NotebookResults

/// The content-addressed store of block outputs and session snapshots for incremental runs.
///
/// By default `.notebook-cache/` beside the notebook (`--cache DIR` or `NOTEBOOK_CACHE`
/// choose another). The folder is one the tool made (see `CacheFolder`): it is read and
/// written only through its own descriptor, never through a link, and only files of the
/// cache's own name form are ever deleted. Entries are named by their key (see
/// `CacheKeys`), carry their kind and key, and are authenticated with the user's cache key
/// (see `CacheAuthenticationKey`): an entry that is damaged, edited, renamed or made with
/// another key is reported in one line and computed again. A cache that cannot be written
/// never fails a run.
public struct NotebookCache: Sendable {
    public var folder: URL { files.url }
    /// Past this many bytes, the oldest runs' entries are deleted after a run.
    public let sizeLimit: Int64
    /// Called with a one-line warning for each damaged entry, and once for a cache that
    /// cannot be written or entries made with another key.
    let warn: @Sendable (String) -> Void
    let files: CacheFolder
    let authentication: CacheAuthenticationKey
    private let unwritable = Flag()
    private let anotherKey = Flag()

    /// The default size limit: 2 GB.
    public static let defaultSizeLimit: Int64 = 2_000_000_000

    /// Opens the cache in `folder`, making it when it does not exist.
    ///
    /// - Throws: `CacheFolderError` when the folder is a link, is not a notebook cache, or
    ///   cannot be made or opened.
    public init(folder: URL, authentication: CacheAuthenticationKey, sizeLimit: Int64 = NotebookCache.defaultSizeLimit,
                warn: @escaping @Sendable (String) -> Void = { _ in }) throws(CacheFolderError) {
        self.files = try CacheFolder(opening: folder, warn: warn)
        self.authentication = authentication
        self.sizeLimit = sizeLimit
        self.warn = warn
    }

    /// The folder a notebook's cache lives in: `NOTEBOOK_CACHE` when set, else
    /// `.notebook-cache` beside the notebook.
    public static func defaultFolder(forNotebook path: String, environment: [String: String]) -> URL {
        if let chosen = environment["NOTEBOOK_CACHE"], !chosen.isEmpty { return URL(fileURLWithPath: chosen) }
        return URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent(".notebook-cache")
    }

    // MARK: - Command outputs

    /// One command's outputs and the files it wrote, as a cache entry.
    struct CachedCommand: Codable, Equatable {
        var outputs: [BlockOutput]
        var metrics: [Metric]
        var seconds: Double
        /// When the command was computed (ISO 8601), for the page footer.
        var computedAt: String
        /// Files the command wrote (`save weights`), written again when the entry is used.
        var files: [WrittenFile]
        /// The continuation entry a `train` left (its longer run), listed by every run that
        /// replays the command so it is never pruned while the command is in use.
        var continuation: String?
    }

    struct WrittenFile: Codable, Equatable {
        /// As the notebook wrote it, relative to the notebook's folder.
        var path: String
        /// SHA-256 of the bytes, the name of the blob that holds them.
        var digest: String
    }

    func block(_ key: String) -> CachedCommand? {
        guard let (header, _) = read(kind: "outputs", key: key) else { return nil }
        do {
            return try ResultsJSON.decoder().decode(CachedCommand.self, from: header)
        } catch {
            warn("warning: cache entry outputs/\(key.prefix(12)) cannot be read; computing it again")
            return nil
        }
    }

    func store(_ block: CachedCommand, key: String) {
        guard let header = try? ResultsJSON.encoder().encode(block) else { return }
        write(kind: "outputs", key: key, header: header, floats: [])
    }

    // MARK: - Session snapshots

    func hasSnapshot(_ key: String) -> Bool {
        files.holds("snapshots", key)
    }

    func snapshot(_ key: String) -> SessionSnapshot? {
        guard let (headerData, floats) = read(kind: "snapshots", key: key) else { return nil }
        guard let header = try? ResultsJSON.decoder().decode(SessionSnapshot.Header.self, from: headerData),
              header.arrayLengths.allSatisfy({ $0 >= 0 && $0 <= floats.count }),
              header.arrayLengths.reduce(0, +) == floats.count,
              header.models.allSatisfy({ SessionSnapshot.isPlausible($0.spec, storedFloats: floats.count) }),
              // Training that diverges stops before its state is kept: a weight or slot that
              // is not finite was never computed by a run.
              floats.allSatisfy(\.isFinite) else {
            warn("warning: cache entry snapshots/\(key.prefix(12)) is inconsistent; computing it again")
            return nil
        }
        var arrays: [[Float]] = []
        var offset = 0
        for length in header.arrayLengths {
            arrays.append(Array(floats[offset..<(offset + length)]))
            offset += length
        }
        return SessionSnapshot(header: header, arrays: arrays)
    }

    func store(_ snapshot: SessionSnapshot, key: String) {
        guard let header = try? ResultsJSON.encoder().encode(snapshot.header) else { return }
        write(kind: "snapshots", key: key, header: header, floats: snapshot.arrays)
    }

    // MARK: - Small JSON entries

    func entryHeader(kind: String, key: String) -> Data? {
        read(kind: kind, key: key)?.0
    }

    func storeEntry(kind: String, key: String, header: Data) {
        write(kind: kind, key: key, header: header, floats: [])
    }

    // MARK: - Blobs (files a block wrote)

    func storeBlob(_ bytes: Data) -> String {
        let digest = bytes.withUnsafeBytes { SHA256.hash($0).hex }
        if !files.holds("blobs", digest) {
            write(kind: "blobs", key: digest, header: bytes, floats: [])
        }
        return digest
    }

    func blob(_ digest: String) -> Data? {
        guard let (bytes, _) = read(kind: "blobs", key: digest) else { return nil }
        return bytes
    }

    // MARK: - Files

    /// Whether `key` is a key the cache makes: a SHA-256 in hex.
    static func isKey(_ key: String) -> Bool { CacheName.isKey(key) }

    /// The entry `kind`/`key`, checked: anything but an authentic entry of that kind and key
    /// is a miss, reported in one line (entries of another key once per run).
    private func read(kind: String, key: String) -> (Data, [Float])? {
        guard Self.isKey(key) else { return nil }
        let bytes: Data
        switch files.read(kind, key) {
        case .missing:
            return nil
        case .other:
            warn("warning: cache entry \(kind)/\(key.prefix(12)) is not a regular file (a link, folder, device "
                 + "or FIFO); it is not read, and it is computed again")
            return nil
        case .file(let data):
            bytes = data
        }
        do {
            return try CacheEntryFile.decode(bytes, kind: kind, key: key, authentication: authentication)
        } catch .anotherKey {
            if anotherKey.set() {
                warn("warning: the cache in \(folder.path) holds entries made with another cache key "
                     + "(another user's, or an earlier key); they are computed again")
            }
            return nil
        } catch {
            warn("warning: cache entry \(kind)/\(key.prefix(12)) cannot be used (\(error)); computing it again")
            return nil
        }
    }

    private func write(kind: String, key: String, header: Data, floats: [[Float]]) {
        let data = CacheEntryFile.encode(kind: kind, key: key, header: header, floats: floats,
                                         authentication: authentication)
        if !files.write(data, kind, key) { warnUnwritable() }
    }

    /// Says once per run that the cache cannot be written.
    func warnUnwritable() {
        if unwritable.set() {
            warn("warning: cannot write the cache in \(folder.path); this run's results are not kept "
                 + "(--cache DIR chooses another folder)")
        }
    }

    /// A flag set once, from any thread.
    private final class Flag: @unchecked Sendable {
        private var isSet = false
        private let lock = NSLock()
        /// Sets the flag; true the first time only.
        func set() -> Bool { lock.withLock { defer { isSet = true }; return !isSet } }
    }
}
