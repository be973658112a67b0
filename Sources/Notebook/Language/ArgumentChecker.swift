import NotebookResults

/// Checks a command's written arguments against its schema: their number, names, types, ranges and `$name` references.
enum ArgumentChecker {
    /// The line's arguments, checked: those that are valid, with `isComplete` false after
    /// reporting every problem in them (so a failed line can still declare what it makes).
    static func check(_ schema: CommandSchema, positionals: [ValueSyntax], _ line: inout LineContext) -> CheckedArguments {
        var arguments = CheckedArguments(schema: schema)
        var ok = true
        /// Arguments the line tried to give, validly or not, or that an unknown option was suggested
        /// for: a missing one among them is already reported.
        var attempted: Set<String> = []
        if positionals.count > schema.positionals.count {
            let extra = positionals[schema.positionals.count]
            let expected = schema.positionals.isEmpty ? "no values" : "\(schema.positionals.count) value\(schema.positionals.count == 1 ? "" : "s")"
            let hint = schema.options.isEmpty ? "" : "; options are written key=value (" + schema.options.map(\.name).joined(separator: ", ") + ")"
            line.report(LineProblem("'\(schema.name)' takes \(expected) before its options, found '\(extra.text)'\(hint)",
                                    column: extra.column, length: extra.length))
            ok = false
        }
        for (schemaArgument, value) in zip(schema.positionals, positionals) {
            attempted.insert(schemaArgument.name)
            do throws(LineProblem) {
                let typed = try convert(value, to: schemaArgument, in: schema, parameters: line.parameters)
                arguments.set(schemaArgument.name, to: typed, at: .init(column: value.column, length: value.length))
            } catch {
                line.report(error)
                ok = false
            }
        }
        let optionNames = schema.options.map(\.name)
        for option in line.syntax.options {
            let key = option.key.text
            guard let schemaArgument = schema.options.first(where: { $0.name == key }) else {
                line.report(LineProblem(unknownOption(key, of: schema), column: option.key.column, length: option.key.length))
                attempted.formUnion(Suggestion.nearest(to: key, in: optionNames))
                ok = false
                continue
            }
            if attempted.contains(key) {
                line.report(LineProblem("option '\(key)' is given twice", column: option.key.column, length: option.key.length))
                ok = false
                continue
            }
            attempted.insert(key)
            do throws(LineProblem) {
                let typed = try convert(option.value, to: schemaArgument, in: schema, parameters: line.parameters)
                arguments.set(key, to: typed, at: .init(column: option.value.column, length: option.value.length))
            } catch {
                line.report(error)
                ok = false
            }
        }
        let missing = (schema.positionals + schema.options).filter {
            $0.omitted == .required && !attempted.contains($0.name)
        }
        if !missing.isEmpty {
            let needs = missing.map { required in
                let form = schema.positionals.contains(required) ? required.name : "\(required.name)=…"
                return "\(form) (\(required.summary): \(required.type.noun))"
            }
            line.report(LineProblem("'\(schema.name)' needs " + listed(needs), column: line.syntax.endColumn))
            ok = false
        }
        arguments.isComplete = ok
        return arguments
    }

    /// Why `key` is no option of `schema`: the commands it belongs to, else a suggestion and the options there are.
    static func unknownOption(_ key: String, of schema: CommandSchema) -> String {
        let owners = CommandSchema.all.filter { $0.name != schema.name && $0.options.contains { $0.name == key } }
        if !owners.isEmpty {
            return "'\(key)' belongs to " + listed(owners.map { "'\($0.name)'" }) + ", not '\(schema.name)'"
        }
        let optionNames = schema.options.map(\.name)
        let known = optionNames.isEmpty ? "it takes no options" : "its options are " + optionNames.joined(separator: ", ")
        return "unknown option '\(key)' for '\(schema.name)'\(Suggestion.hint(for: key, in: optionNames)); \(known)"
    }

    /// `a`, `a and b`, `a, b and c`.
    static func listed(_ items: [String]) -> String {
        items.count <= 1 ? items.joined() : items.dropLast().joined(separator: ", ") + " and " + items.last!
    }

    /// Whether `word` can name something: a letter, then letters, digits, `-` or `_`.
    static func isName(_ word: String) -> Bool {
        guard let first = word.unicodeScalars.first, first.properties.isAlphabetic, first.isASCII else { return false }
        return word.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-" || $0 == "_") }
    }

    /// `value` as a value of `argument`'s type, with `$name` references replaced from `parameters`.
    ///
    /// `reference` names the parameter the value came from, so messages can say so.
    static func convert(_ value: ValueSyntax, to argument: ArgumentSchema, in schema: CommandSchema,
                        parameters: ParameterTable, via reference: String? = nil) throws(LineProblem) -> TypedValue {
        let what = "'\(argument.name)' of '\(schema.name)'"
        let origin = reference.map { " (from $\($0))" } ?? ""
        func problem(_ message: String) -> LineProblem {
            LineProblem(message, column: value.column, length: value.length)
        }
        // A quoted value is text; only paths may be written so.
        let quoted = if case .scalar(let token) = value, case .string = token.kind { true } else { false }
        let wrongKind = quoted
            ? problem("\(what) must be \(argument.type.noun), found \(value.text)\(origin); drop the quotes")
            : problem("\(what) must be \(argument.type.noun), found '\(value.text)'\(origin)")
        if case .scalar(let token) = value, case .reference(let name) = token.kind {
            // Errors point at the reference, where the user used the value.
            let placed = try parameters.substitute(name, at: value)
            return try convert(placed, to: argument, in: schema, parameters: parameters, via: name)
        }
        switch argument.type {
        case .integer(let range):
            guard case .scalar(let token) = value, case .number(let text, let number) = token.kind else { throw wrongKind }
            guard number == number.rounded(), abs(number) < 9.2e18, !text.contains(".") else {
                throw problem("\(what) must be an integer, found '\(text)'\(origin)")
            }
            let integer = Int(number)
            guard range.contains(integer) else { throw problem("\(what) must be \(argument.type.noun), found \(text)\(origin)") }
            return .integer(integer)
        case .real(let range):
            guard case .scalar(let token) = value, case .number(let text, let number) = token.kind else { throw wrongKind }
            guard range.contains(number) else { throw problem("\(what) must be \(argument.type.noun), found \(text)\(origin)") }
            return .real(number)
        case .choice(let choices):
            guard case .scalar(let token) = value, case .word(let word) = token.kind else { throw wrongKind }
            guard choices.contains(word) else {
                // A command's first value may also be one of its two-word forms (`data idx`).
                let forms = schema.positionals.first == argument
                    ? CommandSchema.all.filter { $0.words.count == 2 && $0.words[0] == schema.name }.map { "'\($0.name) …'" } : []
                let alsoForms = forms.isEmpty ? "" : " (or " + listed(forms) + ")"
                throw problem("unknown \(argument.name) '\(word)'\(Suggestion.hint(for: word, in: choices)); expected one of: "
                              + choices.joined(separator: ", ") + alsoForms + origin)
            }
            return .word(word)
        case .path:
            guard case .scalar(let token) = value else { throw wrongKind }
            switch token.kind {
            case .word(let text), .string(let text), .number(let text, _):
                guard !text.isEmpty else { throw problem("\(what) must not be empty") }
                return .word(text)
            default:
                throw wrongKind
            }
        case .integerList(let count, let each):
            guard case .list(let items, _, _) = value else { throw wrongKind }
            guard count.contains(items.count) else {
                throw problem("\(what) must have \(count.lowerBound)...\(count.upperBound) sizes, found \(items.count)\(origin)")
            }
            let element = ArgumentSchema(argument.name, .integer(each), argument.summary)
            var integers: [Int] = []
            for item in items {
                // An element of integer type converts to `.integer` or throws.
                integers.append(try convert(item, to: element, in: schema, parameters: parameters, via: reference).integer!)
            }
            return .integers(integers)
        case .name:
            guard case .scalar(let token) = value, case .word(let word) = token.kind else { throw wrongKind }
            guard isName(word) else { throw problem("\(what) must be \(argument.type.noun), found '\(word)'\(origin)") }
            return .word(word)
        case .nameList(let count):
            guard case .list(let items, _, _) = value else { throw wrongKind }
            guard count.contains(items.count) else {
                throw problem("\(what) must have \(count.lowerBound)...\(count.upperBound) names, found \(items.count)\(origin)")
            }
            let element = ArgumentSchema(argument.name, .name, argument.summary)
            var names: [String] = []
            for item in items {
                names.append(try convert(item, to: element, in: schema, parameters: parameters, via: reference).word!)
            }
            return .words(names)
        case .labelList(let count):
            guard case .list(let items, _, _) = value else { throw wrongKind }
            guard count.contains(items.count) else {
                throw problem("\(what) must have \(count.lowerBound)...\(count.upperBound) labels, found \(items.count)\(origin)")
            }
            // Each label is text as a path is: a word, a number or a quoted string.
            let element = ArgumentSchema(argument.name, .path, argument.summary)
            var labels: [String] = []
            for item in items {
                guard case .scalar = item else {
                    throw LineProblem("\(what) must be \(argument.type.noun), found '\(item.text)'\(origin)",
                                      column: item.column, length: item.length)
                }
                labels.append(try convert(item, to: element, in: schema, parameters: parameters, via: reference).word!)
            }
            return .words(labels)
        case .boolean:
            guard case .scalar(let token) = value, case .word(let word) = token.kind, word == "true" || word == "false" else {
                throw wrongKind
            }
            return .boolean(word == "true")
        case .realOrAuto(let range):
            if case .scalar(let token) = value, case .word("auto") = token.kind { return .auto }
            guard case .scalar(let token) = value, case .number(let text, let number) = token.kind else { throw wrongKind }
            guard range.contains(number) else { throw problem("\(what) must be \(argument.type.noun), found \(text)\(origin)") }
            return .real(number)
        }
    }
}
