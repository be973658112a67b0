import Checksums
import CZlib
import Foundation
import Testing
import VAEEngine

/// Builds IDX files for the dataset tests, independently of the reader under test.
enum IDXFixtures {
    /// The bytes of a raw IDX file of unsigned bytes.
    static func idx(dimensions: [Int], data: [UInt8], type: UInt8 = 0x08) -> [UInt8] {
        var out: [UInt8] = [0, 0, type, UInt8(dimensions.count)]
        for dimension in dimensions {
            let value = UInt32(dimension)
            out += [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
        }
        return out + data
    }

    /// A fresh empty folder; remove it with `removeFolder`.
    static func makeFolder() throws -> String {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("idx-tests-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func removeFolder(_ path: String) {
        try? FileManager.default.removeItem(atPath: path)
    }

    static func write(_ bytes: [UInt8], to path: String) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    /// Writes `bytes` gzip-compressed with zlib's gzopen/gzwrite.
    static func writeGzip(_ bytes: [UInt8], to path: String) throws {
        guard let file = gzopen(path, "wb") else { throw CocoaError(.fileWriteUnknown) }
        let written = bytes.withUnsafeBytes { gzwrite(file, $0.baseAddress, UInt32($0.count)) }
        let closed = gzclose(file)
        guard Int(written) == bytes.count || bytes.isEmpty, closed == Z_OK else {
            throw CocoaError(.fileWriteUnknown)
        }
    }

    /// `bytes` gzip-compressed (through a temporary file).
    static func gzipped(_ bytes: [UInt8]) throws -> [UInt8] {
        let folder = try makeFolder()
        defer { removeFolder(folder) }
        let path = folder + "/data.gz"
        try writeGzip(bytes, to: path)
        return try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
    }

    static func read(_ path: String) throws -> [UInt8] {
        try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
    }

    /// A small seeded generator (SplitMix64) so the garbled-input test is reproducible.
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        init(seed: UInt64) { state = seed }
        mutating func next() -> UInt64 {
            state &+= 0x9e37_79b9_7f4a_7c15
            var z = state
            z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
            z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
            return z ^ (z >> 31)
        }
    }
}

@Suite struct IDXReaderTests {
    let sample = IDXArray(dimensions: [3, 2, 4], bytes: (0..<24).map { UInt8($0 * 10) })

    /// The message `IDXReader.read` throws for the file at `path`, or nil when it succeeds.
    private func message(reading path: String) -> String? {
        do {
            _ = try IDXReader.read(path: path)
            return nil
        } catch let error as DatasetError {
            return error.description
        } catch {
            return "unexpected error type: \(error)"
        }
    }

    /// Writes `bytes` raw and gzip-compressed and returns the messages for both.
    private func messages(for bytes: [UInt8]) throws -> (raw: String?, gzip: String?, rawPath: String, gzipPath: String) {
        let folder = try IDXFixtures.makeFolder()
        defer { IDXFixtures.removeFolder(folder) }
        let rawPath = folder + "/data-idx"
        let gzipPath = folder + "/data-idx.gz"
        try IDXFixtures.write(bytes, to: rawPath)
        try IDXFixtures.writeGzip(bytes, to: gzipPath)
        return (message(reading: rawPath), message(reading: gzipPath), rawPath, gzipPath)
    }

    private func expectMessage(_ bytes: [UInt8], _ reason: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let result = try messages(for: bytes)
        #expect(result.raw == "\(result.rawPath): \(reason)", sourceLocation: sourceLocation)
        #expect(result.gzip == "\(result.gzipPath): \(reason)", sourceLocation: sourceLocation)
    }

    // MARK: Valid files

    @Test func rawAndGzipRoundTrip() throws {
        let folder = try IDXFixtures.makeFolder()
        defer { IDXFixtures.removeFolder(folder) }
        let bytes = IDXFixtures.idx(dimensions: sample.dimensions, data: sample.bytes)
        try IDXFixtures.write(bytes, to: folder + "/a-idx3-ubyte")
        try IDXFixtures.writeGzip(bytes, to: folder + "/a-idx3-ubyte.gz")

        let raw = try IDXReader.read(path: folder + "/a-idx3-ubyte")
        let gzip = try IDXReader.read(path: folder + "/a-idx3-ubyte.gz")
        #expect(raw.array == sample)
        #expect(gzip.array == sample)
        // The checksum is of the bytes as stored, so it differs between the two files.
        #expect(raw.sha256 == SHA256.hash(bytes).hex)
        #expect(gzip.sha256 == SHA256.hash(try IDXFixtures.read(folder + "/a-idx3-ubyte.gz")).hex)
        #expect(raw.sha256 != gzip.sha256)
    }

    @Test(arguments: [[5], [2, 3], [2, 3, 4], [1, 2, 3, 4], [0], [4, 0, 7]])
    func everyDimensionCount(dimensions: [Int]) throws {
        let count = dimensions.reduce(1, *)
        let data = (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let bytes = IDXFixtures.idx(dimensions: dimensions, data: data)
        let expected = IDXArray(dimensions: dimensions, bytes: data)
        #expect(try IDXReader.decode(bytes, path: "x") == expected)
        #expect(try IDXReader.decode(try IDXFixtures.gzipped(bytes), path: "x") == expected)
    }

    @Test func largerGzipFileSpanningManyInflateCalls() throws {
        var generator = IDXFixtures.Generator(seed: 7)
        let data = (0..<300_000).map { _ in UInt8.random(in: 0...15, using: &generator) }
        let bytes = IDXFixtures.idx(dimensions: [300, 1000], data: data)
        let decoded = try IDXReader.decode(try IDXFixtures.gzipped(bytes), path: "x")
        #expect(decoded.dimensions == [300, 1000])
        #expect(decoded.bytes == data)
    }

    @Test func concatenatedGzipMembersAreOneStream() throws {
        let bytes = IDXFixtures.idx(dimensions: sample.dimensions, data: sample.bytes)
        let first = try IDXFixtures.gzipped(Array(bytes[0..<10]))
        let second = try IDXFixtures.gzipped(Array(bytes[10...]))
        #expect(try IDXReader.decode(first + second, path: "x") == sample)
    }

    // MARK: Bad headers

    @Test func wrongMagic() throws {
        try expectMessage([0x12, 0x34, 0x08, 0x01, 0, 0, 0, 1, 7],
                          "not an IDX file: it starts with bytes 12 34 08 01, expected 00 00 08 and a number of dimensions")
        try expectMessage(Array("PK\u{3}\u{4}hello".utf8),
                          "not an IDX file: it starts with bytes 50 4B 03 04, expected 00 00 08 and a number of dimensions")
        try expectMessage([0, 0, 0x42, 0x01, 0, 0, 0, 1, 7],
                          "not an IDX file: it starts with bytes 00 00 42 01, expected 00 00 08 and a number of dimensions")
    }

    @Test func unsupportedDataTypes() throws {
        try expectMessage(IDXFixtures.idx(dimensions: [1], data: [0, 0, 0, 0], type: 0x0D),
                          "unsupported data type 0x0D (32-bit float); only 0x08 (unsigned byte) is supported")
        try expectMessage(IDXFixtures.idx(dimensions: [1], data: [0], type: 0x09),
                          "unsupported data type 0x09 (signed byte); only 0x08 (unsigned byte) is supported")
        try expectMessage(IDXFixtures.idx(dimensions: [1], data: [0, 0], type: 0x0B),
                          "unsupported data type 0x0B (16-bit integer); only 0x08 (unsigned byte) is supported")
    }

    @Test func dimensionCountOutOfRange() throws {
        try expectMessage([0, 0, 8, 0], "unsupported number of dimensions 0 (expected 1 to 4)")
        try expectMessage(IDXFixtures.idx(dimensions: [1, 1, 1, 1, 1], data: [9]),
                          "unsupported number of dimensions 5 (expected 1 to 4)")
    }

    @Test func truncatedHeader() throws {
        try expectMessage([], "empty: expected an IDX header")
        try expectMessage([0, 0, 8], "truncated header: expected at least 4 bytes, found 3")
        try expectMessage([0, 0, 8, 3, 0, 0, 0, 2, 0, 0], "truncated header: expected 16 bytes, found 10")
    }

    @Test func absurdDimensions() throws {
        try expectMessage(IDXFixtures.idx(dimensions: [65536, 32769], data: []),
                          "dimensions 65536 × 32769 describe more than the 2147483648 bytes of data an IDX file may hold")
        let maximum = Int(UInt32.max)
        try expectMessage(IDXFixtures.idx(dimensions: [maximum, maximum, maximum, maximum], data: [1, 2]),
                          "dimensions 4294967295 × 4294967295 × 4294967295 × 4294967295 describe more than "
                              + "the 2147483648 bytes of data an IDX file may hold")
        // Exactly at the limit is allowed by the header, and found short without allocating 2 GiB.
        try expectMessage(IDXFixtures.idx(dimensions: [65536, 32768], data: [1, 2, 3]),
                          "truncated: expected 2147483648 bytes of data, found 3")
    }

    /// The header-only read, for the checks before a run, refuses the dimensions the full read
    /// refuses, gzip or not: its callers multiply rows by columns.
    @Test(arguments: [[1, Int(UInt32.max), Int(UInt32.max)], [Int(UInt32.max), 1, 2, 3], [65536, 32769]])
    func absurdDimensionsInTheHeaderAlone(_ dimensions: [Int]) throws {
        let folder = try IDXFixtures.makeFolder()
        defer { IDXFixtures.removeFolder(folder) }
        let bytes = IDXFixtures.idx(dimensions: dimensions, data: [1, 2])
        let shape = dimensions.map(String.init).joined(separator: " × ")
        for (path, gzip) in [(folder + "/images-idx", false), (folder + "/images-idx.gz", true)] {
            if gzip { try IDXFixtures.writeGzip(bytes, to: path) } else { try IDXFixtures.write(bytes, to: path) }
            #expect(throws: DatasetError.invalidIDX(path: path, reason: "dimensions \(shape) describe more than the "
                                                    + "2147483648 bytes of data an IDX file may hold")) {
                _ = try IDXReader.dimensions(path: path)
            }
        }
    }

    @Test func zeroDimensionWithHugeOthersIsEmpty() throws {
        let maximum = Int(UInt32.max)
        let bytes = IDXFixtures.idx(dimensions: [maximum, maximum, 0], data: [])
        #expect(try IDXReader.decode(bytes, path: "x") == IDXArray(dimensions: [maximum, maximum, 0], bytes: []))
    }

    // MARK: Bad data sections

    @Test func truncatedData() throws {
        try expectMessage(IDXFixtures.idx(dimensions: [3, 4], data: Array(repeating: 1, count: 10)),
                          "truncated: expected 12 bytes of data, found 10")
        try expectMessage(IDXFixtures.idx(dimensions: [60000, 28, 28], data: Array(repeating: 1, count: 1000)),
                          "truncated: expected 47040000 bytes of data, found 1000")
    }

    @Test func trailingData() throws {
        try expectMessage(IDXFixtures.idx(dimensions: [3, 4], data: Array(repeating: 1, count: 14)),
                          "trailing data: 2 bytes after the 12 bytes of data the header describes")
    }

    // MARK: Bad gzip streams

    @Test func truncatedGzip() throws {
        let gzip = try IDXFixtures.gzipped(IDXFixtures.idx(dimensions: sample.dimensions, data: sample.bytes))
        let reason = "truncated gzip stream: the file ends before the compressed data does"
        // Cut inside the compressed data, and cut only the 8-byte trailer (CRC and length).
        for cut in [gzip.count / 2, gzip.count - 8, gzip.count - 1] {
            let error = #expect(throws: DatasetError.self) {
                try IDXReader.decode(Array(gzip[0..<cut]), path: "f.gz")
            }
            #expect(error?.description == "f.gz: \(reason)", "cut at \(cut)")
        }
        // The same through a file.
        let folder = try IDXFixtures.makeFolder()
        defer { IDXFixtures.removeFolder(folder) }
        try IDXFixtures.write(Array(gzip[0..<(gzip.count - 5)]), to: folder + "/t.gz")
        #expect(message(reading: folder + "/t.gz") == "\(folder)/t.gz: \(reason)")
    }

    @Test func corruptGzip() throws {
        let gzip = try IDXFixtures.gzipped(IDXFixtures.idx(dimensions: sample.dimensions, data: sample.bytes))

        var badCRC = gzip
        badCRC[gzip.count - 8] ^= 0xFF
        var badMethod = gzip
        badMethod[2] = 7
        var badLength = gzip
        badLength[gzip.count - 1] ^= 0x01
        let cases: [([UInt8], String)] = [
            (badCRC, "corrupt gzip stream: incorrect data check"),
            (badMethod, "corrupt gzip stream: unknown compression method"),
            (badLength, "corrupt gzip stream: incorrect length check"),
            (gzip + [1, 2, 3], "trailing garbage: 3 bytes after the end of the gzip stream"),
        ]
        let folder = try IDXFixtures.makeFolder()
        defer { IDXFixtures.removeFolder(folder) }
        for (index, (bytes, reason)) in cases.enumerated() {
            let path = folder + "/bad\(index).gz"
            try IDXFixtures.write(bytes, to: path)
            #expect(message(reading: path) == "\(path): \(reason)")
        }
    }

    // MARK: File system

    @Test func missingFile() throws {
        let folder = try IDXFixtures.makeFolder()
        defer { IDXFixtures.removeFolder(folder) }
        #expect(message(reading: folder + "/nothing.gz") == "\(folder)/nothing.gz: no such file")
        let error = #expect(throws: DatasetError.self) { try IDXReader.read(path: folder + "/nothing.gz") }
        #expect(error == .fileNotFound(path: folder + "/nothing.gz", reason: "no such file"))
        #expect(error?.path == folder + "/nothing.gz")
    }

    @Test func folderInsteadOfFile() throws {
        let folder = try IDXFixtures.makeFolder()
        defer { IDXFixtures.removeFolder(folder) }
        #expect(message(reading: folder) == "\(folder): is a folder, not a file")
    }

    @Test func fifoIsRejectedWithoutBlocking() throws {
        let folder = try IDXFixtures.makeFolder()
        defer { IDXFixtures.removeFolder(folder) }
        let path = folder + "/pipe"
        try #require(mkfifo(path, 0o600) == 0)
        #expect(message(reading: path) == "\(path): not a regular file")
    }

    // MARK: Robustness

    /// A few hundred random, garbled, truncated and extended inputs, raw and gzip: the reader
    /// must either throw a `DatasetError` or return an array consistent with its dimensions.
    @Test func garbledInputsNeverCrash() throws {
        var generator = IDXFixtures.Generator(seed: 2024)
        let validRaw = IDXFixtures.idx(dimensions: sample.dimensions, data: sample.bytes)
        let validGzip = try IDXFixtures.gzipped(validRaw)
        var inputs: [[UInt8]] = []

        for _ in 0..<100 {  // pure noise, sometimes behind a plausible magic
            let count = Int.random(in: 0...200, using: &generator)
            var bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
            if count >= 4 && Bool.random(using: &generator) {
                bytes.replaceSubrange(0..<4, with: [0, 0, 8, UInt8.random(in: 0...5, using: &generator)])
            }
            if count >= 2 && Int.random(in: 0..<4, using: &generator) == 0 {
                bytes.replaceSubrange(0..<2, with: [0x1F, 0x8B])
            }
            inputs.append(bytes)
        }
        for base in [validRaw, validGzip] {
            for _ in 0..<80 {  // flipped bytes
                var bytes = base
                for _ in 0..<Int.random(in: 1...4, using: &generator) {
                    bytes[Int.random(in: 0..<bytes.count, using: &generator)] ^= UInt8.random(in: 1...255, using: &generator)
                }
                inputs.append(bytes)
            }
            for _ in 0..<40 {  // truncated
                inputs.append(Array(base[0..<Int.random(in: 0..<base.count, using: &generator)]))
            }
            for _ in 0..<20 {  // extended
                let extra = (0..<Int.random(in: 1...50, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
                inputs.append(base + extra)
            }
        }
        // Headers with random dimensions over little or no data, raw and gzip.
        for _ in 0..<40 {
            var header: [UInt8] = [0, 0, 8, UInt8.random(in: 1...4, using: &generator)]
            for _ in 0..<(Int(header[3]) * 4) { header.append(UInt8.random(in: 0...255, using: &generator)) }
            let tail = (0..<Int.random(in: 0...64, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            inputs.append(header + tail)
            inputs.append(try IDXFixtures.gzipped(header + tail))
        }

        var failures = 0
        for (index, bytes) in inputs.enumerated() {
            do {
                let array = try IDXReader.decode(bytes, path: "input\(index)")
                #expect(array.bytes.count == array.dimensions.reduce(1, *), "input \(index)")
                #expect((1...4).contains(array.dimensions.count), "input \(index)")
            } catch let error as DatasetError {
                failures += 1
                #expect(error.description.hasPrefix("input\(index): "))
                #expect(!error.reason.isEmpty)
            } catch {
                Issue.record("input \(index): unexpected error \(error)")
            }
        }
        #expect(inputs.count >= 400)
        #expect(failures > inputs.count / 2)

        // A handful through real files too.
        let folder = try IDXFixtures.makeFolder()
        defer { IDXFixtures.removeFolder(folder) }
        for (index, bytes) in inputs.enumerated() where index % 20 == 0 {
            let path = folder + "/f\(index)"
            try IDXFixtures.write(bytes, to: path)
            if let text = message(reading: path) {
                #expect(text.hasPrefix(path + ": "))
                #expect(!text.hasPrefix("unexpected"))
            }
        }
    }
}
