import NotebookResults
import CCmark

/// The Markdown stage: turns a notebook's Markdown into a `Document` with cmark.
///
/// This file and the GFM extensions (`GFMExtensions` and its passes) are the only ones
/// that touch cmark (CommonMark 0.30). It parses the whole file,
/// takes every code block out of the tree (fenced with backticks or tildes, or indented,
/// wherever it is nested) with its position, puts a marker in its place, renders the rest
/// to HTML once and cuts the HTML at the markers. Every cmark object is freed before
/// `parse` returns.
///
/// Decisions:
/// - Raw HTML in prose is kept (`CMARK_OPT_UNSAFE`), as Jupyter and Pandoc do; smart
///   punctuation is on (`CMARK_OPT_SMART`), as in Pandoc.
/// - A code block inside a list item or block quote splits the prose around it: the HTML
///   segment before it ends inside the open `<li>`/`<blockquote>` and the one after it
///   closes them, so the page stays well-formed when it puts the block's HTML between
///   the two segments. Segments holding only whitespace are left out.
/// - Maths (`$…$`, `$$…$$`) follows Pandoc's rules; see `MathScanner` and `MathPlaceholders`.
/// - GitHub's pipe tables, footnotes and strikethrough are added on top of cmark's tree;
///   see `GFMExtensions`. A footnote reference without a definition is a problem on the
///   `Document` (`Document.problems`), which the compiler reports with its other errors.
/// - Line endings (CRLF, CR) become `\n` and a byte-order mark is dropped; line numbers
///   are those of the file. Columns are 1-based byte columns, as cmark counts them; the
///   text before a code block on its lines is ASCII (container markers, spaces, tabs), so
///   they are also character columns there, a tab counting as one.
/// - The title is the plain text of the first level-1 heading in reading order; maths in
///   it keeps its `$` delimiters. The summary is the first paragraph's plain text.
/// - Level-2 and level-3 headings get an `id` made from their text (see `HeadingAnchors`)
///   and are listed in `Document.headings`; the contents belong after the first level-1
///   heading (`Document.Segment.contents`).
public enum MarkdownParser {
    /// Parses `source`, read from `path` (used in the locations), into a `Document`.
    public static func parse(_ source: String, path: String) -> Document {
        // Front matter is metadata, not prose: Markdown sees blank lines in its place so
        // every later line keeps its number.
        var frontMatter = FrontMatter.empty
        var markdown = source
        if let (found, lineCount) = FrontMatterReader.read(source, path: path) {
            frontMatter = found
            markdown = FrontMatterReader.blankingFirstLines(lineCount, of: source)
        }
        var text = SourceText(normalizing: markdown)
        let nonce = makeNonce(absentFrom: text.bytes)
        var maths = MathPlaceholders(nonce: nonce)
        // Footnote definitions leave the flow before anything else sees them (cmark would
        // take `[^1]: url` for a link reference definition); see `GFMExtensions`.
        var extensions = GFMExtensions(nonce: nonce, path: path, source: text)
        text = extensions.takeFootnoteDefinitions(from: text)
        if text.bytes.contains(MarkdownByte.dollar) {
            let layout = CmarkTree(text.bytes).mathLayout()
            text = maths.rewrite(text, regions: layout.regions, codeLines: layout.codeLines)
        }

        let tree = CmarkTree(text.bytes)
        extensions.apply(to: tree, text: text)
        var title: String?
        var summary: String?
        var titleHeading: OpaquePointer?
        var codeNodes: [OpaquePointer] = []
        var sectionNodes: [OpaquePointer] = []
        var images: [ImageReference] = []
        tree.walk { event, node in
            guard event == CMARK_EVENT_ENTER else { return }
            let type = cmark_node_get_type(node)
            if type == CMARK_NODE_IMAGE {
                images.append(ImageReference(source: string(cmark_node_get_url(node)),
                                             location: SourceLocation(file: path, line: Int(cmark_node_get_start_line(node)),
                                                                      column: Int(cmark_node_get_start_column(node)))))
            } else if type == CMARK_NODE_CODE_BLOCK {
                codeNodes.append(node)
            } else if type == CMARK_NODE_HEADING {
                let level = cmark_node_get_heading_level(node)
                if level == 2 || level == 3 {
                    sectionNodes.append(node)
                } else if level == 1, title == nil {
                    let plain = trimmed(maths.restore(in: plainText(of: node), as: .plainText))
                    if !plain.isEmpty {
                        title = plain
                        titleHeading = node
                    }
                }
            } else if type == CMARK_NODE_PARAGRAPH, summary == nil {
                let plain = collapsedWhitespace(maths.restore(in: plainText(of: node), as: .plainText))
                if !plain.isEmpty { summary = plain }
            }
        }

        var blocks: [CodeBlock] = []
        var markers: [String] = []
        for (index, node) in codeNodes.enumerated() {
            blocks.append(codeBlock(node, index: index, path: path, text: text))
            let marker = "<!--\(nonce)C\(index)-->"
            markers.append(marker)
            tree.replace(node, withHTML: marker)
        }
        var anchors = HeadingAnchors()
        var headings: [Heading] = []
        for node in sectionNodes {
            let text = trimmed(maths.restore(in: plainText(of: node), as: .plainText))
            let heading = Heading(level: Int(cmark_node_get_heading_level(node)), anchor: anchors.unique(for: text), text: text)
            headings.append(heading)
            tree.replace(node, withHTML: tree.renderHTML(node, id: heading.anchor))
        }
        let contentsMarker = "<!--\(nonce)T-->"
        if let titleHeading { tree.insert(html: contentsMarker, after: titleHeading) }
        extensions.appendFootnotes(to: tree, maths: &maths)

        let html = maths.restore(in: tree.renderHTML(), as: .html)
        if let declared = frontMatter.value("title")?.value, !declared.isEmpty { title = declared }
        return Document(path: path, title: title, summary: summary, headings: headings,
                        segments: segments(of: html, markers: markers, blocks: blocks, contentsMarker: contentsMarker),
                        frontMatter: frontMatter, images: images, problems: extensions.problems)
    }

    // MARK: - Segments

    /// Cuts `html` at each marker and puts the matching block there, and the contents
    /// segment where its marker is.
    private static func segments(of html: String, markers: [String], blocks: [CodeBlock],
                                 contentsMarker: String) -> [Document.Segment] {
        var segments: [Document.Segment] = []
        var rest = html[...]
        func appendProse(_ piece: Substring) {
            var piece = piece
            if let range = piece.firstRange(of: contentsMarker) {
                appendHTML(piece[..<range.lowerBound])
                segments.append(.contents)
                piece = piece[range.upperBound...]
                if piece.first == "\n" { piece = piece.dropFirst() }
            }
            appendHTML(piece)
        }
        func appendHTML(_ piece: Substring) {
            if piece.contains(where: { !$0.isWhitespace }) { segments.append(.html(String(piece))) }
        }
        for (marker, block) in zip(markers, blocks) {
            // The marker is always there; were it not, the block would still be kept.
            if let range = rest.firstRange(of: marker) {
                appendProse(rest[..<range.lowerBound])
                rest = rest[range.upperBound...]
                if rest.first == "\n" { rest = rest.dropFirst() }
            }
            segments.append(.code(block))
        }
        appendProse(rest)
        return segments
    }

    // MARK: - Code blocks

    private static func codeBlock(_ node: OpaquePointer, index: Int, path: String, text: SourceText) -> CodeBlock {
        let line = Int(cmark_node_get_start_line(node))
        let column = Int(cmark_node_get_start_column(node))
        let info = string(cmark_node_get_fence_info(node))
        var source = string(cmark_node_get_literal(node))
        if source.hasSuffix("\n") { source.removeLast() }

        let fenced = isFenced(startLine: text.text(ofLine: line, fromColumn: column), info: info, literal: source)
        let (language, attributes) = FenceInfo.split(info)
        return CodeBlock(
            language: language,
            attributes: attributes,
            source: source,
            fenceLocation: SourceLocation(file: path, line: line, column: column),
            firstContentLine: fenced ? line + 1 : line,
            contentColumn: column,
            index: index)
    }

    /// Whether a code block is fenced (cmark 0.30 does not say): its start position holds a
    /// fence — at least three backticks or tildes — that is not simply the first line of an
    /// indented block. A fenced block without an info string cannot start with a copy of
    /// its bare fence line, since that line would have closed it.
    private static func isFenced(startLine: ArraySlice<UInt8>, info: String, literal: String) -> Bool {
        guard let fenceCharacter = startLine.first,
              fenceCharacter == MarkdownByte.backtick || fenceCharacter == MarkdownByte.tilde,
              startLine.prefix(while: { $0 == fenceCharacter }).count >= 3
        else { return false }
        if !info.isEmpty { return true }
        let firstLiteralLine = literal.utf8.prefix { $0 != MarkdownByte.newline }
        return !trailingWhitespaceTrimmed(startLine).elementsEqual(trailingWhitespaceTrimmed(firstLiteralLine[...]))
    }

    private static func trailingWhitespaceTrimmed<C: BidirectionalCollection>(_ bytes: C) -> C.SubSequence
    where C.Element == UInt8 {
        var end = bytes.endIndex
        while end > bytes.startIndex, MarkdownByte.isWhitespace(bytes[bytes.index(before: end)]) {
            end = bytes.index(before: end)
        }
        return bytes[bytes.startIndex..<end]
    }

    // MARK: - Text

    /// The text of a heading's inlines, without markup.
    private static func plainText(of node: OpaquePointer) -> String {
        var result = ""
        var child = cmark_node_first_child(node)
        while let current = child {
            let type = cmark_node_get_type(current)
            if type == CMARK_NODE_TEXT || type == CMARK_NODE_CODE {
                result += string(cmark_node_get_literal(current))
            } else if type == CMARK_NODE_SOFTBREAK || type == CMARK_NODE_LINEBREAK {
                result += " "
            } else if type != CMARK_NODE_HTML_INLINE {
                result += plainText(of: current)
            }
            child = cmark_node_next(current)
        }
        return result
    }

    private static func string(_ pointer: UnsafePointer<CChar>?) -> String {
        pointer.map { String(cString: $0) } ?? ""
    }

    /// `text` with runs of white space made one space, and none at either end.
    private static func collapsedWhitespace(_ text: String) -> String {
        text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

    private static func trimmed(_ text: String) -> String {
        String(text.drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
    }

    /// A word that does not occur in the source, to build markers and tokens from.
    private static func makeNonce(absentFrom bytes: [UInt8]) -> String {
        var nonce = "nbQx"
        while contains(bytes, Array(nonce.utf8)) { nonce += "q" }
        return nonce
    }

    private static func contains(_ bytes: [UInt8], _ pattern: [UInt8]) -> Bool {
        guard pattern.count <= bytes.count else { return false }
        for start in 0...(bytes.count - pattern.count) where bytes[start] == pattern[0] {
            if bytes[start..<(start + pattern.count)].elementsEqual(pattern) { return true }
        }
        return false
    }
}

/// A cmark document tree, freed with the value.
final class CmarkTree {
    let root: OpaquePointer

    init(_ bytes: [UInt8]) {
        let options = CMARK_OPT_SMART
        // A NUL keeps the buffer non-empty; cmark reads only `bytes.count` bytes.
        let root = (bytes + [0]).withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                cmark_parse_document(chars.baseAddress, bytes.count, options)
            }
        }
        // cmark returns nil only when it cannot allocate, and then it has already aborted.
        self.root = root!
    }

    deinit { cmark_node_free(root) }

    /// Calls `body` for every enter and exit event in document order.
    func walk(_ body: (cmark_event_type, OpaquePointer) -> Void) {
        guard let iterator = cmark_iter_new(root) else { return }
        defer { cmark_iter_free(iterator) }
        while true {
            let event = cmark_iter_next(iterator)
            if event == CMARK_EVENT_DONE { break }
            if let node = cmark_iter_get_node(iterator) { body(event, node) }
        }
    }

    /// The paragraphs and headings, where maths may be, and the lines of code blocks,
    /// where it may not.
    func mathLayout() -> (regions: [MathPlaceholders.Region], codeLines: Set<Int>) {
        var regions: [MathPlaceholders.Region] = []
        var codeLines: Set<Int> = []
        var quoteDepth = 0
        walk { event, node in
            let type = cmark_node_get_type(node)
            if type == CMARK_NODE_CODE_BLOCK {
                let first = Int(cmark_node_get_start_line(node))
                codeLines.formUnion(first...max(first, Int(cmark_node_get_end_line(node))))
            } else if type == CMARK_NODE_BLOCK_QUOTE {
                quoteDepth += event == CMARK_EVENT_ENTER ? 1 : -1
            } else if event == CMARK_EVENT_ENTER, type == CMARK_NODE_PARAGRAPH || type == CMARK_NODE_HEADING {
                let first = Int(cmark_node_get_start_line(node))
                let last = max(first, Int(cmark_node_get_end_line(node)))
                regions.append(.init(lines: first...last,
                                     startColumn: Int(cmark_node_get_start_column(node)),
                                     quoteDepth: quoteDepth,
                                     isHeading: type == CMARK_NODE_HEADING))
            }
        }
        return (regions, codeLines)
    }

    /// Puts an HTML block holding `html` in place of `node`, and frees `node`.
    func replace(_ node: OpaquePointer, withHTML html: String) {
        guard let block = cmark_node_new(CMARK_NODE_HTML_BLOCK) else { return }
        cmark_node_set_literal(block, html)
        if cmark_node_replace(node, block) == 1 {
            cmark_node_free(node)
        } else {
            cmark_node_free(block)
        }
    }

    /// Puts an HTML block holding `html` right after `node`.
    func insert(html: String, after node: OpaquePointer) {
        guard let block = cmark_node_new(CMARK_NODE_HTML_BLOCK) else { return }
        cmark_node_set_literal(block, html)
        if cmark_node_insert_after(node, block) != 1 { cmark_node_free(block) }
    }

    /// A heading rendered on its own, its element carrying `id` (cmark writes headings
    /// without attributes, and its output for a heading always opens with `<hN>`).
    func renderHTML(_ heading: OpaquePointer, id: String) -> String {
        guard let rendered = cmark_render_html(heading, CMARK_OPT_UNSAFE) else { return "" }
        defer { cmark_get_default_mem_allocator().pointee.free(rendered) }
        let html = String(cString: rendered)
        let level = cmark_node_get_heading_level(heading)
        let open = "<h\(level)>"
        guard html.hasPrefix(open) else { return html }
        return "<h\(level) id=\"\(escapeHTMLAttribute(id))\">" + html.dropFirst(open.count)
    }

    /// The whole tree as HTML, raw HTML kept.
    func renderHTML() -> String {
        guard let html = cmark_render_html(root, CMARK_OPT_UNSAFE) else { return "" }
        defer { cmark_get_default_mem_allocator().pointee.free(html) }
        return String(cString: html)
    }
}

extension MarkdownParser {
    /// The loaded cmark library's version (`cmark_version_string()`), for `notebook --version`.
    public static var cmarkVersion: String { String(cString: cmark_version_string()) }
}
