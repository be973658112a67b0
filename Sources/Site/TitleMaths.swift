import NotebookResults
import TeXMathML

/// A title as HTML: its text escaped, its TeX maths (`$…$`, `$$…$$`) as MathML, as the
/// Markdown stage renders maths in prose.
///
/// Titles reach the site as plain text that keeps the `$` delimiters (`Document.title`).
/// Pandoc's rules decide what is maths: an opening `$` is not followed by white space, a
/// closing one is not preceded by white space nor followed by a digit, and `\$` is a
/// dollar sign. A `$` without its closing partner stays text.
public func renderTitleHTML(_ title: String) -> String {
    let characters = Array(title)
    var html = ""
    var text = ""
    var index = 0
    func flushText() {
        html += escapeHTMLText(text)
        text = ""
    }
    while index < characters.count {
        let character = characters[index]
        if character == "\\", index + 1 < characters.count, characters[index + 1] == "$" {
            text.append("$")
            index += 2
            continue
        }
        guard character == "$" else {
            text.append(character)
            index += 1
            continue
        }
        let display = index + 1 < characters.count && characters[index + 1] == "$"
        let open = index + (display ? 2 : 1)
        if let close = closingDollar(in: characters, from: open, display: display) {
            flushText()
            html += TeXToMathML.math(String(characters[open..<close]), display: display)
            index = close + (display ? 2 : 1)
        } else {
            text.append(contentsOf: String(characters[index..<open]))
            index = open
        }
    }
    flushText()
    return html
}

/// The index of the `$` (or `$$`) that closes maths opened just before `start`, if any.
private func closingDollar(in characters: [Character], from start: Int, display: Bool) -> Int? {
    guard start < characters.count, !characters[start].isWhitespace, characters[start] != "$" else { return nil }
    var index = start
    while index < characters.count {
        if characters[index] == "\\" {
            index += 2
            continue
        }
        if characters[index] == "$" {
            if display {
                if index + 1 < characters.count, characters[index + 1] == "$" { return index }
            } else {
                let before = characters[index - 1]
                let after = index + 1 < characters.count ? characters[index + 1] : " "
                if !before.isWhitespace, !after.isNumber { return index }
            }
        }
        index += 1
    }
    return nil
}
