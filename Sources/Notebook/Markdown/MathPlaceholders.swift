import TeXMathML
import NotebookResults
private typealias B = MarkdownByte

/// Keeps TeX maths away from Markdown: each maths span of the prose is replaced in the source
/// by alphanumeric tokens before cmark parses it, and the tokens in cmark's output are
/// replaced by the TeX afterwards.
///
/// cmark knows no maths, so `$a_b*c_d$` would come out with emphasis and `\{` would lose its
/// backslash. Tokens are plain words to cmark. A span covering several lines becomes one
/// token per line, and the line endings and container prefixes (`> `, list indentation)
/// between them stay where they are, so every line keeps its number and its block
/// structure: code block positions after the maths are exact.
///
/// The output keeps Pandoc's wrappers for maths, `<span class="math inline">…</span>` and
/// `<span class="math display">…</span>`, around MathML Core from `TeXToMathML` (rendered
/// by the browser, no JavaScript), which keeps the TeX in an annotation.
struct MathPlaceholders {
    /// One maths span: its TeX (without delimiters) and kind.
    struct Span: Equatable {
        var tex: String
        var isDisplay: Bool
    }

    /// The inline content of one paragraph or heading, located by cmark.
    struct Region {
        /// The 1-based lines the block covers.
        var lines: ClosedRange<Int>
        /// The 1-based byte column of its first character on its first line.
        var startColumn: Int
        /// How many block quotes contain it (their `>` markers start its other lines).
        var quoteDepth: Int
        /// Whether it is a heading (ATX or setext) rather than a paragraph.
        var isHeading: Bool
    }

    /// A string absent from the source; every token starts with it.
    let nonce: String
    /// The spans found, indexed by the number in their tokens.
    private(set) var spans: [Span] = []

    init(nonce: String) {
        self.nonce = nonce
    }

    /// The token for line `part` of span `index`.
    private func token(span index: Int, part: Int) -> [UInt8] {
        Array("\(nonce)M\(index)P\(part)E".utf8)
    }

    // MARK: - Before cmark

    /// Replaces the maths in `regions` of `source` by tokens, recording the spans.
    ///
    /// `codeLines` are the lines of code blocks; maths never reaches into them.
    mutating func rewrite(_ source: SourceText, regions: [Region], codeLines: Set<Int>) -> SourceText {
        var edits: [(range: Range<Int>, replacement: [UInt8])] = []
        // Where the text already scanned ends: a span may run on into the next regions.
        var consumed = 0
        for var region in regions {
            guard let lines = textLines(of: region, in: source, codeLines: codeLines) else { continue }
            region.lines = lines
            var positions = contentPositions(of: region, in: source).filter { $0 >= consumed }
            // The filter may leave a line ending first; the text starts after it.
            while let first = positions.first, source.bytes[first] == B.newline { positions.removeFirst() }
            let limit = positions.count
            guard let last = positions.last else { continue }
            consumed = max(consumed, last + 1)
            guard positions.contains(where: { source.bytes[$0] == B.dollar }) else { continue }
            positions += lookahead(after: region, in: source, codeLines: codeLines)
            let content = positions.map { source.bytes[$0] }
            for match in MathScanner.matches(in: content, limit: limit)
            where !startsOnFenceLikeLine(match, in: content) {
                let index = spans.count
                let inner = (match.range.lowerBound + match.delimiterLength)..<(match.range.upperBound - match.delimiterLength)
                var tex = String(decoding: content[inner], as: UTF8.self)
                if match.isDisplay { tex = trimmingWhitespace(tex) }
                spans.append(Span(tex: tex, isDisplay: match.isDisplay))

                var replacement = token(span: index, part: 0)
                var part = 1
                for k in match.range where content[k] == B.newline {
                    // Keep the line ending and the next line's container prefix verbatim.
                    replacement += source.bytes[positions[k]..<positions[k + 1]]
                    replacement += token(span: index, part: part)
                    part += 1
                }
                let end = positions[match.range.upperBound - 1] + 1
                edits.append((positions[match.range.lowerBound]..<end, replacement))
                consumed = max(consumed, end)
            }
        }
        guard !edits.isEmpty else { return source }
        edits.sort { $0.range.lowerBound < $1.range.lowerBound }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(source.bytes.count)
        var cursor = 0
        for edit in edits {
            bytes += source.bytes[cursor..<edit.range.lowerBound]
            bytes += edit.replacement
            cursor = edit.range.upperBound
        }
        bytes += source.bytes[cursor...]
        return SourceText(bytes: bytes)
    }

    /// Whether the line where `match` starts begins with three backticks. Such a line is
    /// prose only because its would-be info string holds a backtick; if that backtick is in
    /// the maths, replacing the maths by a token would turn the line into a code fence.
    private func startsOnFenceLikeLine(_ match: MathScanner.Match, in content: [UInt8]) -> Bool {
        let lineStart = content[..<match.range.lowerBound].lastIndex(of: B.newline).map { $0 + 1 } ?? 0
        return content[lineStart...].starts(with: [B.backtick, B.backtick, B.backtick])
    }

    /// The lines holding the region's text, or nil when there are none. cmark's end line is
    /// unreliable for setext headings (it may count lines after the underline), so a
    /// setext heading ends before its underline; no region reaches into code.
    private func textLines(of region: Region, in source: SourceText, codeLines: Set<Int>) -> ClosedRange<Int>? {
        let first = region.lines.lowerBound
        guard first <= source.lineCount, !codeLines.contains(first) else { return nil }
        let isSetext = region.isHeading
            && source.text(ofLine: first, fromColumn: region.startColumn).first != UInt8(ascii: "#")
        if region.isHeading && !isSetext { return first...first }
        var last = first
        while last < min(region.lines.upperBound, source.lineCount), !codeLines.contains(last + 1) {
            if isSetext && isSetextUnderline(line: last + 1, in: source, quoteDepth: region.quoteDepth) { break }
            last += 1
        }
        return first...last
    }

    private func isSetextUnderline(line: Int, in source: SourceText, quoteDepth: Int) -> Bool {
        let start = contentStart(ofLine: line, in: source, quoteDepth: quoteDepth)
        let text = source.bytes[start..<source.end(ofLine: line)]
        guard let marker = text.first, marker == UInt8(ascii: "=") || marker == UInt8(ascii: "-") else { return false }
        return text.drop { $0 == marker }.allSatisfy { $0 == B.space || $0 == B.tab }
    }

    /// The byte offsets in `source` of the region's inline content: its lines from the
    /// start column on the first and after the container prefix on the others, joined by
    /// their own `\n` bytes. The content is thus a subsequence of the source.
    private func contentPositions(of region: Region, in source: SourceText) -> [Int] {
        var positions: [Int] = []
        for line in region.lines where line <= source.lineCount {
            let lineEnd = source.end(ofLine: line)
            if line == region.lines.lowerBound {
                positions += min(source.start(ofLine: line) + region.startColumn - 1, lineEnd)..<lineEnd
            } else {
                positions.append(source.start(ofLine: line) - 1)  // the previous line's `\n`
                positions += contentStart(ofLine: line, in: source, quoteDepth: region.quoteDepth)..<lineEnd
            }
        }
        return positions
    }

    /// The lines after `region` up to the next blank line or code block, as continuation
    /// lines of it (each after its `\n`).
    private func lookahead(after region: Region, in source: SourceText, codeLines: Set<Int>) -> [Int] {
        var positions: [Int] = []
        var line = region.lines.upperBound + 1
        while line <= source.lineCount, !codeLines.contains(line) {
            let start = contentStart(ofLine: line, in: source, quoteDepth: region.quoteDepth)
            let lineEnd = source.end(ofLine: line)
            guard start < lineEnd else { break }
            positions.append(source.start(ofLine: line) - 1)
            positions += start..<lineEnd
            line += 1
        }
        return positions
    }

    /// Where the text of a continuation line starts: cmark strips the container prefix and
    /// all leading whitespace. A lazy line may lack some of the `>` markers.
    private func contentStart(ofLine line: Int, in source: SourceText, quoteDepth: Int) -> Int {
        let lineEnd = source.end(ofLine: line)
        var start = source.start(ofLine: line)
        var quotes = quoteDepth
        while start < lineEnd {
            if source.bytes[start] == B.space || source.bytes[start] == B.tab {
                start += 1
            } else if source.bytes[start] == B.greaterThan && quotes > 0 {
                start += 1
                quotes -= 1
            } else {
                break
            }
        }
        return start
    }

    // MARK: - After cmark

    /// How restored maths is written.
    enum Output {
        /// HTML: `<span class="math …">` in text, `$…$` escaped inside tag attributes
        /// (an image's `alt`).
        case html
        /// Plain text with the original delimiters (a page title).
        case plainText
    }

    /// `text` with every token replaced by its maths.
    func restore(in text: String, as output: Output) -> String {
        guard !spans.isEmpty else { return text }
        let bytes = Array(text.utf8)
        let nonceBytes = Array(nonce.utf8)
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count)
        var insideTag = false
        var i = 0
        while i < bytes.count {
            let byte = bytes[i]
            if byte == nonceBytes[0], bytes[i...].starts(with: nonceBytes),
               let (index, part, end) = parseToken(bytes, from: i + nonceBytes.count), index < spans.count {
                if part == 0 {
                    result += Array(rendered(spans[index], as: output, insideTag: insideTag).utf8)
                } else {
                    // The separator between the parts of one span goes with them.
                    while let last = result.last, B.isWhitespace(last) { result.removeLast() }
                }
                i = end
                continue
            }
            if output == .html {
                if byte == B.lessThan { insideTag = true } else if byte == B.greaterThan { insideTag = false }
            }
            result.append(byte)
            i += 1
        }
        return String(decoding: result, as: UTF8.self)
    }

    /// Parses `M<index>P<part>E` at `start`.
    private func parseToken(_ bytes: [UInt8], from start: Int) -> (index: Int, part: Int, end: Int)? {
        func number(at position: Int) -> (value: Int, end: Int)? {
            var j = position
            var value = 0
            while j < bytes.count, B.isDigit(bytes[j]), j - position < 9 {
                value = value * 10 + Int(bytes[j] - UInt8(ascii: "0"))
                j += 1
            }
            return j > position ? (value, j) : nil
        }
        guard start < bytes.count, bytes[start] == UInt8(ascii: "M"),
              let index = number(at: start + 1),
              index.end < bytes.count, bytes[index.end] == UInt8(ascii: "P"),
              let part = number(at: index.end + 1),
              part.end < bytes.count, bytes[part.end] == UInt8(ascii: "E")
        else { return nil }
        return (index.value, part.value, part.end + 1)
    }

    private func rendered(_ span: Span, as output: Output, insideTag: Bool) -> String {
        let delimiter = span.isDisplay ? "$$" : "$"
        switch output {
        case .plainText:
            return delimiter + span.tex + delimiter
        case .html where insideTag:
            return escapeHTMLAttribute(delimiter + span.tex + delimiter)
        case .html:
            return span.isDisplay
                ? #"<span class="math display">"# + TeXToMathML.math(span.tex, display: true) + "</span>"
                : #"<span class="math inline">"# + TeXToMathML.math(span.tex, display: false) + "</span>"
        }
    }

    private func trimmingWhitespace(_ text: String) -> String {
        let scalars = text.unicodeScalars
        let isSpace: (Unicode.Scalar) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" }
        guard let first = scalars.firstIndex(where: { !isSpace($0) }),
              let last = scalars.lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(scalars[first...last])
    }
}
