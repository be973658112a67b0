import NotebookResults
import Foundation

/// The `key=value` attributes of a code block's info string, in Pandoc's syntax:
/// ```` ```swift-vae {#train .slow tolerance=1e-2} ````.
///
/// Identifiers (`#id`) and classes (`.class`) are accepted and not used; values may be
/// quoted (`key="a b"`).
enum BlockAttributes {
    static func keyValues(in info: String) -> [(key: String, value: String)] {
        var text = Substring(info.trimmingCharacters(in: .whitespaces))
        guard text.hasPrefix("{") else { return [] }
        text = text.dropFirst()
        if let close = text.lastIndex(of: "}") { text = text[..<close] }
        var pairs: [(key: String, value: String)] = []
        var rest = text
        while true {
            rest = rest.drop { $0 == " " || $0 == "\t" }
            guard !rest.isEmpty else { break }
            let word: Substring
            if let equals = rest.firstIndex(of: "="), !rest[..<equals].contains(" ") {
                let key = rest[..<equals]
                var afterEquals = rest[rest.index(after: equals)...]
                var value: Substring
                if let quote = afterEquals.first, quote == "\"" || quote == "'" {
                    afterEquals = afterEquals.dropFirst()
                    let end = afterEquals.firstIndex(of: quote) ?? afterEquals.endIndex
                    value = afterEquals[..<end]
                    rest = end < afterEquals.endIndex ? afterEquals[afterEquals.index(after: end)...] : afterEquals[end...]
                } else {
                    let end = afterEquals.firstIndex { $0 == " " || $0 == "\t" } ?? afterEquals.endIndex
                    value = afterEquals[..<end]
                    rest = afterEquals[end...]
                }
                pairs.append((String(key), String(value)))
                continue
            }
            word = rest.prefix { $0 != " " && $0 != "\t" }
            rest = rest.dropFirst(word.count)
        }
        return pairs
    }
}
