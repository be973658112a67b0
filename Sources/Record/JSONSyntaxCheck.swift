import NotebookResults
/// Finds where JSON text first goes wrong, for messages Foundation's decoder cannot give
/// ("not valid JSON", without a position).
enum JSONSyntaxCheck {
    struct Problem: Equatable {
        var line: Int
        var column: Int
        var message: String
    }

    /// The first syntax problem, or nil when the text is well-formed JSON.
    static func firstProblem(in bytes: [UInt8]) -> Problem? {
        var parser = Parser(bytes: bytes)
        do {
            parser.skipSpace()
            try parser.value(depth: 0)
            parser.skipSpace()
            if parser.offset < bytes.count { throw parser.failure("unexpected text after the end of the record") }
            return nil
        } catch let failure as Failure {
            var line = 1, column = 1
            for byte in bytes[..<min(failure.offset, bytes.count)] {
                if byte == 0x0A { line += 1; column = 1 } else if byte & 0xC0 != 0x80 { column += 1 }
            }
            return Problem(line: line, column: column, message: failure.message)
        } catch {
            return nil
        }
    }

    private struct Failure: Error {
        var offset: Int
        var message: String
    }

    private struct Parser {
        let bytes: [UInt8]
        var offset = 0

        func failure(_ message: String) -> Failure { Failure(offset: offset, message: message) }

        var endFailure: Failure { Failure(offset: bytes.count, message: "the text ends before the record is complete (truncated?)") }

        mutating func skipSpace() {
            while offset < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[offset]) { offset += 1 }
        }

        mutating func expect(_ byte: UInt8, _ what: String) throws {
            skipSpace()
            guard offset < bytes.count else { throw endFailure }
            guard bytes[offset] == byte else { throw failure("expected \(what)") }
            offset += 1
        }

        mutating func value(depth: Int) throws {
            guard depth < 200 else { throw failure("nested too deeply") }
            skipSpace()
            guard offset < bytes.count else { throw endFailure }
            switch bytes[offset] {
            case UInt8(ascii: "{"):
                offset += 1
                skipSpace()
                if offset < bytes.count, bytes[offset] == UInt8(ascii: "}") { offset += 1; return }
                while true {
                    skipSpace()
                    guard offset < bytes.count else { throw endFailure }
                    guard bytes[offset] == UInt8(ascii: "\"") else { throw failure("expected a quoted key") }
                    try string()
                    try expect(UInt8(ascii: ":"), "':' after a key")
                    try value(depth: depth + 1)
                    skipSpace()
                    guard offset < bytes.count else { throw endFailure }
                    if bytes[offset] == UInt8(ascii: ",") { offset += 1; continue }
                    if bytes[offset] == UInt8(ascii: "}") { offset += 1; return }
                    throw failure("expected ',' or '}'")
                }
            case UInt8(ascii: "["):
                offset += 1
                skipSpace()
                if offset < bytes.count, bytes[offset] == UInt8(ascii: "]") { offset += 1; return }
                while true {
                    try value(depth: depth + 1)
                    skipSpace()
                    guard offset < bytes.count else { throw endFailure }
                    if bytes[offset] == UInt8(ascii: ",") { offset += 1; continue }
                    if bytes[offset] == UInt8(ascii: "]") { offset += 1; return }
                    throw failure("expected ',' or ']'")
                }
            case UInt8(ascii: "\""):
                try string()
            case UInt8(ascii: "t"): try word("true")
            case UInt8(ascii: "f"): try word("false")
            case UInt8(ascii: "n"): try word("null")
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                let start = offset
                while offset < bytes.count, "+-.eE0123456789".utf8.contains(bytes[offset]) { offset += 1 }
                if Double(String(decoding: bytes[start..<offset], as: UTF8.self)) == nil {
                    offset = start
                    throw failure("not a number")
                }
            default:
                throw failure("expected a value")
            }
        }

        mutating func string() throws {
            offset += 1
            while offset < bytes.count {
                switch bytes[offset] {
                case UInt8(ascii: "\""): offset += 1; return
                case UInt8(ascii: "\\"): offset += 2
                case 0x00..<0x20: throw failure("a control character inside a string")
                default: offset += 1
                }
            }
            throw endFailure
        }

        mutating func word(_ text: String) throws {
            let word = Array(text.utf8)
            guard offset + word.count <= bytes.count, Array(bytes[offset..<offset + word.count]) == word else {
                throw failure("expected a value")
            }
            offset += word.count
        }
    }
}
