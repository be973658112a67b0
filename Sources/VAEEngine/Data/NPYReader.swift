import Checksums
import Foundation

/// The element type of a `.npy` array, from its `descr` string (`<f4`, `|u1`, `<i8`).
public struct NPYElementType: Sendable, Equatable, CustomStringConvertible {
    /// `u` unsigned integer, `i` signed integer, `f` floating point, `b` boolean.
    public var kind: Character
    /// Bytes per element.
    public var size: Int
    public var bigEndian: Bool
    /// The `descr` as written in the file.
    public var description: String

    public var isInteger: Bool { kind == "u" || kind == "i" || kind == "b" }
}

/// The header of a `.npy` file: what the array holds and where its data starts.
public struct NPYHeader: Sendable, Equatable {
    public var elementType: NPYElementType
    public var fortranOrder: Bool
    public var shape: [Int]
    /// Offset of the first data byte in the file.
    public var dataOffset: Int

    /// Elements in the array (1 for a 0-dimensional one).
    public var elementCount: Int { shape.reduce(1, *) }
}

/// A `.npy` array read from disk: its header, its raw data bytes and the file's SHA-256.
public struct NPYFile: Sendable, Equatable {
    public var header: NPYHeader
    /// `elementCount × elementType.size` bytes, in the file's byte order.
    public var data: [UInt8]
    public var sha256: String
}

/// Reads NumPy `.npy` files (format versions 1.0, 2.0 and 3.0), written from the format's
/// description in NumPy's `numpy.lib.format`:
///
/// - the magic string `\x93NUMPY`, a major and a minor version byte;
/// - the header length, little-endian: 2 bytes in version 1, 4 bytes in versions 2 and 3;
/// - the header, a Python dictionary literal in ASCII (UTF-8 in version 3) with the keys
///   `descr`, `fortran_order` and `shape`, padded with spaces and ended by a newline;
/// - the data, `product(shape)` elements of the `descr` type, C order unless `fortran_order`.
///
/// Only plain numeric types are read (no structured or object arrays). Every problem is a
/// `DatasetError` naming the file; the header's sizes are checked against the file's size
/// before anything is allocated from them.
public enum NPYReader {
    /// Headers longer than this are refused (real ones are under a few hundred bytes).
    public static let maximumHeaderByteCount = 1 << 16
    /// Files larger than this are refused before being read.
    public static let maximumFileByteCount = 3 << 30

    private static let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)

    /// Reads only the header (a few hundred bytes), checking it against the file's size.
    /// - Throws: `DatasetError`.
    public static func header(path: String) throws -> NPYHeader {
        let size = try fileSize(path)
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw DatasetError.unreadable(path: path, reason: "cannot open the file")
        }
        defer { try? handle.close() }
        let prefix: [UInt8]
        do {
            prefix = [UInt8](try handle.read(upToCount: 12 + maximumHeaderByteCount) ?? Data())
        } catch {
            throw DatasetError.unreadable(path: path, reason: "read failed: \(error.localizedDescription)")
        }
        let header = try parseHeader(prefix, path: path)
        try checkSize(header, fileSize: size, path: path)
        return header
    }

    /// Reads and checks the whole file and computes its SHA-256.
    /// - Throws: `DatasetError`.
    public static func read(path: String) throws -> NPYFile {
        let size = try fileSize(path)
        let bytes: [UInt8]
        do {
            bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw DatasetError.unreadable(path: path, reason: "read failed: \(error.localizedDescription)")
        }
        guard bytes.count == size else {
            throw DatasetError.unreadable(path: path, reason: "the file changed size while it was read")
        }
        let header = try parseHeader(bytes, path: path)
        try checkSize(header, fileSize: bytes.count, path: path)
        let digest = bytes.withUnsafeBytes { SHA256.hash($0).hex }
        return NPYFile(header: header, data: Array(bytes[header.dataOffset...]), sha256: digest)
    }

    /// Parses the header at the start of `bytes` (the whole file or at least its header).
    public static func parseHeader(_ bytes: [UInt8], path: String) throws -> NPYHeader {
        func invalid(_ reason: String) -> DatasetError { .invalidNPY(path: path, reason: reason) }
        if bytes.isEmpty { throw invalid("empty: expected a .npy header") }
        guard bytes.count >= 6, Array(bytes[0..<6]) == magic else {
            let shown = bytes.prefix(6).map { String(format: "%02X", $0) }.joined(separator: " ")
            throw invalid("not a .npy file: it starts with bytes \(shown), expected 93 4E 55 4D 50 59 (\\x93NUMPY)")
        }
        guard bytes.count >= 8 else { throw invalid("truncated header: the file ends after the magic string") }
        let major = bytes[6], minor = bytes[7]
        let lengthBytes: Int
        switch major {
        case 1: lengthBytes = 2
        case 2, 3: lengthBytes = 4
        default: throw invalid("unsupported format version \(major).\(minor) (versions 1.0, 2.0 and 3.0 are read)")
        }
        guard bytes.count >= 8 + lengthBytes else { throw invalid("truncated header: the file ends in the header length") }
        var headerLength = 0
        for index in (0..<lengthBytes).reversed() { headerLength = headerLength << 8 | Int(bytes[8 + index]) }
        let start = 8 + lengthBytes
        guard headerLength <= maximumHeaderByteCount else {
            throw invalid("header of \(headerLength) bytes is longer than the \(maximumHeaderByteCount) a .npy file may have")
        }
        guard bytes.count >= start + headerLength else {
            throw invalid("truncated header: expected \(headerLength) header bytes, found \(bytes.count - start)")
        }
        guard let text = String(bytes: bytes[start..<(start + headerLength)], encoding: major == 3 ? .utf8 : .isoLatin1) else {
            throw invalid("the header is not UTF-8 text")
        }
        var parser = DictionaryParser(text: text)
        let entries: [String: DictionaryParser.Value]
        do {
            entries = try parser.dictionary()
        } catch let error as DictionaryParser.Failure {
            throw invalid("unreadable header: \(error.reason) in \(text.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        guard case .string(let descr)? = entries["descr"] else {
            throw invalid("the header has no 'descr' string (the element type)")
        }
        guard case .boolean(let fortranOrder)? = entries["fortran_order"] else {
            throw invalid("the header has no 'fortran_order' True or False")
        }
        guard case .tuple(let shape)? = entries["shape"] else {
            throw invalid("the header has no 'shape' tuple")
        }
        guard let elementType = elementType(descr) else {
            throw invalid("unsupported element type '\(descr)'; expected a number type such as |u1, <f4 or <i8")
        }
        return NPYHeader(elementType: elementType, fortranOrder: fortranOrder, shape: shape, dataOffset: start + headerLength)
    }

    /// The element type of a simple numeric `descr`, or nil.
    static func elementType(_ descr: String) -> NPYElementType? {
        var characters = Array(descr)
        guard characters.count >= 2 else { return nil }
        var bigEndian = false
        switch characters[0] {
        case "<", "=": characters.removeFirst()  // `=` is native, little-endian on every machine we run on
        case ">": bigEndian = true; characters.removeFirst()
        case "|": characters.removeFirst()
        default: break
        }
        guard let kind = characters.first, "uifb".contains(kind), let size = Int(String(characters.dropFirst())) else { return nil }
        let sizes: [Character: Set<Int>] = ["u": [1, 2, 4, 8], "i": [1, 2, 4, 8], "f": [4, 8], "b": [1]]
        guard sizes[kind]!.contains(size) else { return nil }
        return NPYElementType(kind: kind, size: size, bigEndian: bigEndian && size > 1, description: descr)
    }

    private static func fileSize(_ path: String) throws -> Int {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw DatasetError.fileNotFound(path: path, reason: "no such file")
        }
        if isFolder.boolValue { throw DatasetError.unreadable(path: path, reason: "is a folder, not a file") }
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
              let size = (attributes[.size] as? NSNumber)?.intValue else {
            throw DatasetError.unreadable(path: path, reason: "cannot read the file's size")
        }
        if size > maximumFileByteCount {
            throw DatasetError.invalidNPY(path: path, reason: "too large: \(size) bytes, more than a dataset file may hold")
        }
        return size
    }

    /// The header's shape times the element size must be exactly what follows the header.
    private static func checkSize(_ header: NPYHeader, fileSize: Int, path: String) throws {
        func invalid(_ reason: String) -> DatasetError { .invalidNPY(path: path, reason: reason) }
        let shapeText = "(" + header.shape.map(String.init).joined(separator: ", ") + ")"
        // A zero dimension makes the array empty, but the others still count towards the bound:
        // whoever reads the shape multiplies them (rows by columns), and must not overflow.
        var bound = header.elementType.size
        for dimension in header.shape where dimension != 0 {
            let (product, overflow) = bound.multipliedReportingOverflow(by: dimension)
            if dimension < 0 || overflow || product > maximumFileByteCount {
                throw invalid("shape \(shapeText) describes more data than a dataset file may hold")
            }
            bound = product
        }
        let expected = header.shape.contains(0) ? 0 : bound
        let found = fileSize - header.dataOffset
        if found < expected {
            throw invalid("truncated: shape \(shapeText) of \(header.elementType) needs \(expected) bytes of data, found \(found)")
        }
        if found > expected {
            throw invalid("trailing data: \(found - expected) bytes after the \(expected) bytes of data the header describes")
        }
    }
}

extension NPYFile {
    /// Calls `body` with each element's index and value, in order, without a copy of the array.
    func forEachValue(_ body: (Int, Double) -> Void) {
        let type = header.elementType
        forEachElement { index, bits in
            switch (type.kind, type.size) {
            case ("f", 4): body(index, Double(Float(bitPattern: UInt32(bits))))
            case ("f", _): body(index, Double(bitPattern: bits))
            case ("i", _): body(index, Double(Self.signed(bits, size: type.size)))
            default: body(index, Double(bits))
            }
        }
    }

    /// Calls `body` with each element's index and exact value, for an array of integers or
    /// booleans: `Int128` holds every `<i8` and `<u8` value, where `Double` rounds above 2⁵³
    /// and `Int` ends at 2⁶³ − 1.
    func forEachInteger(_ body: (Int, Int128) -> Void) {
        let type = header.elementType
        forEachElement { index, bits in
            body(index, type.kind == "i" ? Int128(Self.signed(bits, size: type.size)) : Int128(bits))
        }
    }

    /// Calls `body` with each element's index and bits (in the low `elementType.size` bytes).
    private func forEachElement(_ body: (Int, UInt64) -> Void) {
        let type = header.elementType
        let count = header.elementCount
        data.withUnsafeBytes { raw in
            for index in 0..<count {
                let offset = index * type.size
                var bits: UInt64 = 0
                for byte in 0..<type.size {
                    let position = type.bigEndian ? offset + byte : offset + type.size - 1 - byte
                    bits = bits << 8 | UInt64(raw[position])
                }
                body(index, bits)
            }
        }
    }

    /// `bits` of a `size`-byte two's complement integer, sign-extended.
    private static func signed(_ bits: UInt64, size: Int) -> Int64 {
        let shift = UInt64(64 - 8 * size)
        return Int64(bitPattern: bits << shift) >> Int64(shift)
    }
}

/// A parser for the Python literals of a `.npy` header: a dictionary of string keys whose
/// values are strings, `True`/`False`, or tuples of integers.
private struct DictionaryParser {
    enum Value { case string(String), boolean(Bool), tuple([Int]) }
    struct Failure: Error { var reason: String }

    let characters: [Character]
    var index = 0

    init(text: String) { characters = Array(text) }

    mutating func dictionary() throws -> [String: Value] {
        try expect("{")
        var entries: [String: Value] = [:]
        while true {
            skipSpaces()
            if peek == "}" { index += 1; break }
            let key = try string()
            try expect(":")
            entries[key] = try value()
            skipSpaces()
            if peek == "," { index += 1; continue }
            try expect("}")
            break
        }
        skipSpaces()
        guard index == characters.count else { throw Failure(reason: "unexpected text after the dictionary") }
        return entries
    }

    private var peek: Character? { index < characters.count ? characters[index] : nil }

    private mutating func skipSpaces() {
        while let c = peek, c.isWhitespace { index += 1 }
    }

    private mutating func expect(_ c: Character) throws {
        skipSpaces()
        guard peek == c else { throw Failure(reason: "expected '\(c)'") }
        index += 1
    }

    private mutating func string() throws -> String {
        skipSpaces()
        guard let quote = peek, quote == "'" || quote == "\"" else { throw Failure(reason: "expected a quoted key") }
        index += 1
        var text = ""
        while let c = peek, c != quote {
            text.append(c)
            index += 1
        }
        guard peek == quote else { throw Failure(reason: "unterminated string") }
        index += 1
        return text
    }

    private mutating func value() throws -> Value {
        skipSpaces()
        switch peek {
        case "'", "\"": return .string(try string())
        case "(":
            index += 1
            var items: [Int] = []
            while true {
                skipSpaces()
                if peek == ")" { index += 1; break }
                var digits = ""
                while let c = peek, c.isASCII, c.isNumber || c == "-" { digits.append(c); index += 1 }
                if peek == "L" { index += 1 }  // Python 2 long integers
                guard let number = Int(digits) else { throw Failure(reason: "expected an integer in the shape") }
                items.append(number)
                skipSpaces()
                if peek == "," { index += 1; continue }
                try expect(")")
                break
            }
            return .tuple(items)
        default:
            var word = ""
            while let c = peek, c.isLetter { word.append(c); index += 1 }
            switch word {
            case "True": return .boolean(true)
            case "False": return .boolean(false)
            default: throw Failure(reason: "expected a string, True, False or a tuple")
            }
        }
    }
}
