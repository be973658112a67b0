/// Unique anchors for a page's section headings, made from their text.
///
/// Letters and digits are kept (lower-cased), every other run of characters becomes one
/// `-`; a text with neither gives `section`. A repeated anchor gets `-2`, `-3`, … so every
/// heading on a page can be linked.
struct HeadingAnchors {
    private var used: Set<String> = []

    mutating func unique(for text: String) -> String {
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
}
