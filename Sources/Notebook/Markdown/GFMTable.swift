import CCmark
import NotebookResults
private typealias B = MarkdownByte

/// A GFM pipe table found in a paragraph cmark parsed: a header row, a delimiter row with
/// the same number of cells (`---`, `:--`, `:-:`, `--:`), and every later line of the
/// paragraph as a body row (padded with empty cells or cut to the header's count).
///
/// The lines of the paragraph before the header row stay a paragraph (`leadingText`), as
/// GFM lets a table start right after a line of text. Cells are split at pipes that are not
/// escaped; `\|` is a pipe in the cell, also inside code spans. The HTML is GFM's:
/// `<table>`, `<thead>`, `<tbody>` (left out when there are no body rows) and `align`.
struct GFMTable {
    enum Alignment { case none, left, center, right }

    /// The paragraph's lines before the header row, joined by `\n`; empty when none.
    var leadingText: String
    var header: [String]
    var alignments: [Alignment]
    var rows: [[String]]

    /// The table in `paragraph`, whose lines are in `text`, or nil when it holds none.
    init?(paragraph: OpaquePointer, text: SourceText, quoteDepth: Int) {
        let first = Int(cmark_node_get_start_line(paragraph))
        let last = max(first, Int(cmark_node_get_end_line(paragraph)))
        guard first >= 1, last <= text.lineCount, last > first else { return nil }
        let column = Int(cmark_node_get_start_column(paragraph))
        var lines: [ArraySlice<UInt8>] = []
        for line in first...last {
            let content = line == first
                ? text.text(ofLine: line, fromColumn: column)
                : Self.contentAfterPrefix(text.text(ofLine: line), quoteDepth: quoteDepth)
            lines.append(Self.trimmed(content))
        }
        guard lines.contains(where: { $0.contains(UInt8(ascii: "|")) }) else { return nil }
        for index in 1..<lines.count {
            guard let alignments = Self.delimiterRow(lines[index]) else { continue }
            let header = Self.cells(lines[index - 1])
            guard header.count == alignments.count,
                  lines[index].contains(UInt8(ascii: "|")) || lines[index - 1].contains(UInt8(ascii: "|"))
            else { continue }
            self.leadingText = lines[..<(index - 1)].map { String(decoding: $0, as: UTF8.self) }.joined(separator: "\n")
            self.header = header
            self.alignments = alignments
            self.rows = lines[(index + 1)...].map { line in
                let cells = Self.cells(line)
                return Array(cells.prefix(header.count)) + Array(repeating: "", count: max(0, header.count - cells.count))
            }
            return
        }
        return nil
    }

    /// The table's HTML, each cell's Markdown rendered by `inline`.
    func html(_ inline: (String) -> String) -> String {
        var html = "<table>\n<thead>\n<tr>\n"
        for (cell, alignment) in zip(header, alignments) {
            html += "<th\(Self.attribute(alignment))>\(inline(cell))</th>\n"
        }
        html += "</tr>\n</thead>\n"
        if !rows.isEmpty {
            html += "<tbody>\n"
            for row in rows {
                html += "<tr>\n"
                for (cell, alignment) in zip(row, alignments) {
                    html += "<td\(Self.attribute(alignment))>\(inline(cell))</td>\n"
                }
                html += "</tr>\n"
            }
            html += "</tbody>\n"
        }
        return html + "</table>\n"
    }

    private static func attribute(_ alignment: Alignment) -> String {
        switch alignment {
        case .none: ""
        case .left: #" align="left""#
        case .center: #" align="center""#
        case .right: #" align="right""#
        }
    }

    // MARK: - Rows

    /// The alignments of a delimiter row, or nil when `line` is not one.
    private static func delimiterRow(_ line: ArraySlice<UInt8>) -> [Alignment]? {
        let parts = rawCells(line)
        guard !parts.isEmpty else { return nil }
        var alignments: [Alignment] = []
        for part in parts {
            let cell = trimmed(part)
            let left = cell.first == UInt8(ascii: ":")
            let right = cell.count > 1 && cell.last == UInt8(ascii: ":")
            let dashes = cell.dropFirst(left ? 1 : 0).dropLast(right ? 1 : 0)
            guard !dashes.isEmpty, dashes.allSatisfy({ $0 == UInt8(ascii: "-") }) else { return nil }
            alignments.append(left && right ? .center : left ? .left : right ? .right : .none)
        }
        return alignments
    }

    /// A row's cells, trimmed, with `\|` made `|`.
    private static func cells(_ line: ArraySlice<UInt8>) -> [String] {
        rawCells(line).map { cell in
            var bytes: [UInt8] = []
            var index = cell.startIndex
            let trimmedCell = trimmed(cell)
            index = trimmedCell.startIndex
            while index < trimmedCell.endIndex {
                if trimmedCell[index] == B.backslash, index + 1 < trimmedCell.endIndex {
                    if trimmedCell[index + 1] != UInt8(ascii: "|") { bytes.append(B.backslash) }
                    bytes.append(trimmedCell[index + 1])
                    index += 2
                } else {
                    bytes.append(trimmedCell[index])
                    index += 1
                }
            }
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    /// `line` split at unescaped pipes, without the empty cells a leading or trailing pipe
    /// would make.
    private static func rawCells(_ line: ArraySlice<UInt8>) -> [ArraySlice<UInt8>] {
        var line = trimmed(line)
        if line.first == UInt8(ascii: "|") { line = line.dropFirst() }
        guard !line.isEmpty else { return [] }
        var cells: [ArraySlice<UInt8>] = []
        var start = line.startIndex
        var index = line.startIndex
        while index < line.endIndex {
            if line[index] == B.backslash {
                index += 2
                continue
            }
            if line[index] == UInt8(ascii: "|") {
                cells.append(line[start..<index])
                start = index + 1
            }
            index += 1
        }
        // A trailing pipe closes the last cell rather than opening an empty one.
        if start < line.endIndex { cells.append(line[start..<line.endIndex]) }
        return cells
    }

    private static func contentAfterPrefix(_ line: ArraySlice<UInt8>, quoteDepth: Int) -> ArraySlice<UInt8> {
        var start = line.startIndex
        var quotes = quoteDepth
        while start < line.endIndex {
            if line[start] == B.space || line[start] == B.tab {
                start += 1
            } else if line[start] == B.greaterThan && quotes > 0 {
                start += 1
                quotes -= 1
            } else {
                break
            }
        }
        return line[start...]
    }

    private static func trimmed(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var slice = bytes
        while let first = slice.first, first == B.space || first == B.tab { slice = slice.dropFirst() }
        while let last = slice.last, last == B.space || last == B.tab { slice = slice.dropLast() }
        return slice
    }
}
