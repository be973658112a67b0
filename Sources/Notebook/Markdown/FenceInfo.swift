/// Splits a code block's info string into its language word and attributes, in both the
/// Pandoc form (```` ```swift-vae {tolerance=1e-2} ````) and Quarto's executable form, where
/// the language is the first word inside the braces (```` ```{swift-vae tolerance=1e-2} ````).
///
/// A braced info string whose first word is not a language (`{#id .class}`, `{.python}`)
/// has no language; its attributes are kept as written.
enum FenceInfo {
    static func split(_ info: String) -> (language: String, attributes: String) {
        if info.hasPrefix("{"), let close = info.lastIndex(of: "}"),
           let first = info.dropFirst().first, first.isLetter {
            let inner = info[info.index(after: info.startIndex)..<close]
            let language = String(inner.prefix { $0 != " " && $0 != "\t" })
            let rest = trimmed(inner.dropFirst(language.count))
            return (language, rest.isEmpty ? "" : "{\(rest)}")
        }
        let language = String(info.prefix { $0 != " " && $0 != "\t" })
        return (language, String(trimmed(info.dropFirst(language.count))))
    }

    private static func trimmed(_ text: Substring) -> Substring {
        var text = text.drop { $0.isWhitespace }
        while text.last?.isWhitespace == true { text.removeLast() }
        return text
    }
}
