import Notebook

/// Section anchors and the table of contents of a notebook page.
///
/// cmark writes headings without ids; this gives every `<h2>` and `<h3>` of the prose an id
/// made from its text (unique on the page), so sections can be linked, and lists them.
struct TableOfContents {
    struct Entry: Equatable {
        var level: Int
        var id: String
        var text: String
    }

    private(set) var entries: [Entry] = []
    private var used: Set<String> = []

    /// `html` with ids added to its `<h2>` and `<h3>` tags; the headings are remembered in order.
    mutating func anchoring(_ html: String) -> String {
        var result = ""
        var rest = Substring(html)
        while let open = rest.range(of: "<h"), open.upperBound < rest.endIndex {
            let levelCharacter = rest[open.upperBound]
            let afterLevel = rest.index(after: open.upperBound)
            guard levelCharacter == "2" || levelCharacter == "3", afterLevel < rest.endIndex, rest[afterLevel] == ">",
                  let close = rest.range(of: "</h\(levelCharacter)>", range: afterLevel..<rest.endIndex) else {
                result += rest[..<open.upperBound]
                rest = rest[open.upperBound...]
                continue
            }
            let inner = rest[rest.index(after: afterLevel)..<close.lowerBound]
            let text = plainText(inner)
            let id = uniqueSlug(for: text)
            entries.append(Entry(level: levelCharacter == "2" ? 2 : 3, id: id, text: text))
            result += rest[..<open.lowerBound]
            result += "<h\(levelCharacter) id=\"\(escapeHTMLAttribute(id))\">" + inner + "</h\(levelCharacter)>"
            rest = rest[close.upperBound...]
        }
        return result + rest
    }

    /// The contents as a `<nav>`, or nothing for a page with fewer than two sections.
    func render() -> String {
        guard entries.count >= 2 else { return "" }
        var html = "<nav class=\"toc\" aria-label=\"Contents\">\n<p class=\"toc-title\">Contents</p>\n<ol>\n"
        for entry in entries {
            let level = entry.level == 3 ? " class=\"toc-sub\"" : ""
            html += "<li\(level)><a href=\"#\(escapeHTMLAttribute(entry.id))\">\(escapeHTMLText(entry.text))</a></li>\n"
        }
        return html + "</ol>\n</nav>\n"
    }

    private mutating func uniqueSlug(for text: String) -> String {
        var slug = ""
        for character in text.lowercased() {
            if character.isLetter || character.isNumber {
                slug.append(character)
            } else if !slug.isEmpty, slug.last != "-" {
                slug.append("-")
            }
        }
        while slug.last == "-" { slug.removeLast() }
        if slug.isEmpty { slug = "section" }
        var candidate = slug
        var counter = 2
        while used.contains(candidate) {
            candidate = "\(slug)-\(counter)"
            counter += 1
        }
        used.insert(candidate)
        return candidate
    }

    /// Heading text without tags, with the few entities cmark writes decoded.
    private func plainText(_ html: Substring) -> String {
        var text = ""
        var insideTag = false
        var insideAnnotation = false
        var tag = ""
        for character in html {
            if insideTag {
                if character == ">" {
                    insideTag = false
                    if tag.hasPrefix("annotation") { insideAnnotation = true }
                    if tag.hasPrefix("/annotation") { insideAnnotation = false }
                } else {
                    tag.append(character)
                }
            } else if character == "<" {
                insideTag = true
                tag = ""
            } else if !insideAnnotation {
                text.append(character)
            }
        }
        return text.replacingEntities()
    }
}

private extension String {
    func replacingEntities() -> String {
        var result = self
        for (entity, character) in [("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#39;", "'"), ("&amp;", "&")] {
            result = result.split(separator: entity, omittingEmptySubsequences: false).joined(separator: character)
        }
        return result
    }
}
