import Checksums
import CZlib
import Foundation

/// An n-dimensional array of unsigned bytes as stored in an IDX file (the MNIST format).
public struct IDXArray: Sendable, Equatable {
    /// Sizes of the dimensions, outermost first (`[60000, 28, 28]` for MNIST training images).
    public var dimensions: [Int]
    /// The elements in row-major order; `bytes.count` is the product of `dimensions`.
    public var bytes: [UInt8]

    public init(dimensions: [Int], bytes: [UInt8]) {
        self.dimensions = dimensions
        self.bytes = bytes
    }
}

/// An IDX array read from disk with the checksum of the file it came from.
public struct IDXFile: Sendable, Equatable {
    public var array: IDXArray
    /// SHA-256 (64 lowercase hex digits) of the file bytes as stored on disk, i.e. of the
    /// compressed bytes for a `.gz` file.
    public var sha256: String

    public init(array: IDXArray, sha256: String) {
        self.array = array
        self.sha256 = sha256
    }
}

/// Reads IDX files of unsigned bytes (magic `00 00 08 ndim`, big-endian `UInt32` dimensions,
/// then the data), raw or gzip-compressed: a file that starts with the gzip magic `1F 8B` is
/// decompressed, any other file is read as it is.
///
/// Every problem is reported as a `DatasetError` naming the file; no byte sequence makes the
/// reader trap. Deliberately strict: bytes after the data the header describes are an error,
/// and so are bytes after the end of the gzip stream that are not a further gzip member.
public enum IDXReader {
    /// The largest data section accepted (2 GiB); larger dimension products are rejected
    /// before anything is allocated.
    public static let maximumDataByteCount = 1 << 31

    /// Files (and in-memory inputs) larger than this are rejected before being read.
    public static let maximumFileByteCount = 3 << 30

    /// Reads and validates the IDX file at `path` and computes the SHA-256 of its bytes.
    /// - Throws: `DatasetError`.
    public static func read(path: String) throws -> IDXFile {
        try read(paths: [path])[0]
    }

    /// Reads several IDX files, decompressing and hashing them in parallel (the results do not
    /// depend on thread timing). The error thrown is the one of the first failing path in
    /// `paths` order, as if the files were read one after the other.
    /// - Throws: `DatasetError`.
    public static func read(paths: [String]) throws -> [IDXFile] {
        // Read the stored bytes in order, up to the first file that cannot be read.
        var files: [FileBytes] = []
        defer { files.forEach { $0.deallocate() } }
        var readError: Error?
        for path in paths {
            do {
                files.append(try FileBytes(path: path))
            } catch {
                readError = error
                break
            }
        }

        // One decode and one hash job per file, longest first (inflating costs several
        // times more per stored byte than hashing).
        enum Job { case decode(Int), hash(Int) }
        var jobs: [(job: Job, cost: Int)] = []
        for (index, file) in files.enumerated() {
            jobs.append((.decode(index), file.buffer.count * 8))
            jobs.append((.hash(index), file.buffer.count))
        }
        jobs.sort { $0.cost > $1.cost }
        let buffers = files.map { SharedBuffer(buffer: UnsafeRawBufferPointer($0.buffer)) }
        let arrays = Slots<Result<IDXArray, Error>>(count: files.count)
        let digests = Slots<String>(count: files.count)
        let orderedJobs = jobs.map(\.job)
        let run: @Sendable (Int) -> Void = { jobIndex in
            switch orderedJobs[jobIndex] {
            case .decode(let file):
                arrays.set(file, Result { try decode(buffers[file].buffer, path: paths[file]) })
            case .hash(let file):
                digests.set(file, SHA256.hash(buffers[file].buffer).hex)
            }
        }
        if orderedJobs.count <= 2 && files.first.map({ $0.buffer.count < 1 << 20 }) ?? true {
            (0..<orderedJobs.count).forEach(run)  // not worth a thread
        } else {
            DispatchQueue.concurrentPerform(iterations: orderedJobs.count, execute: run)
        }

        var results: [IDXFile] = []
        for (array, digest) in zip(arrays.values, digests.values) {
            results.append(IDXFile(array: try array.get(), sha256: digest))
        }
        if let readError { throw readError }
        return results
    }

    /// Decodes the bytes of an IDX file (raw or gzip) held in memory; `path` is only used
    /// in error messages.
    /// - Throws: `DatasetError`.
    public static func decode(_ bytes: [UInt8], path: String) throws -> IDXArray {
        try bytes.withUnsafeBytes { try decode($0, path: path) }
    }

    /// Decodes the bytes of an IDX file (raw or gzip) held in memory; `path` is only used
    /// in error messages.
    /// - Throws: `DatasetError`.
    public static func decode(_ buffer: UnsafeRawBufferPointer, path: String) throws -> IDXArray {
        if buffer.count > maximumFileByteCount {
            throw DatasetError.invalidIDX(
                path: path, reason: "too large: \(buffer.count) bytes, more than an IDX dataset file may hold")
        }
        if buffer.count >= 2, buffer[0] == 0x1F, buffer[1] == 0x8B {
            var source = try GzipSource(buffer, path: path)
            defer { source.end() }
            return try parse(&source, path: path)
        } else {
            var source = RawSource(buffer: buffer)
            return try parse(&source, path: path)
        }
    }

    // MARK: - Parsing

    fileprivate static let typeNames: [UInt8: String] = [
        0x08: "unsigned byte", 0x09: "signed byte", 0x0B: "16-bit integer",
        0x0C: "32-bit integer", 0x0D: "32-bit float", 0x0E: "64-bit float",
    ]

    fileprivate static func hexBytes(_ bytes: ArraySlice<UInt8>) -> String {
        bytes.map { byte in
            let digits = String(byte, radix: 16, uppercase: true)
            return digits.count == 1 ? "0" + digits : digits
        }.joined(separator: " ")
    }

    private static func parse<Source: ByteSource>(_ source: inout Source, path: String) throws -> IDXArray {
        func invalid(_ reason: String) -> DatasetError { .invalidIDX(path: path, reason: reason) }

        // Magic: 00 00 <type> <ndim>.
        var header = [UInt8](repeating: 0, count: 4 + 4 * 4)
        let magicCount = try header.withUnsafeMutableBytes {
            try source.read(into: UnsafeMutableRawBufferPointer(rebasing: $0[0..<4]))
        }
        if magicCount == 0 {
            throw invalid("empty: expected an IDX header")
        }
        if magicCount < 4 {
            throw invalid("truncated header: expected at least 4 bytes, found \(magicCount)")
        }
        let type = header[2]
        let ndim = Int(header[3])
        if header[0] != 0 || header[1] != 0 || typeNames[type] == nil {
            throw invalid("not an IDX file: it starts with bytes \(hexBytes(header[0..<4])), "
                + "expected 00 00 08 and a number of dimensions")
        }
        if type != 0x08 {
            let hex = hexBytes(header[2..<3])
            throw invalid("unsupported data type 0x\(hex) (\(typeNames[type]!)); "
                + "only 0x08 (unsigned byte) is supported")
        }
        if !(1...4).contains(ndim) {
            throw invalid("unsupported number of dimensions \(ndim) (expected 1 to 4)")
        }

        // Dimensions: ndim big-endian UInt32.
        let headerCount = 4 + 4 * ndim
        let dimensionBytes = try header.withUnsafeMutableBytes {
            try source.read(into: UnsafeMutableRawBufferPointer(rebasing: $0[4..<headerCount]))
        }
        if dimensionBytes < 4 * ndim {
            throw invalid("truncated header: expected \(headerCount) bytes, found \(4 + dimensionBytes)")
        }
        var dimensions: [Int] = []
        for index in 0..<ndim {
            let offset = 4 + 4 * index
            let value = UInt32(header[offset]) << 24 | UInt32(header[offset + 1]) << 16
                | UInt32(header[offset + 2]) << 8 | UInt32(header[offset + 3])
            dimensions.append(Int(value))
        }
        let dataCount = try dataByteCount(dimensions, path: path)

        // Data: read straight into the result; never allocate more than the source can hold.
        let capacity = min(dataCount, source.remainingUpperBound)
        let bytes = try [UInt8](unsafeUninitializedCapacity: capacity) { buffer, initialized in
            initialized = try source.read(into: UnsafeMutableRawBufferPointer(buffer))
        }
        if bytes.count < dataCount {
            var found = bytes.count
            if bytes.count == capacity { found += try countRemaining(&source) }
            if found < dataCount {
                throw invalid("truncated: expected \(dataCount) bytes of data, found \(found)")
            }
            throw invalid("internal error: the size bound of the input was wrong")
        }
        let extra = try countRemaining(&source)
        if extra > 0 {
            throw invalid("trailing data: \(extra) bytes after the \(dataCount) bytes of data "
                + "the header describes")
        }
        return IDXArray(dimensions: dimensions, bytes: bytes)
    }

    /// The bytes of data `dimensions` describe, multiplied with overflow checks: a product over
    /// `maximumDataByteCount` (or beyond `Int`) is an error naming the file, unless a dimension
    /// is 0 and the array is empty.
    fileprivate static func dataByteCount(_ dimensions: [Int], path: String) throws -> Int {
        if dimensions.contains(0) { return 0 }
        var dataCount = 1
        for dimension in dimensions {
            let (product, overflow) = dataCount.multipliedReportingOverflow(by: dimension)
            if overflow || product > maximumDataByteCount {
                let shape = dimensions.map(String.init).joined(separator: " × ")
                throw DatasetError.invalidIDX(path: path, reason: "dimensions \(shape) describe more than the "
                    + "\(maximumDataByteCount) bytes of data an IDX file may hold")
            }
            dataCount = product
        }
        return dataCount
    }

    /// Reads the rest of `source`, returning how many bytes there were.
    private static func countRemaining<Source: ByteSource>(_ source: inout Source) throws -> Int {
        var scratch = [UInt8](repeating: 0, count: 1 << 16)
        var total = 0
        while true {
            let got = try scratch.withUnsafeMutableBytes { try source.read(into: $0) }
            total += got
            if got < scratch.count { return total }
        }
    }
}

// MARK: - Byte sources

/// Sequential bytes: `read` fills `buffer` completely unless the input ends first.
private protocol ByteSource {
    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
    /// No more than this many bytes can still come out.
    var remainingUpperBound: Int { get }
}

private struct RawSource: ByteSource {
    let buffer: UnsafeRawBufferPointer
    var offset = 0

    init(buffer: UnsafeRawBufferPointer) { self.buffer = buffer }

    mutating func read(into target: UnsafeMutableRawBufferPointer) throws -> Int {
        let count = min(target.count, buffer.count - offset)
        if count > 0 {
            target.baseAddress!.copyMemory(from: buffer.baseAddress! + offset, byteCount: count)
            offset += count
        }
        return count
    }

    var remainingUpperBound: Int { buffer.count - offset }
}

/// Decompresses one or more concatenated gzip members held in memory with zlib's inflate.
private struct GzipSource: ByteSource {
    let path: String
    /// zlib keeps a pointer back to its `z_stream`, so the stream lives at a fixed address.
    let stream: UnsafeMutablePointer<z_stream>
    var finished = false

    init(_ input: UnsafeRawBufferPointer, path: String) throws {
        self.path = path
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        // 15 + 16: a gzip wrapper (not zlib, not raw deflate) with the largest window.
        let status = inflateInit2_(stream, 15 + 16, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else {
            stream.deinitialize(count: 1)
            stream.deallocate()
            throw DatasetError.unreadable(path: path, reason: "cannot start gzip decompression (zlib error \(status))")
        }
        let bytes = input.baseAddress!.assumingMemoryBound(to: UInt8.self)
        stream.pointee.next_in = UnsafeMutablePointer(mutating: bytes)  // zlib never writes to it
        stream.pointee.avail_in = UInt32(input.count)  // files are limited well below 4 GiB
    }

    func end() {
        inflateEnd(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
    }

    private func corrupt(_ reason: String) -> DatasetError {
        .corruptGzip(path: path, reason: reason)
    }

    private var truncated: DatasetError {
        corrupt("truncated gzip stream: the file ends before the compressed data does")
    }

    mutating func read(into target: UnsafeMutableRawBufferPointer) throws -> Int {
        guard let base = target.baseAddress, target.count > 0 else { return 0 }
        var produced = 0
        while produced < target.count && !finished {
            let chunk = min(target.count - produced, Int(UInt32.max))
            stream.pointee.next_out = (base + produced).assumingMemoryBound(to: UInt8.self)
            stream.pointee.avail_out = UInt32(chunk)
            let status = inflate(stream, Z_NO_FLUSH)
            produced += chunk - Int(stream.pointee.avail_out)
            switch status {
            case Z_OK:
                if stream.pointee.avail_in == 0 && stream.pointee.avail_out > 0 { throw truncated }
            case Z_STREAM_END:
                let rest = Int(stream.pointee.avail_in)
                if rest == 0 {
                    finished = true
                } else if rest >= 2 && stream.pointee.next_in[0] == 0x1F && stream.pointee.next_in[1] == 0x8B {
                    inflateReset(stream)  // another gzip member follows, as `gzip -d` accepts
                } else {
                    throw corrupt("trailing garbage: \(rest) bytes after the end of the gzip stream")
                }
            case Z_BUF_ERROR:
                if stream.pointee.avail_in == 0 { throw truncated }
                throw corrupt("corrupt gzip stream: decompression made no progress")
            case Z_DATA_ERROR:
                let message = stream.pointee.msg.map { String(cString: $0) } ?? "invalid compressed data"
                throw corrupt("corrupt gzip stream: \(message)")
            case Z_NEED_DICT:
                throw corrupt("corrupt gzip stream: it asks for a preset dictionary")
            case Z_MEM_ERROR:
                throw DatasetError.unreadable(path: path, reason: "out of memory while decompressing")
            default:
                throw corrupt("corrupt gzip stream: zlib error \(status)")
            }
        }
        return produced
    }

    /// Deflate expands at most 1032:1; allow some slack for the gzip framing.
    var remainingUpperBound: Int {
        let rest = Int(stream.pointee.avail_in)
        let (bound, overflow) = rest.multipliedReportingOverflow(by: 1032)
        return overflow ? Int.max : bound + (1 << 16)
    }
}

// MARK: - Parallel reading

/// Read-only bytes shared by the jobs of `IDXReader.read(paths:)`, which outlive them.
private struct SharedBuffer: @unchecked Sendable {
    let buffer: UnsafeRawBufferPointer
}

/// One value per parallel job; each job writes only its own slot.
private final class Slots<Value>: @unchecked Sendable {
    private var slots: [Value?]
    private let lock = NSLock()

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ value: Value) {
        lock.lock()
        slots[index] = value
        lock.unlock()
    }

    /// All values; call after every job has finished.
    var values: [Value] {
        lock.lock()
        defer { lock.unlock() }
        return slots.map { $0! }
    }
}

// MARK: - Reading a whole file

/// The bytes of a file, read in one go into memory that is freed by `deallocate()`.
private struct FileBytes {
    /// The file's bytes.
    let buffer: UnsafeMutableRawBufferPointer
    /// The memory holding them (one byte longer).
    private let allocation: UnsafeMutableRawBufferPointer
    /// The size of the whole file (more than `buffer.count` when only a prefix was read).
    let size: Int

    /// Reads the file, or with `limit` only its first `limit` bytes.
    init(path: String, limit: Int? = nil) throws {
        let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)  // O_NONBLOCK: a FIFO must not hang
        if descriptor < 0 {
            throw Self.openError(path: path, errno: errno)
        }
        defer { close(descriptor) }
        var info = stat()
        if fstat(descriptor, &info) != 0 {
            throw DatasetError.unreadable(path: path, reason: String(cString: strerror(errno)))
        }
        let kind = info.st_mode & S_IFMT
        if kind == S_IFDIR {
            throw DatasetError.unreadable(path: path, reason: "is a folder, not a file")
        }
        if kind != S_IFREG {
            throw DatasetError.unreadable(path: path, reason: "not a regular file")
        }
        let size = Int(info.st_size)
        self.size = size
        if limit == nil, size > IDXReader.maximumFileByteCount {
            throw DatasetError.invalidIDX(
                path: path, reason: "too large: \(size) bytes, more than an IDX dataset file may hold")
        }
        // One spare byte to notice a file that grew since fstat.
        let wanted = min(size, limit ?? size)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: wanted + 1, alignment: 16)
        var filled = 0
        while filled < buffer.count {
            let got = read(descriptor, buffer.baseAddress! + filled, buffer.count - filled)
            if got < 0 {
                if errno == EINTR { continue }
                let reason = String(cString: strerror(errno))
                buffer.deallocate()
                throw DatasetError.unreadable(path: path, reason: "read failed: \(reason)")
            }
            if got == 0 { break }
            filled += got
        }
        if limit != nil, size > wanted, filled >= wanted {
            filled = wanted  // a prefix: the spare byte holds the next byte of the file
        } else if filled != size {
            buffer.deallocate()
            throw DatasetError.unreadable(path: path, reason: "the file changed size while it was read")
        }
        self.allocation = buffer
        self.buffer = UnsafeMutableRawBufferPointer(start: buffer.baseAddress!, count: filled)
    }

    func deallocate() {
        allocation.deallocate()
    }

    private static func openError(path: String, errno code: Int32) -> DatasetError {
        switch code {
        case ENOENT: return .fileNotFound(path: path, reason: "no such file")
        case ENOTDIR: return .fileNotFound(path: path, reason: "no such file (a part of the path is not a folder)")
        case EACCES: return .unreadable(path: path, reason: "permission denied")
        default: return .unreadable(path: path, reason: String(cString: strerror(code)))
        }
    }
}

// MARK: - Header only

extension IDXReader {
    /// The dimensions in the header of the IDX file at `path` (raw or gzip), read without
    /// decoding the data: for checks before anything runs. Their product is checked against
    /// `maximumDataByteCount` either way; a raw file's size is checked against it, a gzip
    /// file's data when it is read in full.
    /// - Throws: `DatasetError`.
    public static func dimensions(path: String) throws -> [Int] {
        let file = try FileBytes(path: path, limit: 1 << 16)
        defer { file.deallocate() }
        let buffer = UnsafeRawBufferPointer(file.buffer)
        func invalid(_ reason: String) -> DatasetError { .invalidIDX(path: path, reason: reason) }
        var header = [UInt8](repeating: 0, count: 4 + 4 * 4)
        let isGzip = buffer.count >= 2 && buffer[0] == 0x1F && buffer[1] == 0x8B
        func readHeader<Source: ByteSource>(_ source: inout Source) throws -> [Int] {
            let got = try header.withUnsafeMutableBytes {
                try source.read(into: UnsafeMutableRawBufferPointer(rebasing: $0[0..<4]))
            }
            if got == 0 { throw invalid("empty: expected an IDX header") }
            if got < 4 { throw invalid("truncated header: expected at least 4 bytes, found \(got)") }
            let type = header[2], ndim = Int(header[3])
            if header[0] != 0 || header[1] != 0 || typeNames[type] == nil {
                throw invalid("not an IDX file: it starts with bytes \(hexBytes(header[0..<4])), "
                    + "expected 00 00 08 and a number of dimensions")
            }
            if type != 0x08 {
                throw invalid("unsupported data type 0x\(hexBytes(header[2..<3])) (\(typeNames[type]!)); "
                    + "only 0x08 (unsigned byte) is supported")
            }
            if !(1...4).contains(ndim) { throw invalid("unsupported number of dimensions \(ndim) (expected 1 to 4)") }
            let count = try header.withUnsafeMutableBytes {
                try source.read(into: UnsafeMutableRawBufferPointer(rebasing: $0[4..<(4 + 4 * ndim)]))
            }
            if count < 4 * ndim { throw invalid("truncated header: expected \(4 + 4 * ndim) bytes, found \(4 + count)") }
            return (0..<ndim).map { index in
                let offset = 4 + 4 * index
                return Int(UInt32(header[offset]) << 24 | UInt32(header[offset + 1]) << 16
                    | UInt32(header[offset + 2]) << 8 | UInt32(header[offset + 3]))
            }
        }
        if isGzip {
            var source = try GzipSource(buffer, path: path)
            defer { source.end() }
            // The size is checked when the data is read, but the dimensions are not trusted
            // until then: callers multiply rows by columns.
            let dimensions = try readHeader(&source)
            _ = try dataByteCount(dimensions, path: path)
            return dimensions
        }
        var source = RawSource(buffer: buffer)
        let dimensions = try readHeader(&source)
        let dataCount = try dataByteCount(dimensions, path: path)
        let found = file.size - 4 - 4 * dimensions.count
        if found < dataCount { throw invalid("truncated: expected \(dataCount) bytes of data, found \(found)") }
        if found > dataCount {
            throw invalid("trailing data: \(found - dataCount) bytes after the \(dataCount) bytes of data the header describes")
        }
        return dimensions
    }
}
