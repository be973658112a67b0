import NotebookResults
/// A lexical token of a command line, with its column offset in the block line.
struct Token: Equatable, Sendable {
    enum Kind: Equatable, Sendable {
        /// A bare word: command names, option keys, identifiers, file names.
        case word(String)
        /// A number as written (`1e-4`, `128`), with its value.
        case number(text: String, value: Double)
        /// A quoted string, quotes removed.
        case string(String)
        /// `$name`: a parameter reference.
        case reference(String)
        case equals, leftBracket, rightBracket, comma
    }

    var kind: Kind
    /// 0-based character offset in the block line.
    var column: Int
    /// Number of characters the token spans in the source.
    var length: Int

    var text: String {
        switch kind {
        case .word(let word): return word
        case .number(let text, _): return text
        case .string(let string): return "\"\(string)\""
        case .reference(let name): return "$\(name)"
        case .equals: return "="
        case .leftBracket: return "["
        case .rightBracket: return "]"
        case .comma: return ","
        }
    }
}
