import NotebookResults

/// `param name = value`: declares a parameter that `-p name=value` overrides and commands use as `$name`.
///
/// Its line is `name = value`, not arguments of a schema, so it compiles the line itself.
struct ParameterDefinition: LanguageCommand {
    let schema = CommandSchema(
        name: "param", summary: "Declares a parameter that `notebook run -p name=value` can override; use it as `$name`.",
        positionals: [], options: [], example: "param epochs = 10")

    func compile(_ positionals: [ValueSyntax], _ line: inout LineContext) -> (any Command)? {
        let syntax = line.syntax
        guard positionals.isEmpty, syntax.options.count == 1 else {
            let column = positionals.first?.column ?? syntax.options.dropFirst().first?.key.column ?? syntax.endColumn
            return line.fail("expected 'param name = value'", at: column)
        }
        let option = syntax.options[0]
        let name = option.key.text
        if let earlier = line.parameters.declaration(named: name) {
            let place = earlier.frontMatterLocation.map { " under 'params' in the front matter (line \($0.line))" } ?? ""
            return line.fail("parameter '\(name)' is already declared\(place)", at: option.key.column, length: option.key.length)
        }
        if case .scalar(let token) = option.value, case .reference = token.kind {
            return line.fail("a parameter's value must be written out, not refer to another parameter",
                             at: token.column, length: token.length)
        }
        do throws(LineProblem) {
            let (value, text) = try line.parameters.value(of: name, declared: option.value)
            line.parameters.declare(.init(name: name, value: value, text: text))
            line.canonical = CanonicalCommand(name: "param", arguments: [.init(name: name, value: text)])
            return ParameterCommand(name: name, value: text)
        } catch {
            // Declared all the same, so the bad `-p` is reported here and not as undeclared.
            line.parameters.declare(.init(name: name, value: option.value, text: option.value.text))
            line.report(error)
            return nil
        }
    }
}

/// A declared parameter; settled when the notebook is compiled, so running it does nothing.
public struct ParameterCommand: Command, Equatable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }

    public var effect: CommandEffect { .declaration }
    public func run(in context: ExecutionContext) -> [BlockOutput] { [] }
}
