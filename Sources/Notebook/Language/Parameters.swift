import NotebookResults

/// A command-line problem with `-p` overrides, reported as a usage error (exit code 2).
public struct ParameterOverrideError: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String
}

/// The parameters a notebook declares, with `-p` overrides applied, and `$name` substitution.
struct ParameterTable {
    /// One `param name = value`, with the value it takes after any override.
    struct Declaration {
        var name: String
        /// Placed where the declaration's value is written, even when it came from `-p`.
        var value: ValueSyntax
        /// The value as used, for the program's parameter list.
        var text: String
        /// Where `params:` of the front matter declares it; nil for a `param` line.
        var frontMatterLocation: SourceLocation? = nil
    }

    /// `-p name=value` pairs from the command line.
    let overrides: [String: String]
    private(set) var declarations: [Declaration] = []

    init(overrides: [String: String]) {
        self.overrides = overrides
    }

    var names: [String] { declarations.map(\.name) }

    func declaration(named name: String) -> Declaration? {
        declarations.first { $0.name == name }
    }

    mutating func declare(_ declaration: Declaration) {
        declarations.append(declaration)
    }

    /// The value parameter `name` takes: its `-p` override, or `declared`.
    func value(of name: String, declared: ValueSyntax) throws(LineProblem) -> (value: ValueSyntax, text: String) {
        guard let override = overrides[name] else { return (declared, declared.text) }
        do throws(Lexer.Failure) {
            let tokens = try Lexer.tokens(in: override)
            guard !tokens.isEmpty else { throw Lexer.Failure(column: 0, length: 1, message: "empty value") }
            let parsed = try SyntaxParser.parse([Token(kind: .word("p"), column: 0, length: 0)] + tokens)
            guard parsed.positionals.count == 1, parsed.options.isEmpty else {
                // A parameter declared as a quoted string takes any text, spaces and all.
                if case .scalar(let token) = declared, case .string = token.kind {
                    return (.scalar(Token(kind: .string(override), column: declared.column, length: declared.length)), override)
                }
                throw Lexer.Failure(column: 0, length: 1,
                                    message: "'\(override)' is not a valid \(Self.typeName(of: declared)) for parameter '\(name)' "
                                        + "(declared as \(declared.text)); give one value, or quote text with spaces")
            }
            let value = parsed.positionals[0]
            if let kind = Self.kindProblem(value, declared: declared) {
                throw Lexer.Failure(column: 0, length: 1,
                                    message: "parameter '\(name)' takes \(kind) (declared as \(declared.text)), not '\(override)'")
            }
            // Keep the declaration's position so later errors point into the notebook.
            return (Self.relocated(value, to: declared), override)
        } catch {
            throw LineProblem("-p \(name)=\(override): \(error.message)", column: declared.column, length: declared.length,
                              isOverride: true)
        }
    }

    /// What kind of value a parameter declared as `declared` takes, when `value` is not of it:
    /// a number for a number (any number: `param beta = 1` takes 0.5, and the command that
    /// uses it checks its range), a list for a list, a word for a word; a string takes anything.
    static func kindProblem(_ value: ValueSyntax, declared: ValueSyntax) -> String? {
        switch (declared, value) {
        case (.list, .list): return nil
        case (.list, _): return "a list such as [400, 200]"
        case (.scalar(let declaredToken), _):
            switch (declaredToken.kind, value) {
            case (.string, _): return nil
            case (.number, .scalar(let token)):
                if case .number = token.kind { return nil }
                return "a number"
            case (.number, .list): return "a number"
            case (_, .scalar(let token)):
                // A word may be quoted; a number or a `$` reference is no word.
                switch token.kind {
                case .word, .string: return nil
                default: return "a word"
                }
            case (_, .list): return "a word"
            }
        }
    }

    /// What kind of value `value` is, for messages: "integer", "number", "word", "string", "list".
    static func typeName(of value: ValueSyntax) -> String {
        guard case .scalar(let token) = value else { return "list" }
        switch token.kind {
        case .number(let text, _): return text.allSatisfy { $0.isNumber || $0 == "-" || $0 == "+" } ? "integer" : "number"
        case .string: return "string"
        default: return "word"
        }
    }

    /// The declared value of the reference `$name` written as `reference`, placed there so
    /// errors point where the value is used.
    func substitute(_ name: String, at reference: ValueSyntax) throws(LineProblem) -> ValueSyntax {
        guard let declared = declaration(named: name) else {
            throw LineProblem("unknown parameter '$\(name)'\(Suggestion.hint(for: name, in: names)); "
                              + "declare it first with 'param \(name) = …'", column: reference.column, length: reference.length)
        }
        return Self.relocated(declared.value, to: reference)
    }

    /// Throws for the first `-p` name, in alphabetical order, that the notebook at `path` does not declare.
    func checkOverridesAreDeclared(in path: String) throws(ParameterOverrideError) {
        let declared = Set(names)
        guard let name = overrides.keys.filter({ !declared.contains($0) }).sorted().first else { return }
        let known = names.isEmpty ? "the notebook declares no parameters" : "it declares: " + names.joined(separator: ", ")
        throw ParameterOverrideError(description:
            "-p \(name): \(path) has no parameter '\(name)'\(Suggestion.hint(for: name, in: names)); \(known)")
    }

    /// The value a front matter parameter's YAML text stands for: the value it is as written
    /// on a `param` line, or else (text with spaces, say) a string.
    static func valueSyntax(ofText text: String) -> ValueSyntax {
        if let tokens = try? Lexer.tokens(in: text), !tokens.isEmpty,
           let parsed = try? SyntaxParser.parse([Token(kind: .word("p"), column: 0, length: 0)] + tokens),
           parsed.positionals.count == 1, parsed.options.isEmpty {
            return parsed.positionals[0]
        }
        return .scalar(Token(kind: .string(text), column: 0, length: text.count))
    }

    /// `value`, moved to where `place` is written.
    static func relocated(_ value: ValueSyntax, to place: ValueSyntax) -> ValueSyntax {
        switch value {
        case .scalar(var token):
            token.column = place.column
            token.length = place.length
            return .scalar(token)
        case .list(let items, _, _):
            return .list(items.map { relocated($0, to: place) }, column: place.column, length: place.length)
        }
    }
}
