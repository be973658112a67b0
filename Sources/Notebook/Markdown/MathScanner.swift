import NotebookResults
private typealias B = MarkdownByte

/// Finds TeX maths, `$…$` (inline) and `$$…$$` (display), in the inline content of one
/// paragraph or heading, by Pandoc's `tex_math_dollars` rules.
///
/// - An inline opening `$` must have a non-space right after it; the closing `$` must have a
///   non-space right before it and must not be followed by a digit (`$20,000 and $30,000`
///   is prose). A backslash inside maths escapes the next character (`$a\$b$`).
/// - `$$` opens display maths, which ends at the next `$$`; spaces next to the delimiters are
///   allowed. Both kinds may span lines (a paragraph never holds a blank line).
/// - `\$` is a literal dollar. Nothing inside a code span, a raw HTML tag, an autolink or a
///   link destination is maths. The scan goes left to right like Pandoc's: whichever
///   construct starts first wins (`` $`x`$ `` is maths, `` `$x$` `` is code).
enum MathScanner {
    /// One span of maths; `range` covers the delimiters too.
    struct Match: Equatable {
        var range: Range<Int>
        var isDisplay: Bool

        /// The length of each delimiter.
        var delimiterLength: Int { isDisplay ? 2 : 1 }
    }

    /// The maths spans that start in `content[..<limit]` (a paragraph's text with container
    /// prefixes removed and lines joined by `\n`), in order, not overlapping.
    ///
    /// Display maths may close after `limit`: the rest of `content` holds the lines that
    /// follow the paragraph up to the next blank line. cmark may have read them as other
    /// blocks (a TeX line `- \beta` starts a list item, `+ c` too), but Pandoc's display maths
    /// runs on until a blank line, and so does this. Inline maths stays in its paragraph,
    /// so that a list such as `- from $5` / `- to 8$` stays a list.
    static func matches(in content: [UInt8], limit: Int) -> [Match] {
        var result: [Match] = []
        let paragraph = Array(content[..<limit])
        var openBrackets = 0
        var i = 0
        while i < limit {
            switch content[i] {
            case B.backslash:
                i += 2
            case B.backtick:
                i = endOfCodeSpan(paragraph, at: i)
            case B.lessThan:
                i = endOfRawHTMLOrAutolink(paragraph, at: i) ?? i + 1
            case UInt8(ascii: "["):
                openBrackets += 1
                i += 1
            case UInt8(ascii: "]"):
                i += 1
                if openBrackets > 0 {
                    openBrackets -= 1
                    if i < limit, content[i] == UInt8(ascii: "("),
                       let end = endOfLinkDestination(paragraph, at: i) {
                        i = end
                    }
                }
            case B.dollar:
                if let match = displayMath(content, at: i) ?? inlineMath(paragraph, at: i) {
                    result.append(match)
                    i = match.range.upperBound
                } else {
                    i += 1
                }
            default:
                i += 1
            }
        }
        return result
    }

    // MARK: - Maths

    /// `$$…$$` at `start`: at least one character, then the first `$$`.
    private static func displayMath(_ s: [UInt8], at start: Int) -> Match? {
        guard start + 1 < s.count, s[start + 1] == B.dollar else { return nil }
        var j = start + 3
        while j + 1 < s.count {
            if s[j] == B.dollar && s[j + 1] == B.dollar {
                return Match(range: start..<(j + 2), isDisplay: true)
            }
            j += 1
        }
        return nil
    }

    /// `$…$` at `start`, following Pandoc's `mathInlineWith "$" "$"`.
    private static func inlineMath(_ s: [UInt8], at start: Int) -> Match? {
        let first = start + 1
        guard first < s.count, !B.isWhitespace(s[first]) else { return nil }
        var j = first
        while j < s.count {
            let byte = s[j]
            if byte == B.dollar && j > first {
                if j + 1 < s.count, B.isDigit(s[j + 1]) { return nil }
                return Match(range: start..<(j + 1), isDisplay: false)
            }
            if byte == B.backslash {
                guard j + 1 < s.count else { return nil }
                j = endOfTextCommand(s, at: j) ?? j + 2
            } else if B.isWhitespace(byte) {
                while j < s.count, B.isWhitespace(s[j]) { j += 1 }
                // The closing `$` must follow a non-space.
                if j < s.count, s[j] == B.dollar { return nil }
            } else {
                j += 1
            }
        }
        return nil
    }

    /// `\text{…}` at `start` with balanced braces (it may hold `$`), as Pandoc skips it.
    private static func endOfTextCommand(_ s: [UInt8], at start: Int) -> Int? {
        let command = Array("\\text{".utf8)
        guard s[start...].starts(with: command) else { return nil }
        var depth = 0
        var j = start + command.count - 1
        while j < s.count {
            switch s[j] {
            case B.backslash: j += 1
            case UInt8(ascii: "{"): depth += 1
            case UInt8(ascii: "}"):
                depth -= 1
                if depth == 0 { return j + 1 }
            default: break
            }
            j += 1
        }
        return nil
    }

    // MARK: - Constructs that hide dollars

    /// The end of the code span opened by the backtick run at `start`, or the end of that
    /// run when no run of the same length closes it (then the backticks are literal).
    private static func endOfCodeSpan(_ s: [UInt8], at start: Int) -> Int {
        let openingEnd = endOfRun(s, at: start, of: B.backtick)
        let length = openingEnd - start
        var j = openingEnd
        while j < s.count {
            if s[j] == B.backtick {
                let runEnd = endOfRun(s, at: j, of: B.backtick)
                if runEnd - j == length { return runEnd }
                j = runEnd
            } else {
                j += 1
            }
        }
        return openingEnd
    }

    private static func endOfRun(_ s: [UInt8], at start: Int, of byte: UInt8) -> Int {
        var j = start
        while j < s.count, s[j] == byte { j += 1 }
        return j
    }

    /// The end of a raw HTML tag, comment, processing instruction, declaration, CDATA
    /// section or autolink starting at `start` (CommonMark's definitions), if there is one.
    private static func endOfRawHTMLOrAutolink(_ s: [UInt8], at start: Int) -> Int? {
        let rest = s[start...]
        if rest.starts(with: Array("<!--".utf8)) { return end(of: "-->", in: s, from: start + 4) }
        if rest.starts(with: Array("<![CDATA[".utf8)) { return end(of: "]]>", in: s, from: start + 9) }
        if rest.starts(with: Array("<?".utf8)) { return end(of: "?>", in: s, from: start + 2) }
        if rest.starts(with: Array("<!".utf8)) {
            guard start + 2 < s.count, B.isLetter(s[start + 2]) else { return nil }
            return end(of: ">", in: s, from: start + 2)
        }
        if rest.starts(with: Array("</".utf8)) {
            var j = start + 2
            guard let nameEnd = endOfTagName(s, at: j) else { return nil }
            j = skipWhitespace(s, from: nameEnd)
            return j < s.count && s[j] == B.greaterThan ? j + 1 : nil
        }
        return endOfOpenTag(s, at: start) ?? endOfAutolink(s, at: start)
    }

    private static func endOfOpenTag(_ s: [UInt8], at start: Int) -> Int? {
        guard var j = endOfTagName(s, at: start + 1) else { return nil }
        while true {
            let afterSpace = skipWhitespace(s, from: j)
            guard afterSpace < s.count else { return nil }
            if s[afterSpace] == B.greaterThan { return afterSpace + 1 }
            if s[afterSpace] == UInt8(ascii: "/") {
                return afterSpace + 1 < s.count && s[afterSpace + 1] == B.greaterThan ? afterSpace + 2 : nil
            }
            // An attribute needs whitespace before it.
            guard afterSpace > j, let attribute = endOfAttribute(s, at: afterSpace) else { return nil }
            j = attribute
        }
    }

    private static func endOfTagName(_ s: [UInt8], at start: Int) -> Int? {
        guard start < s.count, B.isLetter(s[start]) else { return nil }
        var j = start + 1
        while j < s.count, B.isLetter(s[j]) || B.isDigit(s[j]) || s[j] == UInt8(ascii: "-") { j += 1 }
        return j
    }

    private static func endOfAttribute(_ s: [UInt8], at start: Int) -> Int? {
        func isNameStart(_ b: UInt8) -> Bool { B.isLetter(b) || b == UInt8(ascii: "_") || b == UInt8(ascii: ":") }
        func isName(_ b: UInt8) -> Bool {
            isNameStart(b) || B.isDigit(b) || b == UInt8(ascii: ".") || b == UInt8(ascii: "-")
        }
        guard isNameStart(s[start]) else { return nil }
        var j = start + 1
        while j < s.count, isName(s[j]) { j += 1 }
        let equals = skipWhitespace(s, from: j)
        guard equals < s.count, s[equals] == UInt8(ascii: "=") else { return j }
        let value = skipWhitespace(s, from: equals + 1)
        guard value < s.count else { return nil }
        let quote = s[value]
        if quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") {
            guard let close = s[(value + 1)...].firstIndex(of: quote) else { return nil }
            return close + 1
        }
        var k = value
        while k < s.count, !B.isWhitespace(s[k]), !"\"'=<>`".utf8.contains(s[k]) { k += 1 }
        return k > value ? k : nil
    }

    private static func endOfAutolink(_ s: [UInt8], at start: Int) -> Int? {
        var j = start + 1
        while j < s.count, s[j] != B.greaterThan, s[j] != B.lessThan, s[j] > 0x20 { j += 1 }
        guard j < s.count, s[j] == B.greaterThan else { return nil }
        let body = s[(start + 1)..<j]
        if let colon = body.firstIndex(of: UInt8(ascii: ":")) {
            let scheme = s[(start + 1)..<colon]
            let schemeOK = (2...32).contains(scheme.count) && B.isLetter(scheme.first!)
                && scheme.allSatisfy { B.isLetter($0) || B.isDigit($0) || "+.-".utf8.contains($0) }
            return schemeOK ? j + 1 : nil
        }
        return body.contains(UInt8(ascii: "@")) ? j + 1 : nil
    }

    /// The end of a link destination (and title) `( … )` starting at `start`, if it closes.
    private static func endOfLinkDestination(_ s: [UInt8], at start: Int) -> Int? {
        var depth = 0
        var j = start
        while j < s.count {
            switch s[j] {
            case B.backslash:
                j += 1
            case UInt8(ascii: "("):
                depth += 1
            case UInt8(ascii: ")"):
                depth -= 1
                if depth == 0 { return j + 1 }
            case UInt8(ascii: "\""), UInt8(ascii: "'"):
                // A title: skip to its closing quote.
                if j > start, B.isWhitespace(s[j - 1]),
                   let close = s[(j + 1)...].firstIndex(of: s[j]) {
                    j = close
                }
            case B.lessThan where j == start + 1:
                guard let close = s[(j + 1)...].firstIndex(of: B.greaterThan) else { return nil }
                j = close
            default:
                break
            }
            j += 1
        }
        return nil
    }

    private static func skipWhitespace(_ s: [UInt8], from start: Int) -> Int {
        var j = start
        while j < s.count, B.isWhitespace(s[j]) { j += 1 }
        return j
    }

    private static func end(of terminator: String, in s: [UInt8], from start: Int) -> Int? {
        let pattern = Array(terminator.utf8)
        var j = start
        while j + pattern.count <= s.count {
            if s[j..<(j + pattern.count)].elementsEqual(pattern) { return j + pattern.count }
            j += 1
        }
        return nil
    }
}
