import NotebookResults
import Foundation

/// Splits one line of a `swift-vae` block into tokens; `#` starts a comment.
enum Lexer {
    struct Failure: Error, Equatable {
        var column: Int
        var length: Int
        var message: String
    }

    static func tokens(in line: String) throws(Failure) -> [Token] {
        let characters = Array(line)
        var tokens: [Token] = []
        var index = 0
        func isWordCharacter(_ c: Character) -> Bool {
            !(c.isWhitespace || "=[],#\"$".contains(c))
        }
        while index < characters.count {
            let c = characters[index]
            if c.isWhitespace { index += 1; continue }
            if c == "#" { break }
            let start = index
            switch c {
            case "=": tokens.append(Token(kind: .equals, column: start, length: 1)); index += 1
            case "[": tokens.append(Token(kind: .leftBracket, column: start, length: 1)); index += 1
            case "]": tokens.append(Token(kind: .rightBracket, column: start, length: 1)); index += 1
            case ",": tokens.append(Token(kind: .comma, column: start, length: 1)); index += 1
            case "\"":
                index += 1
                var value = ""
                while index < characters.count, characters[index] != "\"" {
                    value.append(characters[index])
                    index += 1
                }
                guard index < characters.count else {
                    throw Failure(column: start, length: characters.count - start,
                                  message: "unterminated string; add a closing '\"'")
                }
                index += 1
                tokens.append(Token(kind: .string(value), column: start, length: index - start))
            case "$":
                index += 1
                while index < characters.count, characters[index].isLetter || characters[index].isNumber
                        || characters[index] == "_" || characters[index] == "-" {
                    index += 1
                }
                let name = String(characters[(start + 1)..<index])
                guard !name.isEmpty else {
                    throw Failure(column: start, length: 1, message: "expected a parameter name after '$'")
                }
                tokens.append(Token(kind: .reference(name), column: start, length: index - start))
            default:
                while index < characters.count, isWordCharacter(characters[index]) { index += 1 }
                let text = String(characters[start..<index])
                if let value = number(text) {
                    tokens.append(Token(kind: .number(text: text, value: value), column: start, length: index - start))
                } else {
                    tokens.append(Token(kind: .word(text), column: start, length: index - start))
                }
            }
        }
        return tokens
    }

    /// The text of the line's `# comment`, trimmed, or nil when it has none; a `#` inside a
    /// quoted string starts none, as in `tokens(in:)`.
    static func comment(in line: String) -> String? {
        var quoted = false
        for index in line.indices {
            switch line[index] {
            case "\"": quoted.toggle()
            case "#" where !quoted:
                let text = line[line.index(after: index)...].trimmingCharacters(in: .whitespaces)
                return text.isEmpty ? nil : text
            default: continue
            }
        }
        return nil
    }

    /// Parses Swift/C number syntax (`42`, `-3`, `1e-4`, `0.5`, `1_000`), or nil for a word.
    static func number(_ text: String) -> Double? {
        guard let first = text.first, first.isNumber || ((first == "-" || first == "+" || first == ".") && text.count > 1)
        else { return nil }
        let cleaned = text.replacingOccurrences(of: "_", with: "")
        guard cleaned.allSatisfy({ $0.isASCII && ($0.isNumber || "+-.eE".contains($0)) }) else { return nil }
        return Double(cleaned)
    }
}
