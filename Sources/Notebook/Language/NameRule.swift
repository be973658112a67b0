/// What a name written outside a command line is: a letter, then letters, digits, `-` or `_`,
/// all ASCII, so it is safe in an HTML `id`, a URL fragment and `$name`. Used for
/// `params:` names in the front matter and `#| label:` cell options.
enum NameRule {
    static let description = "a name (a letter, then letters, digits, - or _)"

    static func isName(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, first.isASCIILetter else { return false }
        return text.unicodeScalars.allSatisfy { $0.isASCIILetter || ("0"..."9").contains($0) || $0 == "-" || $0 == "_" }
    }
}

private extension Unicode.Scalar {
    var isASCIILetter: Bool { ("a"..."z").contains(self) || ("A"..."Z").contains(self) }
}
