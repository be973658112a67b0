import NotebookResults

/// A checked argument value of one of the schema's types.
enum TypedValue: Equatable {
    case integer(Int)
    case real(Double)
    case word(String)
    case integers([Int])
    case words([String])
    case boolean(Bool)
    /// `auto` for a `realOrAuto` argument.
    case auto

    var integer: Int? { if case .integer(let v) = self { v } else { nil } }
    var real: Double? {
        switch self {
        case .real(let v): return v
        case .integer(let v): return Double(v)
        default: return nil
        }
    }
    var word: String? { if case .word(let v) = self { v } else { nil } }
    var integers: [Int]? { if case .integers(let v) = self { v } else { nil } }
    var words: [String]? { if case .words(let v) = self { v } else { nil } }
    var boolean: Bool? { if case .boolean(let v) = self { v } else { nil } }
}

/// A command's arguments after checking: the values written, and the schema's defaults for the rest.
///
/// Builders read every argument through here, so a default lives only in the schema.
struct CheckedArguments {
    /// Where an argument's value is written on the line.
    struct Span: Equatable {
        var column: Int
        var length: Int
    }

    let schema: CommandSchema
    /// The values written on the line, by argument name.
    private(set) var written: [String: (value: TypedValue, span: Span)] = [:]
    /// False when the line has problems: then `written` holds only its valid arguments, and a
    /// required one may be missing, so only `value(_:)` and `span(of:)` may read them.
    var isComplete = true

    init(schema: CommandSchema) {
        self.schema = schema
    }

    mutating func set(_ name: String, to value: TypedValue, at span: Span) {
        written[name] = (value, span)
    }

    /// The argument as written, else its schema default; nil when it is absent.
    func value(_ name: String) -> TypedValue? {
        guard let argument = schema.argument(named: name) else {
            preconditionFailure("'\(schema.name)' has no argument '\(name)'")
        }
        return written[name]?.value ?? argument.typedDefault
    }

    /// Where `name` is written, or nil when it was left out.
    func span(of name: String) -> Span? { written[name]?.span }

    // Required arguments and those with a default always have a value; the others are read with `value(_:)`.
    func integer(_ name: String) -> Int { unwrap(value(name)?.integer, name) }
    func real(_ name: String) -> Double { unwrap(value(name)?.real, name) }
    func word(_ name: String) -> String { unwrap(value(name)?.word, name) }
    func integers(_ name: String) -> [Int] { unwrap(value(name)?.integers, name) }
    func words(_ name: String) -> [String] { unwrap(value(name)?.words, name) }
    func boolean(_ name: String) -> Bool { unwrap(value(name)?.boolean, name) }
    /// A `realOrAuto` argument: nil for `auto`.
    func realOrAuto(_ name: String) -> Double? { value(name)?.real }

    private func unwrap<Value>(_ value: Value?, _ name: String) -> Value {
        guard let value else { preconditionFailure("'\(name)' of '\(schema.name)' has no value of the type asked for") }
        return value
    }
}

extension ArgumentSchema {
    /// The value the argument has when left out, or nil when it is required or absent.
    var typedDefault: TypedValue? {
        do { return try parsedDefault() } catch {
            preconditionFailure("the default of '\(name)' is not valid: \(error.message)")
        }
    }

    /// The default text read as a value of the argument's type, exactly as if written on a line.
    func parsedDefault() throws(LineProblem) -> TypedValue? {
        guard case .value(let text) = omitted else { return nil }
        let value: ValueSyntax
        do throws(Lexer.Failure) {
            let parsed = try SyntaxParser.parse([Token(kind: .word("default"), column: 0, length: 0)] + Lexer.tokens(in: text))
            guard parsed.positionals.count == 1, parsed.options.isEmpty else {
                throw Lexer.Failure(column: 0, length: 1, message: "expected one value, found '\(text)'")
            }
            value = parsed.positionals[0]
        } catch {
            throw LineProblem(error.message, column: error.column, length: error.length)
        }
        let schema = CommandSchema(name: "default", summary: "", positionals: [self], options: [], example: "")
        return try ArgumentChecker.convert(value, to: self, in: schema, parameters: ParameterTable(overrides: [:]))
    }
}
