import Checksums
import Foundation
import NotebookResults

/// The content-addressed store of block outputs and session snapshots for incremental runs.
///
/// By default `.notebook-cache/` beside the notebook (`--cache DIR` or `NOTEBOOK_CACHE`
/// choose another). Entries are named by their key (see `CacheKeys`), written to a
/// temporary file and renamed into place, and carry a checksum: a damaged entry is reported
/// in one line and computed again. A cache that cannot be written never fails a run.
public struct NotebookCache: Sendable {
    public let folder: URL
    /// Past this many bytes, the oldest runs' entries are deleted after a run.
    public let sizeLimit: Int64
    /// Called with a one-line warning for each damaged entry, and once for a cache that
    /// cannot be written.
    let warn: @Sendable (String) -> Void
    private let unwritable = Flag()

    /// The default size limit: 2 GB.
    public static let defaultSizeLimit: Int64 = 2_000_000_000

    public init(folder: URL, sizeLimit: Int64 = NotebookCache.defaultSizeLimit,
                warn: @escaping @Sendable (String) -> Void = { _ in }) {
        self.folder = folder
        self.sizeLimit = sizeLimit
        self.warn = warn
    }

    /// The folder a notebook's cache lives in: `NOTEBOOK_CACHE` when set, else
    /// `.notebook-cache` beside the notebook.
    public static func defaultFolder(forNotebook path: String, environment: [String: String]) -> URL {
        if let chosen = environment["NOTEBOOK_CACHE"], !chosen.isEmpty { return URL(fileURLWithPath: chosen) }
        return URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent(".notebook-cache")
    }

    // MARK: - Block outputs

    /// A block's outputs and the files it wrote, as a cache entry.
    struct CachedBlock: Codable, Equatable {
        var outputs: [BlockOutput]
        var metrics: [Metric]
        var seconds: Double
        /// When the block was computed (ISO 8601), for the page footer.
        var computedAt: String
        /// Files the block wrote (`save weights`), written again when the entry is used.
        var files: [WrittenFile]
    }

    struct WrittenFile: Codable, Equatable {
        /// As the notebook wrote it, relative to the notebook's folder.
        var path: String
        /// SHA-256 of the bytes, the name of the blob that holds them.
        var digest: String
    }

    func block(_ key: String) -> CachedBlock? {
        guard let (header, _) = read(kind: "outputs", key: key) else { return nil }
        do {
            return try ResultsJSON.decoder().decode(CachedBlock.self, from: header)
        } catch {
            warn("warning: cache entry outputs/\(key) cannot be read; computing it again")
            return nil
        }
    }

    func store(_ block: CachedBlock, key: String) {
        guard let header = try? ResultsJSON.encoder().encode(block) else { return }
        write(CacheEntryFile.encode(kind: "outputs", header: header, floats: []), kind: "outputs", key: key)
    }

    // MARK: - Session snapshots

    func hasSnapshot(_ key: String) -> Bool {
        Self.isKey(key) && FileManager.default.fileExists(atPath: entryURL(kind: "snapshots", key: key).path)
    }

    func snapshot(_ key: String, kind: String = "snapshots") -> SessionSnapshot? {
        guard let (headerData, floats) = read(kind: kind, key: key, entryKind: "snapshots") else { return nil }
        guard let header = try? ResultsJSON.decoder().decode(SessionSnapshot.Header.self, from: headerData),
              header.arrayLengths.allSatisfy({ $0 >= 0 && $0 <= floats.count }),
              header.arrayLengths.reduce(0, +) == floats.count,
              header.models.allSatisfy({ SessionSnapshot.isPlausible($0.spec, storedFloats: floats.count) }) else {
            warn("warning: cache entry \(kind)/\(key.prefix(12)) is inconsistent; computing it again")
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

    func store(_ snapshot: SessionSnapshot, key: String, kind: String = "snapshots") {
        guard let header = try? ResultsJSON.encoder().encode(snapshot.header) else { return }
        write(CacheEntryFile.encode(kind: "snapshots", header: header, floats: snapshot.arrays), kind: kind, key: key)
    }

    // MARK: - Small JSON entries

    func entryHeader(kind: String, key: String) -> Data? {
        read(kind: kind, key: key, entryKind: kind)?.0
    }

    func storeEntry(kind: String, key: String, header: Data) {
        write(CacheEntryFile.encode(kind: kind, header: header, floats: []), kind: kind, key: key)
    }

    // MARK: - Blobs (files a block wrote)

    func storeBlob(_ bytes: Data) -> String {
        let digest = bytes.withUnsafeBytes { SHA256.hash($0).hex }
        if !FileManager.default.fileExists(atPath: entryURL(kind: "blobs", key: digest).path) {
            write(CacheEntryFile.encode(kind: "blob", header: bytes, floats: []), kind: "blobs", key: digest)
        }
        return digest
    }

    func blob(_ digest: String) -> Data? {
        guard let (bytes, _) = read(kind: "blobs", key: digest, entryKind: "blob") else { return nil }
        return bytes
    }

    // MARK: - Files

    private func entryURL(kind: String, key: String) -> URL {
        folder.appendingPathComponent(kind).appendingPathComponent(key)
    }

    /// Whether `key` is a key the cache makes: a SHA-256 in hex. Keys also come from entries
    /// (a continuation names its snapshot), and an entry is trusted no more than a stranger:
    /// a key such as `../../x` must never become a path.
    static func isKey(_ key: String) -> Bool {
        key.utf8.count == 64 && key.utf8.allSatisfy {
            (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0)
        }
    }

    private func read(kind: String, key: String, entryKind: String? = nil) -> (Data, [Float])? {
        guard Self.isKey(key) else { return nil }
        let url = entryURL(kind: kind, key: key)
        guard let data = FileManager.default.contents(atPath: url.path) else { return nil }
        do {
            return try CacheEntryFile.decode(data, kind: entryKind ?? kind)
        } catch {
            warn("warning: cache entry \(kind)/\(key.prefix(12)) is damaged (\(error)); computing it again")
            try? FileManager.default.removeItem(at: url)
            return nil
        }
    }

    private func write(_ data: Data, kind: String, key: String) {
        let folder = self.folder.appendingPathComponent(kind)
        let destination = folder.appendingPathComponent(key)
        let temporary = folder.appendingPathComponent(".\(key).\(ProcessInfo.processInfo.processIdentifier).tmp")
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try data.write(to: temporary)
            guard rename(temporary.path, destination.path) == 0 else {
                throw CocoaError(.fileWriteUnknown)
            }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            warnUnwritable()
        }
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
