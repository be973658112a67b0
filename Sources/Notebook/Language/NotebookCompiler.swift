import NotebookResults
import Foundation
import VAEEngine

/// A command-line problem with `-p` overrides, reported as a usage error (exit code 2).
public struct ParameterOverrideError: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String
}

/// Turns a parsed document into a checked program, reporting every error at once.
///
/// Nothing runs until the whole notebook is known to be valid: commands, options,
/// types, ranges, parameter references and the order of prerequisites (a model
/// before training, training before loss figures) are all checked here.
public struct NotebookCompiler {
    let document: Document
    let fileLines: [Substring]
    let overrides: [String: String]

    private var diagnostics: [Diagnostic] = []
    private var parameters: [(name: String, value: ValueSyntax, text: String, fromOverride: Bool)] = []
    private var state = StaticState()

    /// What is known to exist at a point of the notebook, for prerequisite checks.
    struct StaticState {
        var hasData = false
        var model: ModelSpec?
        var hasTrained = false
        var seed: UInt64?
        /// Checkpoint paths a `save weights` earlier in the notebook will have written.
        var savedPaths: Set<String> = []
    }

    /// Compiles `document`, whose Markdown text was `source`, with `-p` overrides.
    public static func compile(_ document: Document, source: String,
                               overrides: [String: String] = [:]) throws -> NotebookProgram {
        var compiler = NotebookCompiler(document: document, source: source, overrides: overrides)
        return try compiler.run()
    }

    init(document: Document, source: String, overrides: [String: String]) {
        self.document = document
        self.fileLines = source.split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.hasSuffix("\r") ? $0.dropLast() : $0 }
        self.overrides = overrides
    }

    mutating func run() throws -> NotebookProgram {
        let notebookTolerance = frontMatterTolerance()
        var blocks: [BlockProgram] = []
        for block in document.runnableBlocks {
            var commands: [LocatedCommand] = []
            let lines = block.source.split(separator: "\n", omittingEmptySubsequences: false)
            for (lineOffset, line) in lines.enumerated() {
                if let command = compileLine(String(line), lineOffset: lineOffset, in: block) {
                    commands.append(command)
                }
            }
            blocks.append(BlockProgram(blockIndex: block.index, location: block.fenceLocation, commands: commands,
                                       tolerance: blockTolerance(block, starting: notebookTolerance)))
        }
        let declared = Set(parameters.map(\.name))
        let unknown = overrides.keys.filter { !declared.contains($0) }.sorted()
        if let name = unknown.first {
            let names = parameters.map(\.name)
            let known = names.isEmpty ? "the notebook declares no parameters" : "it declares: " + names.joined(separator: ", ")
            throw ParameterOverrideError(description:
                "-p \(name): \(document.path) has no parameter '\(name)'\(Suggestion.hint(for: name, in: names)); \(known)")
        }
        if !diagnostics.isEmpty { throw NotebookErrors(diagnostics) }
        return NotebookProgram(document: document, blocks: blocks,
                               parameters: parameters.map { ($0.name, $0.text) }, seed: state.seed ?? 0,
                               tolerance: notebookTolerance)
    }

    // MARK: - Check tolerances

    /// The `check:` options of the front matter; unknown options and bad values are errors.
    private mutating func frontMatterTolerance() -> CheckTolerance {
        var tolerance = CheckTolerance.default
        for entry in document.frontMatter.entries {
            if entry.key == "check", !entry.value.isEmpty {
                addDiagnostic("'check' takes its options on the lines below it, such as '  tolerance: 1e-3'",
                              at: entry.valueLocation, length: entry.value.count)
            }
            guard entry.key.hasPrefix("check.") else { continue }
            let name = String(entry.key.dropFirst("check.".count))
            guard CheckTolerance.optionNames.contains(name) else {
                addDiagnostic("unknown check option '\(name)'\(Suggestion.hint(for: name, in: CheckTolerance.optionNames))"
                              + "; options: " + CheckTolerance.optionNames.joined(separator: ", "),
                              at: entry.keyLocation, length: name.count)
                continue
            }
            if let problem = tolerance.set(name, from: entry.value) {
                addDiagnostic(problem, at: entry.valueLocation, length: max(1, entry.value.count))
            }
        }
        return tolerance
    }

    /// A block's tolerance: the notebook's, with the block's `{tolerance=…}` attributes applied.
    private mutating func blockTolerance(_ block: CodeBlock, starting tolerance: CheckTolerance) -> CheckTolerance {
        var tolerance = tolerance
        let fenceIndex = block.fenceLocation.line - 1
        let fenceLine = fenceIndex >= 0 && fenceIndex < fileLines.count ? String(fileLines[fenceIndex]) : ""
        for attribute in BlockAttributes.keyValues(in: block.attributes) {
            // Point at the attribute in the fence line (the info string is on it).
            let column = fenceLine.range(of: attribute.key + "=").map {
                fenceLine.distance(from: fenceLine.startIndex, to: $0.lowerBound) + 1
            } ?? block.fenceLocation.column
            let location = SourceLocation(file: block.fenceLocation.file, line: block.fenceLocation.line, column: column)
            guard CheckTolerance.optionNames.contains(attribute.key) else {
                addDiagnostic("unknown block attribute '\(attribute.key)'"
                              + "\(Suggestion.hint(for: attribute.key, in: CheckTolerance.optionNames))"
                              + "; attributes: " + CheckTolerance.optionNames.joined(separator: ", "),
                              at: location, length: attribute.key.count)
                continue
            }
            if let problem = tolerance.set(attribute.key, from: attribute.value) {
                addDiagnostic(problem, at: location, length: attribute.key.count + 1 + attribute.value.count)
            }
        }
        return tolerance
    }

    private mutating func addDiagnostic(_ message: String, at location: SourceLocation, length: Int) {
        let index = location.line - 1
        let sourceLine = index >= 0 && index < fileLines.count ? String(fileLines[index]) : nil
        diagnostics.append(Diagnostic(location: location, message: message, length: length, sourceLine: sourceLine))
    }

    // MARK: - Lines

    private mutating func report(_ message: String, in block: CodeBlock, line: Int, column: Int, length: Int = 1) {
        addDiagnostic(message, at: block.location(ofLine: line, column: column), length: length)
    }

    private mutating func compileLine(_ line: String, lineOffset: Int, in block: CodeBlock) -> LocatedCommand? {
        let syntax: CommandSyntax
        do {
            let tokens = try Lexer.tokens(in: line)
            if tokens.isEmpty { return nil }
            syntax = try SyntaxParser.parse(tokens)
        } catch {
            report(error.message, in: block, line: lineOffset, column: error.column, length: error.length)
            return nil
        }
        let location = block.location(ofLine: lineOffset, column: syntax.name.column)
        let text = String(line.prefix(syntax.endColumn)).trimmingSpaces
        var context = LineContext(block: block, lineOffset: lineOffset)
        guard let command = typedCommand(syntax, &context) else { return nil }
        return LocatedCommand(command: command, location: location, text: text)
    }

    struct LineContext {
        var block: CodeBlock
        var lineOffset: Int
    }

    private mutating func fail(_ message: String, _ context: LineContext, at column: Int, length: Int = 1) -> Command? {
        report(message, in: context.block, line: context.lineOffset, column: column, length: length)
        return nil
    }

    // MARK: - Commands

    private mutating func typedCommand(_ syntax: CommandSyntax, _ context: inout LineContext) -> Command? {
        let word = syntax.name.text
        if word == "param" { return parameterCommand(syntax, context) }

        let candidates = CommandSchema.all.filter { $0.words[0] == word }
        guard !candidates.isEmpty else {
            return fail("unknown command '\(word)'\(Suggestion.hint(for: word, in: CommandSchema.commandWords))",
                        context, at: syntax.name.column, length: syntax.name.length)
        }
        var positionals = syntax.positionals
        let schema: CommandSchema
        if candidates[0].words.count == 2 {
            let subcommands = candidates.map { $0.words[1] }
            guard let first = positionals.first, case .scalar(let token) = first, case .word(let sub) = token.kind else {
                let column = positionals.first?.column ?? syntax.endColumn
                return fail("'\(word)' needs what to \(word): " + subcommands.joined(separator: ", "),
                            context, at: column, length: positionals.first?.length ?? 1)
            }
            guard let match = candidates.first(where: { $0.words[1] == sub }) else {
                return fail("unknown \(word) '\(sub)'\(Suggestion.hint(for: sub, in: subcommands)); expected one of: "
                            + subcommands.joined(separator: ", "), context, at: token.column, length: token.length)
            }
            schema = match
            positionals.removeFirst()
        } else {
            schema = candidates[0]
        }
        guard let arguments = checkArguments(schema, positionals: positionals, options: syntax.options,
                                             endColumn: syntax.endColumn, context) else { return nil }
        return build(schema, arguments, syntax, context)
    }

    private mutating func parameterCommand(_ syntax: CommandSyntax, _ context: LineContext) -> Command? {
        guard syntax.positionals.isEmpty, syntax.options.count == 1 else {
            let column = syntax.positionals.first?.column ?? syntax.options.dropFirst().first?.key.column ?? syntax.endColumn
            return fail("expected 'param name = value'", context, at: column)
        }
        let option = syntax.options[0]
        let name = option.key.text
        if parameters.contains(where: { $0.name == name }) {
            return fail("parameter '\(name)' is already declared", context, at: option.key.column, length: option.key.length)
        }
        if case .scalar(let token) = option.value, case .reference = token.kind {
            return fail("a parameter's value must be written out, not refer to another parameter",
                        context, at: token.column, length: token.length)
        }
        var value = option.value
        var text = option.value.text
        var fromOverride = false
        if let override = overrides[name] {
            do throws(Lexer.Failure) {
                let tokens = try Lexer.tokens(in: override)
                guard !tokens.isEmpty else { throw Lexer.Failure(column: 0, length: 1, message: "empty value") }
                let parsed = try SyntaxParser.parse([Token(kind: .word("p"), column: 0, length: 0)] + tokens)
                guard parsed.positionals.count == 1, parsed.options.isEmpty else {
                    throw Lexer.Failure(column: 0, length: 1, message: "expected one value")
                }
                // Keep the declaration's position so later errors point into the notebook.
                value = Self.relocated(parsed.positionals[0], to: option.value)
                text = override
                fromOverride = true
            } catch {
                return fail("-p \(name)=\(override): \(error.message)", context, at: option.value.column,
                            length: option.value.length)
            }
        }
        parameters.append((name, value, text, fromOverride))
        return .parameter(name: name, value: text)
    }

    /// A value parsed from `-p`, placed where the declaration's value is written.
    private static func relocated(_ value: ValueSyntax, to place: ValueSyntax) -> ValueSyntax {
        switch value {
        case .scalar(var token):
            token.column = place.column
            token.length = place.length
            return .scalar(token)
        case .list(let items, _, _):
            return .list(items.map { relocated($0, to: place) }, column: place.column, length: place.length)
        }
    }

    // MARK: - Arguments

    enum TypedValue: Equatable {
        case integer(Int)
        case real(Double)
        case word(String)
        case integers([Int])

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
    }

    struct Arguments {
        var values: [String: TypedValue] = [:]
        var columns: [String: (Int, Int)] = [:]
    }

    private mutating func checkArguments(_ schema: CommandSchema, positionals: [ValueSyntax],
                                         options: [CommandSyntax.Option], endColumn: Int,
                                         _ context: LineContext) -> Arguments? {
        var arguments = Arguments()
        var ok = true
        if positionals.count > schema.positionals.count {
            let extra = positionals[schema.positionals.count]
            let expected = schema.positionals.isEmpty ? "no values" : "\(schema.positionals.count) value\(schema.positionals.count == 1 ? "" : "s")"
            let hint = schema.options.isEmpty ? "" : "; options are written key=value (" + schema.options.map(\.name).joined(separator: ", ") + ")"
            _ = fail("'\(schema.name)' takes \(expected) before its options, found '\(extra.text)'\(hint)",
                     context, at: extra.column, length: extra.length)
            ok = false
        }
        for (schemaArgument, value) in zip(schema.positionals, positionals) {
            if let typed = convert(value, to: schemaArgument, in: schema, context) {
                arguments.values[schemaArgument.name] = typed
                arguments.columns[schemaArgument.name] = (value.column, value.length)
            } else { ok = false }
        }
        let optionNames = schema.options.map(\.name)
        for option in options {
            let key = option.key.text
            guard let schemaArgument = schema.options.first(where: { $0.name == key }) else {
                let known = optionNames.isEmpty ? "it takes no options" : "its options are " + optionNames.joined(separator: ", ")
                _ = fail("unknown option '\(key)' for '\(schema.name)'\(Suggestion.hint(for: key, in: optionNames)); \(known)",
                         context, at: option.key.column, length: option.key.length)
                ok = false
                continue
            }
            if arguments.values[key] != nil {
                _ = fail("option '\(key)' is given twice", context, at: option.key.column, length: option.key.length)
                ok = false
                continue
            }
            if let typed = convert(option.value, to: schemaArgument, in: schema, context) {
                arguments.values[key] = typed
                arguments.columns[key] = (option.value.column, option.value.length)
            } else { ok = false }
        }
        for required in schema.positionals + schema.options where required.defaultValue == nil {
            if arguments.values[required.name] == nil, ok {
                let isPositional = schema.positionals.contains(required)
                let form = isPositional ? required.name : "\(required.name)=…"
                _ = fail("'\(schema.name)' needs \(form) (\(required.summary): \(required.type.noun))",
                         context, at: endColumn)
                ok = false
            }
        }
        return ok ? arguments : nil
    }

    private func parameter(named name: String) -> (name: String, value: ValueSyntax, text: String, fromOverride: Bool)? {
        parameters.first { $0.name == name }
    }

    private mutating func convert(_ value: ValueSyntax, to argument: ArgumentSchema, in schema: CommandSchema,
                                  _ context: LineContext, via reference: String? = nil) -> TypedValue? {
        let what = "'\(argument.name)' of '\(schema.name)'"
        let origin = reference.map { " (from $\($0))" } ?? ""
        if case .scalar(let token) = value, case .reference(let name) = token.kind {
            guard let declared = parameter(named: name) else {
                let names = parameters.map(\.name)
                let hint = Suggestion.hint(for: name, in: names)
                _ = fail("unknown parameter '$\(name)'\(hint); declare it first with 'param \(name) = …'",
                         context, at: token.column, length: token.length)
                return nil
            }
            // Errors point at the reference, where the user used the value.
            let placed = Self.relocated(declared.value, to: value)
            return convert(placed, to: argument, in: schema, context, via: name)
        }
        switch argument.type {
        case .integer(let range):
            guard case .scalar(let token) = value, case .number(let text, let number) = token.kind else {
                _ = fail("\(what) must be \(argument.type.noun), found '\(value.text)'\(origin)", context,
                         at: value.column, length: value.length)
                return nil
            }
            guard number == number.rounded(), abs(number) < 9.2e18, !text.contains(".") else {
                _ = fail("\(what) must be an integer, found '\(text)'\(origin)", context, at: value.column, length: value.length)
                return nil
            }
            let integer = Int(number)
            guard range.contains(integer) else {
                _ = fail("\(what) must be \(argument.type.noun), found \(text)\(origin)", context,
                         at: value.column, length: value.length)
                return nil
            }
            return .integer(integer)
        case .real(let range):
            guard case .scalar(let token) = value, case .number(let text, let number) = token.kind else {
                _ = fail("\(what) must be \(argument.type.noun), found '\(value.text)'\(origin)", context,
                         at: value.column, length: value.length)
                return nil
            }
            guard range.contains(number) else {
                _ = fail("\(what) must be \(argument.type.noun), found \(text)\(origin)", context,
                         at: value.column, length: value.length)
                return nil
            }
            return .real(number)
        case .choice(let choices):
            guard case .scalar(let token) = value, case .word(let word) = token.kind else {
                _ = fail("\(what) must be \(argument.type.noun), found '\(value.text)'\(origin)", context,
                         at: value.column, length: value.length)
                return nil
            }
            guard choices.contains(word) else {
                _ = fail("unknown \(argument.name) '\(word)'\(Suggestion.hint(for: word, in: choices)); expected one of: "
                         + choices.joined(separator: ", ") + origin, context, at: value.column, length: value.length)
                return nil
            }
            return .word(word)
        case .path:
            guard case .scalar(let token) = value else {
                _ = fail("\(what) must be \(argument.type.noun), found '\(value.text)'\(origin)", context,
                         at: value.column, length: value.length)
                return nil
            }
            switch token.kind {
            case .word(let text), .string(let text), .number(let text, _):
                guard !text.isEmpty else {
                    _ = fail("\(what) must not be empty", context, at: value.column, length: value.length)
                    return nil
                }
                return .word(text)
            default:
                _ = fail("\(what) must be \(argument.type.noun), found '\(value.text)'\(origin)", context,
                         at: value.column, length: value.length)
                return nil
            }
        case .integerList(let count, let each):
            guard case .list(let items, _, _) = value else {
                _ = fail("\(what) must be \(argument.type.noun), found '\(value.text)'\(origin)", context,
                         at: value.column, length: value.length)
                return nil
            }
            guard count.contains(items.count) else {
                _ = fail("\(what) must have \(count.lowerBound)...\(count.upperBound) sizes, found \(items.count)\(origin)",
                         context, at: value.column, length: value.length)
                return nil
            }
            var integers: [Int] = []
            let element = ArgumentSchema(argument.name, .integer(each), argument.summary)
            for item in items {
                guard let typed = convert(item, to: element, in: schema, context, via: reference)?.integer else { return nil }
                integers.append(typed)
            }
            return .integers(integers)
        }
    }

    // MARK: - Typed commands and prerequisites

    private mutating func build(_ schema: CommandSchema, _ arguments: Arguments, _ syntax: CommandSyntax,
                                _ context: LineContext) -> Command? {
        let values = arguments.values
        let column = syntax.name.column
        let length = syntax.endColumn - column
        switch schema.name {
        case "seed":
            let seed = UInt64(values["value"]!.integer!)
            if state.seed != nil {
                return fail("the seed is already set; a notebook has one seed", context, at: column, length: length)
            }
            if state.hasData || state.model != nil {
                return fail("'seed' must come before 'data' and 'model' so every draw depends on it",
                            context, at: column, length: length)
            }
            state.seed = seed
            return .seed(seed)
        case "data":
            let binarization: Binarization
            switch values["binarize"]?.word ?? "none" {
            case "static": binarization = .threshold(Float(values["threshold"]?.real ?? 0.5))
            case "dynamic": binarization = .dynamic
            default: binarization = .none
            }
            if let (c, l) = arguments.columns["threshold"], values["binarize"]?.word != "static" {
                return fail("'threshold' applies only to binarize=static", context, at: c, length: l)
            }
            state.hasData = true
            return .data(DataRequest(name: values["dataset"]!.word!, trainCount: values["train"]?.integer,
                                     testCount: values["test"]?.integer, binarization: binarization))
        case "model":
            let activation = Activation(rawValue: values["activation"]?.word ?? "relu")!
            let initializer = Initializer(name: values["init"]?.word ?? "he")!
            let kind = ModelSpec.Kind(rawValue: values["kind"]!.word!)!
            let spec = ModelSpec(kind: kind, encoder: values["encoder"]!.integers!, latent: values["latent"]!.integer!,
                                 decoder: values["decoder"]!.integers!, activation: activation, initializer: initializer,
                                 kernel: values["kernel"]?.integer ?? 3, stride: values["stride"]?.integer ?? 2)
            if kind == .mlp {
                for option in ["kernel", "stride"] {
                    if let (c, l) = arguments.columns[option] {
                        return fail("'\(option)' applies only to conv models", context, at: c, length: l)
                    }
                }
            } else if let problem = ConvolutionalArchitecture.problem(with: spec, kernel: spec.kernel, stride: spec.stride) {
                return fail(problem, context, at: column, length: length)
            }
            state.model = spec
            state.hasTrained = false
            return .model(spec)
        case "train":
            guard requireModel(schema, context, column, length), requireData(schema, context, column, length) else { return nil }
            let rate = Float(values["lr"]?.real ?? 1e-3)
            let optimizer: OptimizerSpec
            switch values["optimizer"]?.word ?? "adam" {
            case "sgd": optimizer = .sgd(learningRate: rate, momentum: Float(values["momentum"]?.real ?? 0))
            case "rmsprop": optimizer = .rmsprop(learningRate: rate)
            default: optimizer = .adam(learningRate: rate)
            }
            if values["momentum"] != nil, values["optimizer"]?.word != "sgd" {
                let (c, l) = arguments.columns["momentum"]!
                return fail("'momentum' applies only to optimizer=sgd", context, at: c, length: l)
            }
            let objective = Objective(reconstruction: ReconstructionLoss(rawValue: values["loss"]?.word ?? "bce")!,
                                      kl: KLEstimator(rawValue: values["kl"]?.word ?? "analytic")!,
                                      beta: Float(values["beta"]?.real ?? 1),
                                      reduction: Objective.Reduction(rawValue: values["reduction"]?.word ?? "sum")!)
            switch (values["epochs"], values["steps"]) {
            case (nil, nil):
                return fail("'train' needs epochs=… or steps=…", context, at: syntax.endColumn)
            case (.some, .some):
                let (c, l) = arguments.columns["steps"]!
                return fail("give either epochs or steps, not both", context, at: c, length: l)
            default: break
            }
            state.hasTrained = true
            return .train(TrainingPlan(epochs: values["epochs"]?.integer ?? 1, steps: values["steps"]?.integer,
                                       batchSize: values["batch"]?.integer ?? 128, optimizer: optimizer, objective: objective))
        case "table losses", "plot losses":
            guard state.hasTrained else {
                return fail("'\(schema.name)' needs a 'train' command before it", context, at: column, length: length)
            }
            return schema.name == "table losses" ? .tableLosses : .plotLosses
        case "show reconstructions":
            guard requireModel(schema, context, column, length), requireData(schema, context, column, length) else { return nil }
            return .showReconstructions(count: values["count"]?.integer ?? 10,
                                        split: Command.Split(rawValue: values["from"]?.word ?? "test")!)
        case "show samples":
            guard requireModel(schema, context, column, length) else { return nil }
            return .showSamples(count: values["count"]?.integer ?? 25)
        case "summary":
            guard requireModel(schema, context, column, length) else { return nil }
            return .summary
        case "plot latent":
            guard requireModel(schema, context, column, length), requireData(schema, context, column, length) else { return nil }
            return .plotLatent(split: Command.Split(rawValue: values["split"]?.word ?? "test")!,
                               count: values["count"]?.integer ?? 5000)
        case "show manifold":
            guard requireModel(schema, context, column, length) else { return nil }
            if let latent = state.model?.latent, latent != 2 {
                return fail("'show manifold' needs a 2-D latent space; the model has latent=\(latent) (use 'plot latent' instead)",
                            context, at: column, length: length)
            }
            return .showManifold(size: values["size"]?.integer ?? 20, range: values["range"]?.real ?? 2)
        case "show evolution":
            guard state.hasTrained else {
                return fail("'show evolution' needs a 'train' command before it", context, at: column, length: length)
            }
            return .showEvolution(count: values["count"]?.integer ?? 8, rows: values["rows"]?.integer ?? 10)
        case "evaluate":
            guard requireModel(schema, context, column, length), requireData(schema, context, column, length) else { return nil }
            return .evaluate(split: Command.Split(rawValue: values["split"]?.word ?? "test")!)
        case "save weights":
            guard requireModel(schema, context, column, length) else { return nil }
            let path = values["path"]!.word!
            state.savedPaths.insert(path)
            return .saveWeights(path: path)
        case "load weights":
            guard requireModel(schema, context, column, length) else { return nil }
            let path = values["path"]!.word!
            if !state.savedPaths.contains(path) {
                let resolved = URL(fileURLWithPath: path, relativeTo: notebookFolder).path
                if !FileManager.default.fileExists(atPath: resolved) {
                    let (c, l) = arguments.columns["path"]!
                    return fail("no checkpoint '\(path)' (looked for \(resolved)); write one first with 'save weights \(path)'",
                                context, at: c, length: l)
                }
            }
            return .loadWeights(path: path)
        default:
            preconditionFailure("schema '\(schema.name)' has no builder")
        }
    }

    /// The folder relative paths in the notebook are resolved against.
    var notebookFolder: URL {
        URL(fileURLWithPath: document.path).deletingLastPathComponent()
    }

    private mutating func requireModel(_ schema: CommandSchema, _ context: LineContext, _ column: Int, _ length: Int) -> Bool {
        if state.model != nil { return true }
        _ = fail("'\(schema.name)' needs a model; add a 'model' command before it", context, at: column, length: length)
        return false
    }

    private mutating func requireData(_ schema: CommandSchema, _ context: LineContext, _ column: Int, _ length: Int) -> Bool {
        if state.hasData { return true }
        _ = fail("'\(schema.name)' needs data; add a 'data' command before it", context, at: column, length: length)
        return false
    }
}

private extension String {
    var trimmingSpaces: String {
        var text = Substring(self)
        while text.last?.isWhitespace == true { text.removeLast() }
        while text.first?.isWhitespace == true { text.removeFirst() }
        return String(text)
    }
}
