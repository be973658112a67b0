import CZlib
import Foundation

/// Writes small dataset files (IDX, raw or gzip, and NumPy `.npy`) for the tests of
/// `data idx` and `data npy`, from the formats' descriptions, independently of the readers.
public enum DatasetFileWriter {
    /// A raw IDX file of unsigned bytes: `00 00 08 ndim`, big-endian dimensions, the data.
    public static func idx(dimensions: [Int], data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0, 0, 0x08, UInt8(dimensions.count)]
        for dimension in dimensions {
            let value = UInt32(dimension)
            out += [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
        }
        return out + data
    }

    /// `bytes` as one gzip member (zlib's deflate with a gzip wrapper).
    public static func gzip(_ bytes: [UInt8]) -> [UInt8] {
        var stream = z_stream()
        let status = deflateInit2_(&stream, Z_BEST_SPEED, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY,
                                   zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        precondition(status == Z_OK)
        defer { deflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, UInt(bytes.count))) + 64)
        var input = bytes
        let produced = input.withUnsafeMutableBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target in
                stream.next_in = source.baseAddress
                stream.avail_in = UInt32(source.count)
                stream.next_out = target.baseAddress
                stream.avail_out = UInt32(target.count)
                precondition(deflate(&stream, Z_FINISH) == Z_STREAM_END)
                return target.count - Int(stream.avail_out)
            }
        }
        return Array(output[0..<produced])
    }

    /// A `.npy` file: magic, version, little-endian header length, the header dictionary padded
    /// with spaces to a multiple of 64 bytes and ended by a newline, then `data`.
    public static func npy(descr: String, shape: [Int], data: [UInt8], fortranOrder: Bool = false,
                           version: UInt8 = 1) -> [UInt8] {
        let shapeText = shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
        var header = "{'descr': '\(descr)', 'fortran_order': \(fortranOrder ? "True" : "False"), 'shape': \(shapeText), }"
        let lengthBytes = version == 1 ? 2 : 4
        let prefix = 6 + 2 + lengthBytes
        while (prefix + header.utf8.count + 1) % 64 != 0 { header += " " }
        header += "\n"
        var out: [UInt8] = [0x93] + Array("NUMPY".utf8) + [version, 0]
        let length = header.utf8.count
        for index in 0..<lengthBytes { out.append(UInt8((length >> (8 * index)) & 0xFF)) }
        return out + Array(header.utf8) + data
    }

    /// Little-endian bytes of integers (`<i8`, `<i4`, …).
    public static func littleEndian<Value: FixedWidthInteger>(_ values: [Value]) -> [UInt8] {
        values.flatMap { value in
            (0..<(Value.bitWidth / 8)).map { UInt8(truncatingIfNeeded: value.littleEndian >> (8 * $0)) }
        }
    }

    /// Little-endian `<f4` bytes.
    public static func float32(_ values: [Float]) -> [UInt8] { littleEndian(values.map(\.bitPattern)) }

    /// `count` images of `rows × columns` bytes with a different pattern per image.
    public static func images(count: Int, rows: Int, columns: Int) -> [UInt8] {
        (0..<(count * rows * columns)).map { UInt8(truncatingIfNeeded: ($0 * 7 + ($0 / (rows * columns)) * 13) % 256) }
    }

    /// `count` labels cycling through `classes`.
    public static func labels(count: Int, classes: Int) -> [UInt8] { (0..<count).map { UInt8($0 % classes) } }

    /// Writes the four IDX files of a dataset into `folder` (gzip when `gzip`), returning their
    /// names: training images and labels, test images and labels.
    @discardableResult
    public static func writeIDXDataset(in folder: URL, train: Int, test: Int, rows: Int, columns: Int,
                                       classes: Int = 10, gzip compress: Bool = false, prefix: String = "") throws -> [String] {
        let suffix = compress ? ".gz" : ""
        let names = ["train-images", "train-labels", "test-images", "test-labels"].map { prefix + $0 + ".idx" + suffix }
        let contents = [idx(dimensions: [train, rows, columns], data: images(count: train, rows: rows, columns: columns)),
                        idx(dimensions: [train], data: labels(count: train, classes: classes)),
                        idx(dimensions: [test, rows, columns], data: images(count: test, rows: rows, columns: columns)),
                        idx(dimensions: [test], data: labels(count: test, classes: classes))]
        for (name, bytes) in zip(names, contents) {
            try Data(compress ? gzip(bytes) : bytes).write(to: folder.appendingPathComponent(name))
        }
        return names
    }
}

extension DatasetFileWriter {
    /// A temporary folder holding a small 28×28 dataset file at every `…-images=PATH` and
    /// `…-labels=PATH` of `text` (IDX, gzip for `.gz`, or `.npy`), so examples of `data idx`
    /// and `data npy` compile there; the caller removes it.
    public static func folder(forExamplesIn text: String) throws -> URL {
        let folder = try makeTemporaryFolder("data-examples")
        let words = text.split(whereSeparator: { $0 == " " || $0 == "\n" })
        for word in words {
            guard let equals = word.firstIndex(of: "=") else { continue }
            let key = word[..<equals], path = String(word[word.index(after: equals)...])
            guard key.hasSuffix("-images") || key.hasSuffix("-labels") else { continue }
            let url = folder.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            let isImages = key.hasSuffix("-images")
            let bytes: [UInt8]
            if path.hasSuffix(".npy") {
                bytes = isImages ? npy(descr: "|u1", shape: [20, 28, 28], data: images(count: 20, rows: 28, columns: 28))
                    : npy(descr: "<i8", shape: [20], data: littleEndian(labels(count: 20, classes: 10).map(Int64.init)))
            } else {
                let raw = isImages ? idx(dimensions: [20, 28, 28], data: images(count: 20, rows: 28, columns: 28))
                    : idx(dimensions: [20], data: labels(count: 20, classes: 10))
                bytes = path.hasSuffix(".gz") ? gzip(raw) : raw
            }
            try Data(bytes).write(to: url)
        }
        return folder
    }
}
