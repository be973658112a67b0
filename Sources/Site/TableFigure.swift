import Foundation
import NotebookResults

/// Renders a `TableOutput` as an HTML `<table>` with its title (and caption) as `<caption>`.
///
/// Cells whose text reads as a number (`12`, `-0.5`, `1e-3`, `12.5%`, `nan`, `652,824`) get
/// `class="number"` so the stylesheet right-aligns them with tabular figures; a
/// header whose column holds only numbers is marked the same way. A missing value
/// (`—`, as for the test loss of an epoch without a test pass) does not make a column of
/// numbers a column of text, and is aligned with the numbers around it. Rows shorter
/// than the header are padded with empty cells.
public func renderTableFigure(_ table: TableOutput) -> String {
    let columnCount = max(table.columns.count, table.rows.map(\.count).max() ?? 0)
    let numericColumns = (0..<columnCount).map { column in
        let cells = table.rows.compactMap { column < $0.count ? $0[column] : nil }
            .filter { !$0.isEmpty && $0 != missingValue }
        return !cells.isEmpty && cells.allSatisfy(looksNumeric)
    }
    var html = "<table class=\"output-table\">\n"
    if let caption = table.caption, !caption.isEmpty {
        // As image grids caption themselves: the title, then what the numbers are.
        let title = table.title.isEmpty ? "" : "<span class=\"figure-title\">\(escapeHTMLText(table.title))</span> "
        html += "<caption>\(title)\(escapeHTMLText(caption))</caption>\n"
    } else if !table.title.isEmpty {
        html += "<caption>\(escapeHTMLText(table.title))</caption>\n"
    }
    if !table.columns.isEmpty {
        html += "<thead>\n<tr>"
        for column in 0..<columnCount {
            let name = column < table.columns.count ? table.columns[column] : ""
            html += "<th scope=\"col\"\(numericColumns[column] ? " class=\"number\"" : "")>\(escapeHTMLText(name))</th>"
        }
        html += "</tr>\n</thead>\n"
    }
    html += "<tbody>\n"
    for row in table.rows {
        html += "<tr>"
        for column in 0..<columnCount {
            let text = column < row.count ? row[column] : ""
            let number = looksNumeric(text) || (text == missingValue && numericColumns[column])
            html += "<td\(number ? " class=\"number\"" : "")>\(escapeHTMLText(text))</td>"
        }
        html += "</tr>\n"
    }
    html += "</tbody>\n</table>"
    return html
}

/// Whether `table` needs more room than the text column gives a block's outputs, so that its
/// cell may widen into the margins where the window has them (`.cell.wide` in the stylesheet).
///
/// An estimate of the table's narrowest width with every value kept on one line and every
/// header wrapped between its words: per column, the longer of its longest value and its
/// header's longest word, at a generous width per character (a wide sans-serif such as DejaVu
/// Sans; a bold header is wider), plus the cell's padding. Above 48 rem (the column leaves a
/// block's table about 51 rem) the table would be squeezed into tall, narrow headers, or not fit.
func tableNeedsWideCell(_ table: TableOutput) -> Bool {
    let columnCount = max(table.columns.count, table.rows.map(\.count).max() ?? 0)
    // In ems of the table's text (0.9 rem); a cell's padding is 2 × 0.75 rem.
    let ems = (0..<columnCount).reduce(0.0) { total, column in
        let header = column < table.columns.count ? table.columns[column] : ""
        let headerWord = header.split(separator: " ").map(\.count).max() ?? 0
        let value = table.rows.map { column < $0.count ? $0[column].count : 0 }.max() ?? 0
        return total + max(0.7 * Double(headerWord), 0.65 * Double(value)) + 1.5 / 0.9
    }
    return ems * 0.9 > 48
}

/// How the execution stage writes a value a row does not have.
private let missingValue = "—"

/// Whether a cell's text is a number as a table shows one (an optional trailing `%`).
private func looksNumeric(_ text: String) -> Bool {
    var trimmed = Substring(text)
    while trimmed.first == " " { trimmed.removeFirst() }
    while trimmed.last == " " { trimmed.removeLast() }
    if trimmed.last == "%" { trimmed.removeLast() }
    guard let first = trimmed.first, first.isNumber || "+-.".contains(first) || trimmed.lowercased() == "nan"
            || trimmed.lowercased().hasSuffix("inf") else { return false }
    // Thousands grouped with commas, as parameter counts are written (`652,824`).
    if trimmed.wholeMatch(of: /[+\-−]?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?/) != nil { return true }
    return Double(trimmed.replacingOccurrences(of: "−", with: "-")) != nil
}
