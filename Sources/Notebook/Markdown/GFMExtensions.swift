import CCmark
import NotebookResults
private typealias B = MarkdownByte

/// What Quarto, Jupyter and GitHub users type beyond CommonMark: pipe tables, footnotes and
/// strikethrough, as the GFM spec (cmark-gfm 0.29) describes them, added on top of cmark's
/// tree. cmark stays the parser: every cell, footnote text and paragraph goes through it.
///
/// - **Footnote definitions** (`[^label]: text`, continued by lines indented four spaces, a
///   lazy line right after a line of text, and blank lines between indented ones) are taken
///   out of the source before cmark parses it and blank lines put in their place, so every
///   other line keeps its number. Only definitions that start a line outside any container
///   (list, block quote) are recognised. A definition is Markdown of its own; a code block
///   in it is shown, never run. The first definition of a label wins; unused ones are fine.
/// - **References** `[^label]` in text (not in code, links or images) become
///   `<sup class="footnote-ref"><a href="#fnN" id="fnrefN">N</a></sup>`, numbered in reading
///   order, and the referenced definitions a `<section class="footnotes">` at the end of the
///   page with a back-link (`↩`) per reference. A reference without a definition stays text
///   and is a `Document.Problem` at its position; the compiler reports it with its errors.
/// - **Tables** (`GFMTable`) replace the paragraph they are in from their header row on.
/// - **Strikethrough** (`GFMStrikethrough`) wraps `~text~` and `~~text~~` in `<del>`.
///
/// Maths placeholders stay words through all of this and are restored in the final HTML.
struct GFMExtensions {
    let nonce: String
    let path: String
    /// The normalised file before any rewriting, where problems are located.
    let original: SourceText
    /// Problems found so far, in the order found.
    private(set) var problems: [Document.Problem] = []

    private struct Definition {
        var lines: ClosedRange<Int>
        var markdown: String
        /// How many references point at it; its number is its place in `numbered`.
        var references = 0
    }
    /// Definitions by normalised label.
    private var definitions: [String: Definition] = [:]
    /// Labels of referenced definitions, in the order of their first reference.
    private var numbered: [String] = []
    /// Each referenced label's number (its place in `numbered`, from 1).
    private var numbers: [String: Int] = [:]
    /// How many references of a label have been located in a line range.
    private var locatedCounts: [String: Int] = [:]
    /// Per line range: where each `[^label]` is written in the original text, in reading
    /// order, found in one scan of the range, so that thousands of undefined references on
    /// one long line are located in one pass rather than one scan of the line each.
    private var referenceSites: [ClosedRange<Int>: [String: [SourceLocation]]] = [:]

    init(nonce: String, path: String, source: SourceText) {
        self.nonce = nonce
        self.path = path
        self.original = source
    }

    // MARK: - Definitions

    /// `text` with every footnote definition's lines blanked, each definition kept.
    mutating func takeFootnoteDefinitions(from text: SourceText) -> SourceText {
        guard containsFootnoteSyntax(text.bytes) else { return text }
        var excluded: Set<Int> = []
        CmarkTree(text.bytes).walk { event, node in
            guard event == CMARK_EVENT_ENTER else { return }
            let type = cmark_node_get_type(node)
            let first = Int(cmark_node_get_start_line(node))
            let last = max(first, Int(cmark_node_get_end_line(node)))
            // A definition may interrupt a paragraph, as in GFM, but not code or raw HTML,
            // and only top-level ones are looked for.
            if type == CMARK_NODE_CODE_BLOCK || type == CMARK_NODE_HTML_BLOCK
                || type == CMARK_NODE_LIST || type == CMARK_NODE_BLOCK_QUOTE {
                excluded.formUnion(first...last)
            }
        }
        var blanked: [ClosedRange<Int>] = []
        var line = 1
        while line <= text.lineCount {
            guard !excluded.contains(line), let (label, rest) = Self.definitionStart(text.text(ofLine: line)) else {
                line += 1
                continue
            }
            var bodyLines = [String(decoding: rest, as: UTF8.self)]
            var last = line
            var blanks = 0
            var next = line + 1
            while next <= text.lineCount {
                let content = text.text(ofLine: next)
                if content.allSatisfy({ $0 == B.space || $0 == B.tab }) {
                    blanks += 1
                } else if Self.indentWidth(content) >= 4 {
                    bodyLines += Array(repeating: "", count: blanks)
                    bodyLines.append(String(decoding: Self.dedented(content, by: 4), as: UTF8.self))
                    blanks = 0
                    last = next
                } else if blanks == 0, !(bodyLines.last ?? "").isEmpty, !Self.startsBlock(content) {
                    bodyLines.append(String(decoding: content, as: UTF8.self))
                    last = next
                } else {
                    break
                }
                next += 1
            }
            let key = Self.normalized(label)
            if definitions[key] == nil {
                definitions[key] = Definition(lines: line...last, markdown: bodyLines.joined(separator: "\n"))
            }
            blanked.append(line...last)
            line = last + 1
        }
        guard !blanked.isEmpty else { return text }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.bytes.count)
        var cursor = 0
        for range in blanked {
            bytes += text.bytes[cursor..<text.start(ofLine: range.lowerBound)]
            bytes += Array(repeating: B.newline, count: range.count - 1)
            cursor = text.end(ofLine: range.upperBound)
        }
        bytes += text.bytes[cursor...]
        return SourceText(bytes: bytes)
    }

    private func containsFootnoteSyntax(_ bytes: [UInt8]) -> Bool {
        var previous: UInt8 = 0
        for byte in bytes {
            if previous == UInt8(ascii: "["), byte == UInt8(ascii: "^") { return true }
            previous = byte
        }
        return false
    }

    /// The label and the rest of the line when `line` starts a definition: up to three
    /// spaces, `[^label]:`, where the label has no white space or `]`.
    private static func definitionStart(_ line: ArraySlice<UInt8>) -> (String, ArraySlice<UInt8>)? {
        let indent = line.prefix { $0 == B.space }.count
        guard indent <= 3 else { return nil }
        let rest = line.dropFirst(indent)
        guard rest.starts(with: [UInt8(ascii: "["), UInt8(ascii: "^")]),
              let (label, end) = referenceLabel(in: rest, at: rest.startIndex),
              end < rest.endIndex, rest[end] == UInt8(ascii: ":") else { return nil }
        return (label, rest[(end + 1)...].drop { $0 == B.space || $0 == B.tab })
    }

    /// The label of a reference `[^label]` starting at `start`, and the index after it.
    static func referenceLabel(in bytes: ArraySlice<UInt8>, at start: Int) -> (String, Int)? {
        guard bytes[start...].starts(with: [UInt8(ascii: "["), UInt8(ascii: "^")]) else { return nil }
        var index = start + 2
        while index < bytes.endIndex, bytes[index] != UInt8(ascii: "]") {
            let byte = bytes[index]
            if B.isWhitespace(byte) || byte == UInt8(ascii: "[") || byte == UInt8(ascii: "^") { return nil }
            index += 1
        }
        guard index < bytes.endIndex, index > start + 2 else { return nil }
        return (String(decoding: bytes[(start + 2)..<index], as: UTF8.self), index + 1)
    }

    private static func normalized(_ label: String) -> String { label.lowercased() }

    private static func indentWidth(_ line: ArraySlice<UInt8>) -> Int {
        var width = 0
        for byte in line {
            if byte == B.space { width += 1 } else if byte == B.tab { width += 4 - width % 4 } else { break }
        }
        return width
    }

    private static func dedented(_ line: ArraySlice<UInt8>, by columns: Int) -> [UInt8] {
        var width = 0
        var index = line.startIndex
        while index < line.endIndex, width < columns {
            if line[index] == B.space { width += 1 } else if line[index] == B.tab { width += 4 - width % 4 } else { break }
            index += 1
        }
        return Array(repeating: B.space, count: max(0, width - columns)) + line[index...]
    }

    /// Whether an unindented line starts a block, and so cannot continue a definition lazily.
    private static func startsBlock(_ line: ArraySlice<UInt8>) -> Bool {
        let text = line.drop { $0 == B.space }
        guard let first = text.first else { return true }
        if definitionStart(line) != nil { return true }
        switch first {
        case UInt8(ascii: "#"), UInt8(ascii: ">"), UInt8(ascii: "<"), B.backtick, B.tilde:
            return true
        case UInt8(ascii: "-"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "_"), UInt8(ascii: "="):
            return text.count == 1 || text.dropFirst().first == B.space || text.dropFirst().first == B.tab
                || text.allSatisfy { $0 == first || $0 == B.space }
        default:
            let digits = text.prefix { B.isDigit($0) }.count
            guard digits > 0, digits < text.count else { return false }
            let after = text[text.startIndex + digits]
            return after == UInt8(ascii: ".") || after == UInt8(ascii: ")")
        }
    }

    // MARK: - The tree

    /// Adds tables, footnote references and strikethrough to `tree`, parsed from `text`,
    /// whose line `n` is line `n + lineOffset` of the file.
    mutating func apply(to tree: CmarkTree, text: SourceText, lineOffset: Int = 0) {
        var blocks: [(node: OpaquePointer, quoteDepth: Int)] = []
        var quoteDepth = 0
        tree.walk { event, node in
            let type = cmark_node_get_type(node)
            if type == CMARK_NODE_BLOCK_QUOTE {
                quoteDepth += event == CMARK_EVENT_ENTER ? 1 : -1
            } else if event == CMARK_EVENT_ENTER, type == CMARK_NODE_PARAGRAPH || type == CMARK_NODE_HEADING {
                blocks.append((node, quoteDepth))
            }
        }
        for (node, depth) in blocks {
            let first = Int(cmark_node_get_start_line(node))
            let lines = (first + lineOffset)...(max(first, Int(cmark_node_get_end_line(node))) + lineOffset)
            if cmark_node_get_type(node) == CMARK_NODE_PARAGRAPH,
               let table = GFMTable(paragraph: node, text: text, quoteDepth: depth) {
                replace(node, with: table, lines: lines)
            } else {
                cmark_consolidate_text_nodes(node)
                processInlines(of: node, lines: lines)
            }
        }
    }

    /// Footnote references, then strikethrough, in the inlines under `parent`.
    mutating func processInlines(of parent: OpaquePointer, lines: ClosedRange<Int>, insideLink: Bool = false) {
        var child = cmark_node_first_child(parent)
        while let current = child {
            child = cmark_node_next(current)
            let type = cmark_node_get_type(current)
            if type == CMARK_NODE_TEXT, !insideLink {
                replaceReferences(in: current, lines: lines)
            } else if type == CMARK_NODE_EMPH || type == CMARK_NODE_STRONG || type == CMARK_NODE_CUSTOM_INLINE {
                processInlines(of: current, lines: lines, insideLink: insideLink)
            } else if type == CMARK_NODE_LINK {
                processInlines(of: current, lines: lines, insideLink: true)
            }
        }
        GFMStrikethrough.apply(to: parent)
    }

    private mutating func replace(_ paragraph: OpaquePointer, with table: GFMTable, lines: ClosedRange<Int>) {
        if !table.leadingText.isEmpty {
            let leading = CmarkTree(Array(table.leadingText.utf8))
            var block = cmark_node_first_child(leading.root)
            while let current = block {
                block = cmark_node_next(current)
                cmark_consolidate_text_nodes(current)
                processInlines(of: current, lines: lines)
                cmark_node_unlink(current)
                cmark_node_insert_before(paragraph, current)
            }
        }
        let html = table.html { cell in renderInline(cell, lines: lines) }
        guard let block = cmark_node_new(CMARK_NODE_HTML_BLOCK) else { return }
        cmark_node_set_literal(block, html)
        if cmark_node_replace(paragraph, block) == 1 {
            cmark_node_free(paragraph)
        } else {
            cmark_node_free(block)
        }
    }

    /// The HTML of `markdown`'s inlines (a table cell), parsed by cmark as a paragraph.
    mutating func renderInline(_ markdown: String, lines: ClosedRange<Int>) -> String {
        guard !markdown.isEmpty else { return "" }
        // A word first keeps the cell a paragraph (`# x` or `- x` is text in a cell).
        let prefix = "\(nonce)Z"
        let tree = CmarkTree(Array((prefix + " " + markdown).utf8))
        guard let paragraph = cmark_node_first_child(tree.root),
              cmark_node_get_type(paragraph) == CMARK_NODE_PARAGRAPH else { return "" }
        cmark_consolidate_text_nodes(paragraph)
        if let first = cmark_node_first_child(paragraph), cmark_node_get_type(first) == CMARK_NODE_TEXT {
            var literal = String(cString: cmark_node_get_literal(first))
            if literal.hasPrefix(prefix) { literal.removeFirst(prefix.count) }
            if literal.hasPrefix(" ") { literal.removeFirst() }
            if literal.isEmpty {
                cmark_node_unlink(first)
                cmark_node_free(first)
            } else {
                cmark_node_set_literal(first, literal)
            }
        }
        processInlines(of: paragraph, lines: lines)
        var html = tree.renderHTML()
        if html.hasPrefix("<p>") { html.removeFirst(3) }
        if html.hasSuffix("</p>\n") { html.removeLast(5) }
        return html
    }

    // MARK: - References

    private mutating func replaceReferences(in textNode: OpaquePointer, lines: ClosedRange<Int>) {
        guard let pointer = cmark_node_get_literal(textNode) else { return }
        let bytes = Array(String(cString: pointer).utf8)[...]
        guard containsFootnoteSyntax(Array(bytes)) else { return }
        var pieces: [(text: String, html: String?)] = []
        var cursor = 0
        var index = 0
        while index < bytes.count {
            guard bytes[index] == UInt8(ascii: "["), let (label, end) = Self.referenceLabel(in: bytes, at: index) else {
                index += 1
                continue
            }
            let key = Self.normalized(label)
            guard var definition = definitions[key] else {
                report(label: label, lines: lines)
                index = end
                continue
            }
            if definition.references == 0 {
                numbered.append(key)
                numbers[key] = numbered.count
            }
            definition.references += 1
            definitions[key] = definition
            let number = numbers[key]!
            let id = Self.referenceID(number: number, occurrence: definition.references)
            pieces.append((String(decoding: bytes[cursor..<index], as: UTF8.self),
                           "<sup class=\"footnote-ref\"><a href=\"#fn\(number)\" id=\"\(id)\">\(number)</a></sup>"))
            cursor = end
            index = end
        }
        guard !pieces.isEmpty else { return }
        for (text, html) in pieces {
            if !text.isEmpty, let node = cmark_node_new(CMARK_NODE_TEXT) {
                cmark_node_set_literal(node, text)
                cmark_node_insert_before(textNode, node)
            }
            if let html, let node = cmark_node_new(CMARK_NODE_HTML_INLINE) {
                cmark_node_set_literal(node, html)
                cmark_node_insert_before(textNode, node)
            }
        }
        let rest = String(decoding: bytes[cursor...], as: UTF8.self)
        if rest.isEmpty {
            cmark_node_unlink(textNode)
            cmark_node_free(textNode)
        } else {
            cmark_node_set_literal(textNode, rest)
        }
    }

    private static func referenceID(number: Int, occurrence: Int) -> String {
        occurrence == 1 ? "fnref\(number)" : "fnref\(number)-\(occurrence)"
    }

    /// Records an undefined reference at the next place its text occurs in `lines`.
    private mutating func report(label: String, lines: ClosedRange<Int>) {
        let key = "\(label)|\(lines)"
        let skip = locatedCounts[key, default: 0]
        locatedCounts[key] = skip + 1
        if referenceSites[lines] == nil { referenceSites[lines] = sites(in: lines) }
        let sites = referenceSites[lines]?[label] ?? []
        let location = skip < sites.count ? sites[skip] : SourceLocation(file: path, line: lines.lowerBound, column: 1)
        problems.append(Document.Problem(
            location: location,
            message: "footnote '[^\(label)]' has no definition; add a line '[^\(label)]: its text' to the notebook",
            length: label.count + 3))
    }

    /// Every `[^label]` written in `lines` of the original text, by label, in reading order.
    private func sites(in lines: ClosedRange<Int>) -> [String: [SourceLocation]] {
        var sites: [String: [SourceLocation]] = [:]
        for line in lines where line <= original.lineCount {
            let text = original.text(ofLine: line)
            // Columns count characters; they are added up between one `[` and the next.
            var counted = text.startIndex
            var column = 1
            for index in text.indices where text[index] == UInt8(ascii: "[") {
                guard let (label, _) = Self.referenceLabel(in: text, at: index) else { continue }
                column += String(decoding: text[counted..<index], as: UTF8.self).count
                counted = index
                sites[label, default: []].append(SourceLocation(file: path, line: line, column: column))
            }
        }
        return sites
    }

    // MARK: - The footnotes section

    /// Appends the referenced footnotes, in the order of their numbers, at the end of `tree`.
    mutating func appendFootnotes(to tree: CmarkTree, maths: inout MathPlaceholders) {
        guard !numbered.isEmpty else { return }
        var items: [String] = []
        var index = 0
        // A footnote may refer to another, which then gets the next number.
        while index < numbered.count {
            items.append(footnoteItem(number: index + 1, maths: &maths))
            index += 1
        }
        let html = "<section class=\"footnotes\">\n<ol>\n" + items.joined() + "</ol>\n</section>\n"
        guard let block = cmark_node_new(CMARK_NODE_HTML_BLOCK) else { return }
        cmark_node_set_literal(block, html)
        if cmark_node_append_child(tree.root, block) != 1 { cmark_node_free(block) }
    }

    private mutating func footnoteItem(number: Int, maths: inout MathPlaceholders) -> String {
        let key = numbered[number - 1]
        guard let definition = definitions[key] else { return "" }
        var text = SourceText(bytes: Array(definition.markdown.utf8))
        if text.bytes.contains(B.dollar) {
            let layout = CmarkTree(text.bytes).mathLayout()
            text = maths.rewrite(text, regions: layout.regions, codeLines: layout.codeLines)
        }
        let tree = CmarkTree(text.bytes)
        apply(to: tree, text: text, lineOffset: definition.lines.lowerBound - 1)
        // References found in the text above may have been counted meanwhile.
        let references = definitions[key]?.references ?? definition.references
        var backLinks: [String] = []
        for occurrence in 1...max(1, references) {
            let label = occurrence == 1 ? "↩" : "↩<sup>\(occurrence)</sup>"
            backLinks.append("<a href=\"#\(Self.referenceID(number: number, occurrence: occurrence))\" class=\"footnote-backref\">\(label)</a>")
        }
        let links = backLinks.joined(separator: " ")
        if let last = cmark_node_last_child(tree.root), cmark_node_get_type(last) == CMARK_NODE_PARAGRAPH,
           let space = cmark_node_new(CMARK_NODE_TEXT), let link = cmark_node_new(CMARK_NODE_HTML_INLINE) {
            cmark_node_set_literal(space, " ")
            cmark_node_set_literal(link, links)
            cmark_node_append_child(last, space)
            cmark_node_append_child(last, link)
        } else if let block = cmark_node_new(CMARK_NODE_HTML_BLOCK) {
            cmark_node_set_literal(block, links)
            cmark_node_append_child(tree.root, block)
        }
        return "<li id=\"fn\(number)\">\n" + tree.renderHTML() + "</li>\n"
    }
}
