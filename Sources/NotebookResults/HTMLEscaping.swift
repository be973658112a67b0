/// Escaping of text placed into HTML and inline SVG.
///
/// One definition for both stages that write markup: the Markdown stage (maths
/// sources) and the Site (every string from a notebook, an output or a manifest
/// goes through one of these functions before it reaches a page), so a `<` in a series name or a `"` in a file name can never
/// break the markup.

/// Escapes text for use as element content: `&`, `<` and `>`.
public func escapeHTMLText(_ text: String) -> String {
    var escaped = ""
    escaped.reserveCapacity(text.utf8.count)
    for character in text.unicodeScalars {
        switch character {
        case "&": escaped += "&amp;"
        case "<": escaped += "&lt;"
        case ">": escaped += "&gt;"
        default: escaped.unicodeScalars.append(character)
        }
    }
    return escaped
}

/// Escapes text for use inside a quoted attribute value: `&`, `<`, `>`, `"` and `'`.
public func escapeHTMLAttribute(_ text: String) -> String {
    var escaped = ""
    escaped.reserveCapacity(text.utf8.count)
    for character in text.unicodeScalars {
        switch character {
        case "&": escaped += "&amp;"
        case "<": escaped += "&lt;"
        case ">": escaped += "&gt;"
        case "\"": escaped += "&quot;"
        case "'": escaped += "&#39;"
        default: escaped.unicodeScalars.append(character)
        }
    }
    return escaped
}
