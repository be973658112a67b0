import Foundation
import Notebook

/// The index entry of a run's page: its title, its first paragraph of prose as plain
/// text (at most about 200 characters, cut at a word with `…`), and its finish time.
///
/// - Parameter href: the page's URL relative to the index, such as `vae.html`.
public func pageSummary(for run: RunResult, href: String) -> PageSummary {
    PageSummary(title: notebookTitle(run.document), href: href,
                summary: firstParagraphText(of: run.document).map { truncatedAtWord($0, limit: 200) } ?? "",
                lastRun: run.manifest.finishedAt)
}

/// The text of the first non-empty `<p>` in the document's prose, tags stripped,
/// entities decoded and white space collapsed.
private func firstParagraphText(of document: Document) -> String? {
    for case .html(let html) in document.segments {
        var rest = Substring(html)
        while let open = rest.range(of: "<p") {
            let afterName = rest[open.upperBound...]
            guard let next = afterName.first else { break }
            // `<p>` or `<p class=…>`, not `<pre>` or `<param>`.
            guard next == ">" || next == " " else {
                rest = afterName
                continue
            }
            guard let tagEnd = afterName.firstIndex(of: ">") else { break }
            let start = rest.index(after: tagEnd)
            let end = rest[start...].range(of: "</p>")
            let text = plainText(fromHTML: rest[start..<(end?.lowerBound ?? rest.endIndex)])
            if !text.isEmpty { return text }
            guard let end else { break }
            rest = rest[end.upperBound...]
        }
    }
    return nil
}

/// `html` without tags, with entities decoded and runs of white space made one space.
private func plainText(fromHTML html: Substring) -> String {
    let html = replacingMaths(in: html)
    var text = ""
    var insideTag = false
    for character in html {
        if insideTag {
            if character == ">" { insideTag = false }
        } else if character == "<" {
            insideTag = true
        } else {
            text.append(character)
        }
    }
    return decodingEntities(text).split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
}

/// `html` with each MathML formula replaced by its TeX source as `$…$` (from the
/// annotation the Markdown stage keeps), so a summary reads "$x_1$", not "x1x_1".
private func replacingMaths(in html: Substring) -> Substring {
    var result = ""
    var rest = html
    while let open = rest.range(of: "<math"), let close = rest.range(of: "</math>", range: open.upperBound..<rest.endIndex) {
        result += rest[..<open.lowerBound]
        let formula = rest[open.lowerBound..<close.upperBound]
        if let start = formula.range(of: "<annotation encoding=\"application/x-tex\">"),
           let end = formula.range(of: "</annotation>", range: start.upperBound..<formula.endIndex) {
            result += "$" + formula[start.upperBound..<end.lowerBound] + "$"
        }
        rest = rest[close.upperBound...]
    }
    result += rest
    return Substring(result)
}

/// `text` with the entities cmark writes (`&amp;`, `&lt;`, `&gt;`, `&quot;`, `&#39;`,
/// numeric references) replaced by their characters.
private func decodingEntities(_ text: String) -> String {
    let named: [Substring: Character] = ["amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": " "]
    var result = ""
    var rest = Substring(text)
    while let ampersand = rest.firstIndex(of: "&") {
        result += rest[..<ampersand]
        let afterAmpersand = rest.index(after: ampersand)
        guard let semicolon = rest[afterAmpersand...].prefix(10).firstIndex(of: ";") else {
            result.append("&")
            rest = rest[afterAmpersand...]
            continue
        }
        let name = rest[afterAmpersand..<semicolon]
        var decoded: Character?
        if let character = named[name] {
            decoded = character
        } else if name.hasPrefix("#") {
            let digits = name.dropFirst()
            let code = digits.first == "x" || digits.first == "X" ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits)
            decoded = code.flatMap(Unicode.Scalar.init).map(Character.init)
        }
        if let decoded {
            result.append(decoded)
            rest = rest[rest.index(after: semicolon)...]
        } else {
            result.append("&")
            rest = rest[afterAmpersand...]
        }
    }
    return result + rest
}

/// `text` cut to at most `limit` characters at a word boundary, with `…` when cut.
private func truncatedAtWord(_ text: String, limit: Int) -> String {
    guard text.count > limit else { return text }
    let head = text.prefix(limit)
    let cut = head.lastIndex(of: " ").map { head[..<$0] } ?? head
    var shortened = String(cut)
    while let last = shortened.last, ",;:.-".contains(last) { shortened.removeLast() }
    return shortened + "…"
}
