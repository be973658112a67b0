import NotebookResults
/// A value as written in a command, before its type is checked.
indirect enum ValueSyntax: Equatable, Sendable {
    case scalar(Token)
    case list([ValueSyntax], column: Int, length: Int)

    var column: Int {
        switch self {
        case .scalar(let token): return token.column
        case .list(_, let column, _): return column
        }
    }

    var length: Int {
        switch self {
        case .scalar(let token): return token.length
        case .list(_, _, let length): return length
        }
    }

    var text: String {
        switch self {
        case .scalar(let token): return token.text
        case .list(let items, _, _): return "[" + items.map(\.text).joined(separator: ",") + "]"
        }
    }
}

/// One command line split into its parts: name, positional values and `key=value` options.
struct CommandSyntax: Equatable, Sendable {
    struct Option: Equatable, Sendable {
        var key: Token
        var value: ValueSyntax
    }

    var name: Token
    var positionals: [ValueSyntax]
    var options: [Option]
    /// The end column of the line's last token, for "missing value" carets.
    var endColumn: Int
}

/// Reads the tokens of one line into a `CommandSyntax`.
enum SyntaxParser {
    static func parse(_ tokens: [Token]) throws(Lexer.Failure) -> CommandSyntax {
        guard let first = tokens.first else {
            throw Lexer.Failure(column: 0, length: 1, message: "empty command")
        }
        guard case .word = first.kind else {
            throw Lexer.Failure(column: first.column, length: first.length,
                                message: "expected a command name, found '\(first.text)'")
        }
        var positionals: [ValueSyntax] = []
        var options: [CommandSyntax.Option] = []
        var index = 1
        while index < tokens.count {
            let token = tokens[index]
            if case .word = token.kind, index + 1 < tokens.count, tokens[index + 1].kind == .equals {
                guard index + 2 < tokens.count else {
                    let equals = tokens[index + 1]
                    throw Lexer.Failure(column: equals.column + 1, length: 1,
                                        message: "expected a value after '\(token.text)='")
                }
                var position = index + 2
                let value = try parseValue(tokens, &position)
                options.append(.init(key: token, value: value))
                index = position
            } else if token.kind == .equals {
                throw Lexer.Failure(column: token.column, length: 1,
                                    message: "unexpected '='; write options as key=value without spaces around '='")
            } else {
                var position = index
                positionals.append(try parseValue(tokens, &position))
                index = position
            }
        }
        let last = tokens[tokens.count - 1]
        return CommandSyntax(name: first, positionals: positionals, options: options,
                             endColumn: last.column + last.length)
    }

    private static func parseValue(_ tokens: [Token], _ position: inout Int) throws(Lexer.Failure) -> ValueSyntax {
        let token = tokens[position]
        switch token.kind {
        case .leftBracket:
            position += 1
            var items: [ValueSyntax] = []
            while true {
                guard position < tokens.count else {
                    throw Lexer.Failure(column: token.column, length: 1, message: "unclosed '['; add a closing ']'")
                }
                if tokens[position].kind == .rightBracket {
                    let close = tokens[position]
                    position += 1
                    return .list(items, column: token.column, length: close.column + 1 - token.column)
                }
                if !items.isEmpty {
                    guard tokens[position].kind == .comma else {
                        throw Lexer.Failure(column: tokens[position].column, length: tokens[position].length,
                                            message: "expected ',' or ']' in list, found '\(tokens[position].text)'")
                    }
                    position += 1
                    guard position < tokens.count else {
                        throw Lexer.Failure(column: token.column, length: 1, message: "unclosed '['; add a closing ']'")
                    }
                }
                items.append(try parseValue(tokens, &position))
            }
        case .rightBracket, .comma, .equals:
            throw Lexer.Failure(column: token.column, length: token.length, message: "unexpected '\(token.text)'")
        default:
            position += 1
            return .scalar(token)
        }
    }
}
