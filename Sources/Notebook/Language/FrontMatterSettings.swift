import NotebookResults

/// Checks the front matter keys this tool reads — `title`, `params` (and `check`, in
/// `ToleranceSettings`) — and reports what made the front matter unreadable. Other top-level
/// keys belong to Quarto, Jekyll or Pandoc and are left alone.
enum FrontMatterSettings {
    /// The top-level keys this tool reads, with what they take, for the reference.
    static let keys: [(key: String, accepts: String, summary: String)] = [
        ("title", "text", "The page title, instead of the first level-1 heading."),
        ("check", CheckTolerance.optionNames.map { "`\($0)`" }.joined(separator: ", "),
         "The notebook's tolerances for `notebook check`, as `key: value` lines below it."),
        ("params", "`name: value` lines", "Declares parameters as `param name = value` does: `-p name=value` overrides them and commands use them as `$name`."),
    ]

    /// Reports the front matter's problems and wrong shapes, and declares its `params` in `parameters`.
    static func check(_ frontMatter: FrontMatter, parameters: inout ParameterTable, _ log: inout DiagnosticLog) {
        for problem in frontMatter.problems {
            log.add(problem.message, at: problem.location, length: problem.length)
        }
        for entry in frontMatter.entries {
            if entry.key == "title", entry.shape != .scalar {
                log.add("'title' must be text, not \(entry.shape.noun)", at: entry.valueLocation, length: 1)
            } else if entry.key == "params", entry.shape != .mapping, !(entry.shape == .scalar && entry.value.isEmpty) {
                log.add("'params' takes its parameters as 'name: value' lines below it, such as '  epochs: 10'",
                        at: entry.valueLocation, length: max(1, entry.value.count))
            } else if entry.key.hasPrefix("params.") {
                declareParameter(entry, name: String(entry.key.dropFirst("params.".count)), in: &parameters, &log)
            }
        }
    }

    private static func declareParameter(_ entry: FrontMatter.Entry, name: String, in parameters: inout ParameterTable,
                                         _ log: inout DiagnosticLog) {
        // Deeper keys belong to a value already reported as a mapping.
        guard !name.contains(".") else { return }
        guard NameRule.isName(name) else {
            log.add("parameter name '\(name)' must be \(NameRule.description)",
                    at: entry.keyLocation, length: max(1, name.count))
            return
        }
        guard entry.shape == .scalar else {
            log.add("parameter '\(name)' must be a single value, not \(entry.shape.noun)", at: entry.valueLocation, length: 1)
            return
        }
        guard !entry.value.isEmpty else {
            log.add("parameter '\(name)' needs a value, such as '\(name): 10'", at: entry.keyLocation, length: name.count)
            return
        }
        guard parameters.declaration(named: name) == nil else { return }
        let declared = ParameterTable.valueSyntax(ofText: entry.value)
        if case .scalar(let token) = declared, case .reference = token.kind {
            log.add("a parameter's value must be written out, not refer to another parameter",
                    at: entry.valueLocation, length: entry.value.count)
            return
        }
        do throws(LineProblem) {
            let (value, text) = try parameters.value(of: name, declared: declared)
            parameters.declare(.init(name: name, value: value, text: text, frontMatterLocation: entry.keyLocation))
        } catch {
            // Declared all the same, so the bad `-p` is reported here and not as unknown.
            parameters.declare(.init(name: name, value: declared, text: entry.value, frontMatterLocation: entry.keyLocation))
            log.add(error.message, at: entry.valueLocation, length: max(1, entry.value.count), isOverride: error.isOverride)
        }
    }
}

extension FrontMatter.Entry.Shape {
    /// `a list`, `a mapping`, for messages.
    var noun: String {
        switch self {
        case .scalar: "a single value"
        case .mapping: "a mapping ('key: value' lines)"
        case .list: "a list"
        }
    }
}
