import Checksums
import Foundation
import Testing
import TestSupport
import VAEEngine

/// Datasets from the user's IDX and `.npy` files: sizes, formats, and a clear message naming
/// the file for every kind of broken file.
@Suite struct LabelledImageFilesTests {
    typealias W = DatasetFileWriter

    /// A temporary folder with `files` (name → bytes); the caller removes it.
    func folder(_ files: [String: [UInt8]]) throws -> URL {
        let folder = try makeTemporaryFolder("labelled-files")
        for (name, bytes) in files { try Data(bytes).write(to: folder.appendingPathComponent(name)) }
        return folder
    }

    func files(_ folder: URL, _ format: ImageFileFormat, _ names: [String], rows: Int? = nil, columns: Int? = nil)
        -> LabelledImageFiles {
        let paths = names.map { folder.appendingPathComponent($0).path }
        return LabelledImageFiles(format: format, trainImages: paths[0], trainLabels: paths[1], testImages: paths[2],
                                  testLabels: paths[3], imageRows: rows, imageColumns: columns)
    }

    /// The error loading (and, when `headersToo`, checking the headers of) `files` gives.
    func error(_ files: LabelledImageFiles, headersToo: Bool = true) -> String? {
        var messages: [String] = []
        if headersToo {
            do { _ = try files.shape() } catch { messages.append("\(error)") }
        }
        do { _ = try files.load(name: "x", classNames: nil, checksumKeys: files.paths) } catch { messages.append("\(error)") }
        if headersToo, messages.count == 2, messages[0] != messages[1] { return "differ: \(messages)" }
        return messages.last
    }

    @Test(arguments: [(28, 28, false), (32, 32, true), (14, 14, false), (30, 20, true)])
    func idxDatasetsOfSeveralSizes(rows: Int, columns: Int, gzip: Bool) throws {
        let folder = try makeTemporaryFolder("labelled-files")
        defer { try? FileManager.default.removeItem(at: folder) }
        let names = try W.writeIDXDataset(in: folder, train: 12, test: 5, rows: rows, columns: columns, classes: 3, gzip: gzip)
        let files = files(folder, .idx, names)
        #expect(try files.shape() == DatasetShape(trainCount: 12, testCount: 5, rows: rows, columns: columns, largestLabel: 2))
        let splits = try files.load(name: "idx", classNames: ["a", "b", "c"], checksumKeys: ["p", "q", "r", "s"])
        #expect(splits.train.name == "idx/train" && splits.test.name == "idx/test")
        #expect(splits.train.width == columns && splits.train.height == rows && splits.train.count == 12)
        #expect(splits.test.count == 5 && splits.train.classNames == ["a", "b", "c"])
        #expect(splits.train.pixels == W.images(count: 12, rows: rows, columns: columns))
        #expect(splits.test.labels == W.labels(count: 5, classes: 3))
        let stored = try Data(contentsOf: folder.appendingPathComponent(names[0]))
        #expect(splits.checksums["p"] == stored.withUnsafeBytes { SHA256.hash($0).hex })
        #expect(Set(splits.checksums.keys) == ["p", "q", "r", "s"])
        // Without names, labels are called by their numbers.
        #expect(try files.load(name: "idx", classNames: nil, checksumKeys: names).train.classNames == ["0", "1", "2"])
    }

    @Test func npyImagesAsBytesFloatsAndFlatRows() throws {
        let pixels = W.images(count: 4, rows: 6, columns: 6)
        let floats = pixels.map { Float($0) / 255 }
        let folder = try folder([
            "x3.npy": W.npy(descr: "|u1", shape: [4, 6, 6], data: pixels),
            "y8.npy": W.npy(descr: "<i8", shape: [4], data: W.littleEndian([Int64](arrayLiteral: 0, 1, 2, 1))),
            "xflat.npy": W.npy(descr: "<f4", shape: [4, 36], data: W.float32(floats), version: 2),
            "y4.npy": W.npy(descr: "<i4", shape: [4], data: W.littleEndian([Int32](arrayLiteral: 2, 2, 0, 1)), version: 3),
            "xwide.npy": W.npy(descr: "<f4", shape: [4, 36], data: W.float32(floats)),
            "y1.npy": W.npy(descr: "|u1", shape: [4], data: [1, 0, 1, 0]),
        ])
        defer { try? FileManager.default.removeItem(at: folder) }
        let square = try files(folder, .npy, ["x3.npy", "y8.npy", "xflat.npy", "y4.npy"])
            .load(name: "npy", classNames: nil, checksumKeys: ["a", "b", "c", "d"])
        #expect(square.train.pixels == pixels && square.test.pixels == pixels)
        #expect(square.train.labels == [0, 1, 2, 1] && square.test.labels == [2, 2, 0, 1])
        #expect(square.test.width == 6 && square.test.height == 6)
        let wide = files(folder, .npy, ["xwide.npy", "y1.npy", "xwide.npy", "y1.npy"], rows: 4, columns: 9)
        #expect(try wide.shape() == DatasetShape(trainCount: 4, testCount: 4, rows: 4, columns: 9, largestLabel: 1))
        #expect(try wide.load(name: "npy", classNames: nil, checksumKeys: wide.paths).train.width == 9)
    }

    @Test func brokenIDXFilesAreNamed() throws {
        let good = W.idx(dimensions: [3, 4, 4], data: W.images(count: 3, rows: 4, columns: 4))
        let labels = W.idx(dimensions: [3], data: [0, 1, 2])
        let folder = try folder([
            "good": good, "labels": labels,
            "magic": [1, 2, 3, 4] + Array(good.dropFirst(4)),
            "truncated": Array(good.dropLast(5)),
            "truncated.gz": Array(W.gzip(good).dropLast(12)),
            "two-labels": W.idx(dimensions: [2], data: [0, 1]),
            "huge": W.idx(dimensions: [1_000_000, 28, 28], data: [1, 2, 3]),
            "none": W.idx(dimensions: [0, 4, 4], data: []),
            "wide": W.idx(dimensions: [3, 4, 5], data: [UInt8](repeating: 0, count: 60)),
            "flat-labels": W.idx(dimensions: [3, 1, 1], data: [0, 1, 2]),
        ])
        defer { try? FileManager.default.removeItem(at: folder) }
        func path(_ name: String) -> String { folder.appendingPathComponent(name).path }
        func failure(_ names: [String]) -> String? { error(files(folder, .idx, names)) }
        #expect(failure(["magic", "labels", "good", "labels"])
            == "\(path("magic")): not an IDX file: it starts with bytes 01 02 03 04, expected 00 00 08 and a number of dimensions")
        #expect(failure(["good", "labels", "truncated", "labels"])
            == "\(path("truncated")): truncated: expected 48 bytes of data, found 43")
        #expect(error(files(folder, .idx, ["good", "labels", "truncated.gz", "labels"]), headersToo: false)
            == "\(path("truncated.gz")): truncated gzip stream: the file ends before the compressed data does")
        #expect(failure(["good", "two-labels", "good", "labels"])
            == "\(path("two-labels")): 2 labels but good holds 3 images")
        #expect(failure(["huge", "labels", "good", "labels"])
            == "\(path("huge")): truncated: expected 784000000 bytes of data, found 3")
        #expect(failure(["none", "labels", "good", "labels"]) == "\(path("none")): holds no images")
        #expect(failure(["good", "labels", "wide", "labels"]) == "\(path("wide")): images are 4×5 but those of good are 4×4")
        #expect(failure(["good", "flat-labels", "good", "labels"])
            == "\(path("flat-labels")): expected labels as a list (1 dimension), found shape (3, 1, 1)")
        #expect(failure(["good", "labels", "good", "missing"]) == "\(path("missing")): no such file")
    }

    @Test func brokenNPYFilesAreNamed() throws {
        let pixels = W.images(count: 3, rows: 4, columns: 4)
        let images = W.npy(descr: "|u1", shape: [3, 4, 4], data: pixels)
        let labels = W.npy(descr: "<i8", shape: [3], data: W.littleEndian([Int64](arrayLiteral: 0, 1, 2)))
        let folder = try folder([
            "x": images, "y": labels,
            "magic": Array("NUMPY!".utf8) + Array(images.dropFirst(6)),
            "truncated": Array(images.dropLast(1)),
            "trailing": images + [0],
            "int-images": W.npy(descr: "<i8", shape: [3, 4, 4], data: [UInt8](repeating: 0, count: 3 * 16 * 8)),
            "float-labels": W.npy(descr: "<f4", shape: [3], data: W.float32([0, 1, 2])),
            "fortran": W.npy(descr: "|u1", shape: [3, 4, 4], data: pixels, fortranOrder: true),
            "bright": W.npy(descr: "<f4", shape: [3, 16], data: W.float32([Float](repeating: 0.5, count: 47) + [1.5])),
            "negative": W.npy(descr: "<i8", shape: [3], data: W.littleEndian([Int64](arrayLiteral: 0, -1, 2))),
            "large": W.npy(descr: "<i4", shape: [3], data: W.littleEndian([Int32](arrayLiteral: 0, 300, 2))),
            "huge": W.npy(descr: "|u1", shape: [1_000_000, 28, 28], data: [1, 2, 3]),
            "enormous": W.npy(descr: "<f8", shape: [1_000_000_000, 28, 28], data: [1, 2, 3]),
            "four": W.npy(descr: "<i8", shape: [4], data: W.littleEndian([Int64](arrayLiteral: 0, 1, 2, 0))),
            "empty": W.npy(descr: "|u1", shape: [0, 4, 4], data: []),
            "flat": W.npy(descr: "|u1", shape: [3, 15], data: [UInt8](repeating: 1, count: 45)),
            "object": W.npy(descr: "|O", shape: [3], data: []),
            "zero-bytes": [],
        ])
        defer { try? FileManager.default.removeItem(at: folder) }
        func path(_ name: String) -> String { folder.appendingPathComponent(name).path }
        func failure(_ names: [String], headersToo: Bool = true) -> String? { error(files(folder, .npy, names), headersToo: headersToo) }
        #expect(failure(["magic", "y", "x", "y"])
            == "\(path("magic")): not a .npy file: it starts with bytes 4E 55 4D 50 59 21, expected 93 4E 55 4D 50 59 (\\x93NUMPY)")
        #expect(failure(["x", "y", "truncated", "y"])
            == "\(path("truncated")): truncated: shape (3, 4, 4) of |u1 needs 48 bytes of data, found 47")
        #expect(failure(["x", "y", "trailing", "y"])
            == "\(path("trailing")): trailing data: 1 bytes after the 48 bytes of data the header describes")
        #expect(failure(["int-images", "y", "x", "y"])
            == "\(path("int-images")): images must be uint8 (|u1) or float32 (<f4) in 0...1, found element type <i8")
        #expect(failure(["x", "float-labels", "x", "y"])
            == "\(path("float-labels")): labels must be integers (such as |u1, <i4 or <i8), found element type <f4")
        #expect(failure(["fortran", "y", "x", "y"])
            == "\(path("fortran")): the array is stored in Fortran order; save it in C order (numpy.save(path, numpy.ascontiguousarray(array)))")
        #expect(failure(["x", "y", "bright", "y"], headersToo: false)
            == "\(path("bright")): pixel 1.5 at element 47 is outside 0...1; float images must be scaled to 0...1 (or saved as uint8 0 to 255)")
        #expect(failure(["x", "negative", "x", "y"])
            == "\(path("negative")): label -1 at index 1 is out of range: labels must be 0 to 255")
        #expect(failure(["x", "y", "x", "large"])
            == "\(path("large")): label 300 at index 1 is out of range: labels must be 0 to 255")
        #expect(failure(["huge", "y", "x", "y"])
            == "\(path("huge")): truncated: shape (1000000, 28, 28) of |u1 needs 784000000 bytes of data, found 3")
        #expect(failure(["enormous", "y", "x", "y"])
            == "\(path("enormous")): shape (1000000000, 28, 28) describes more data than a dataset file may hold")
        #expect(failure(["x", "four", "x", "y"]) == "\(path("four")): 4 labels but x holds 3 images")
        #expect(failure(["empty", "y", "x", "y"]) == "\(path("empty")): holds no images")
        #expect(failure(["flat", "y", "x", "y"])
            == "\(path("flat")): flat images of 15 pixels (shape (3, 15)) are not square; give their size with size=[rows,columns]")
        #expect(failure(["x", "object", "x", "y"])
            == "\(path("object")): unsupported element type '|O'; expected a number type such as |u1, <f4 or <i8")
        #expect(failure(["zero-bytes", "y", "x", "y"]) == "\(path("zero-bytes")): empty: expected a .npy header")
    }

    /// A `<u8` label is reported as the file holds it, however large: not rounded through
    /// `Double` (2⁵³ + 1) nor clamped to `Int.max` (2⁶⁴ − 1).
    @Test(arguments: [UInt64.max, 1 << 63, (1 << 53) + 1, 256] as [UInt64])
    func aLargeUnsignedLabelIsReportedExactly(_ label: UInt64) throws {
        let folder = try folder([
            "x": W.npy(descr: "|u1", shape: [3, 4, 4], data: W.images(count: 3, rows: 4, columns: 4)),
            "y": W.npy(descr: "<i8", shape: [3], data: W.littleEndian([Int64](arrayLiteral: 0, 1, 2))),
            "big": W.npy(descr: "<u8", shape: [3], data: W.littleEndian([0, label, 2])),
            "big-endian": W.npy(descr: ">u8", shape: [3], data: [0, label, 2].flatMap { value in
                (0..<8).map { UInt8(truncatingIfNeeded: value >> (56 - 8 * $0)) }
            }),
        ])
        defer { try? FileManager.default.removeItem(at: folder) }
        for name in ["big", "big-endian"] {
            let path = folder.appendingPathComponent(name).path
            #expect(error(files(folder, .npy, ["x", "y", "x", name]))
                == "\(path): label \(label) at index 1 is out of range: labels must be 0 to 255")
        }
    }

    @Test func classNamesMustCoverTheLabels() throws {
        let folder = try makeTemporaryFolder("labelled-files")
        defer { try? FileManager.default.removeItem(at: folder) }
        let names = try W.writeIDXDataset(in: folder, train: 6, test: 3, rows: 4, columns: 4, classes: 3)
        let files = files(folder, .idx, names)
        #expect(throws: DatasetError.invalidDataset(
            path: folder.appendingPathComponent(names[1]).path,
            reason: "2 class names given but the labels go from 0 to 2: give 3 names, one per label")) {
            _ = try files.load(name: "idx", classNames: ["a", "b"], checksumKeys: names)
        }
    }
}
