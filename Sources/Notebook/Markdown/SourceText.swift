import NotebookResults
private typealias B = MarkdownByte

/// A notebook's Markdown as UTF-8 bytes with `\n` line endings, indexed by line.
///
/// The Markdown stage works on bytes so that its columns match cmark's (1-based byte
/// columns). Normalising a leading byte-order mark away and CRLF / lone CR to LF keeps
/// every line number the same as in the file.
struct SourceText {
    /// The normalised text.
    private(set) var bytes: [UInt8]
    /// The byte offset at which each line starts; `lineStarts[0]` is line 1.
    private(set) var lineStarts: [Int]

    init(normalizing source: String) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(source.utf8.count)
        var input = source.utf8[...]
        if input.starts(with: [0xEF, 0xBB, 0xBF]) { input = input.dropFirst(3) }
        var previousWasCR = false
        for byte in input {
            if byte == B.cr {
                bytes.append(B.newline)
                previousWasCR = true
                continue
            }
            if !(byte == B.newline && previousWasCR) { bytes.append(byte) }
            previousWasCR = false
        }
        self.init(bytes: bytes)
    }

    init(bytes: [UInt8]) {
        self.bytes = bytes
        var starts = [0]
        for (offset, byte) in bytes.enumerated() where byte == B.newline { starts.append(offset + 1) }
        self.lineStarts = starts
    }

    /// The number of lines, counting the empty one after a final line ending.
    var lineCount: Int { lineStarts.count }

    /// The byte offset where 1-based `line` starts.
    func start(ofLine line: Int) -> Int { lineStarts[line - 1] }

    /// The byte offset just past the last byte of 1-based `line`, before its `\n`.
    func end(ofLine line: Int) -> Int {
        line < lineStarts.count ? lineStarts[line] - 1 : bytes.count
    }

    /// The bytes of 1-based `line` from 1-based byte `column` to its end, without the `\n`.
    func text(ofLine line: Int, fromColumn column: Int = 1) -> ArraySlice<UInt8> {
        guard line >= 1, line <= lineCount else { return [] }
        let end = end(ofLine: line)
        let start = min(start(ofLine: line) + max(column - 1, 0), end)
        return bytes[start..<end]
    }
}

/// The ASCII bytes the Markdown stage looks at, in a namespace of its own so that they
/// cannot clash with other parts of the module.
enum MarkdownByte {
    static let newline = UInt8(ascii: "\n")
    static let cr = UInt8(ascii: "\r")
    static let space = UInt8(ascii: " ")
    static let tab = UInt8(ascii: "\t")
    static let dollar = UInt8(ascii: "$")
    static let backslash = UInt8(ascii: "\\")
    static let backtick = UInt8(ascii: "`")
    static let tilde = UInt8(ascii: "~")
    static let lessThan = UInt8(ascii: "<")
    static let greaterThan = UInt8(ascii: ">")

    /// Space, tab or line feed: the whitespace that matters inside a paragraph.
    static func isWhitespace(_ byte: UInt8) -> Bool { byte == space || byte == tab || byte == newline }
    static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
    static func isLetter(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
    }
}
