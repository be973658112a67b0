import NotebookResults

/// A command of the language: its schema, and how a line naming it compiles to a typed `Command`.
///
/// Adding a command is one file in `Commands/` (its definition and its `Command` value)
/// and one line in `CommandRegistry.commands`.
///
/// Almost every command is a `CommandDefinition`; only `param`, whose syntax is not
/// arguments of a schema, compiles its line itself.
protocol LanguageCommand: Sendable {
    /// What the command accepts, its defaults and its documentation (the reference is made from it).
    var schema: CommandSchema { get }

    /// The typed command for a line naming this command, or nil after reporting its problems in `line`.
    /// `positionals` are the line's values after the command's name words.
    func compile(_ positionals: [ValueSyntax], _ line: inout LineContext) -> (any Command)?
}

/// A command whose arguments are checked against its schema, then built into its typed `Command`.
///
/// One file per command declares its schema, its prerequisites, `build`, which reads
/// every argument from `CheckedArguments` so defaults are written once, in the schema, and
/// `declare`, what later lines may take as made.
protocol CommandDefinition: LanguageCommand {
    /// What earlier commands must have made, checked in this order before `build`.
    var prerequisites: [Prerequisite] { get }

    /// The typed command from complete checked arguments, after the prerequisites are met,
    /// or nil after reporting a problem in `line`. What it makes is recorded by `declare`.
    func build(_ arguments: CheckedArguments, _ line: inout LineContext) -> (any Command)?

    /// Records on `state` what the command makes for later lines: after `build` when the line
    /// compiles (`built` is its command), and also when it fails (`built` is nil, `arguments`
    /// hold only what is valid), so a failed `model` still leaves a model and later lines
    /// report no follow-on errors ("'train' needs a model"). Nothing by default.
    func declare(_ arguments: CheckedArguments, built: (any Command)?, in state: inout StaticState)
}

extension CommandDefinition {
    var prerequisites: [Prerequisite] { [] }

    func declare(_ arguments: CheckedArguments, built: (any Command)?, in state: inout StaticState) {}

    /// For a line whose misspelt name suggests this command (`trian epochs=1`): declares what the
    /// command would make, so the misspelling is the line's only error and later lines report none.
    /// The arguments are checked quietly, as the line already fails for its name.
    func declareAsMeant(_ positionals: [ValueSyntax], _ line: inout LineContext) {
        var quiet = line
        let arguments = ArgumentChecker.check(schema, positionals: positionals, &quiet)
        declare(arguments, built: nil, in: &line.state)
    }

    func compile(_ positionals: [ValueSyntax], _ line: inout LineContext) -> (any Command)? {
        let arguments = ArgumentChecker.check(schema, positionals: positionals, &line)
        var command: (any Command)?
        if arguments.isComplete {
            let state = line.state
            if let problem = prerequisites.lazy.compactMap({ $0.problem(for: schema.name, in: state) }).first {
                line.failCommand(problem) as Void?
            } else {
                command = build(arguments, &line)
                if command != nil { line.canonical = CanonicalCommand(schema: schema, arguments: arguments) }
            }
        }
        declare(arguments, built: command, in: &line.state)
        return command
    }
}

/// The commands of the language, in one list.
enum CommandRegistry {
    /// Every command, in the order the reference lists them; a new command is added here.
    static let commands: [any LanguageCommand] = [
        ParameterDefinition(),
        SeedDefinition(),
        DataDefinition(),
        DataIDXDefinition(),
        DataNPYDefinition(),
        ModelDefinition(),
        TrainDefinition(),
        TableLossesDefinition(),
        PlotLossesDefinition(),
        ShowReconstructionsDefinition(),
        ShowSamplesDefinition(),
        PlotLatentDefinition(),
        ShowManifoldDefinition(),
        ShowEvolutionDefinition(),
        ShowTraversalDefinition(),
        ShowInterpolationDefinition(),
        PlotKLDefinition(),
        SummaryDefinition(),
        EvaluateDefinition(),
        UseDefinition(),
        TableModelsDefinition(),
        SaveWeightsDefinition(),
        LoadWeightsDefinition(),
    ]

    /// The command a line names, by its first word and, for two-word commands, its second,
    /// with the values after those words; nil after reporting an unknown name in `line`.
    static func command(named syntax: CommandSyntax, _ line: inout LineContext)
        -> (command: any LanguageCommand, positionals: [ValueSyntax])? {
        let word = syntax.name.text
        let candidates = commands.filter { $0.schema.words[0] == word }
        guard let first = candidates.first else {
            let meant = Suggestion.nearest(to: word, in: CommandSchema.commandWords)
            if meant.count == 1, let definition = commands.first(where: { $0.schema.name == meant[0] }) as? any CommandDefinition {
                definition.declareAsMeant(syntax.positionals, &line)
            }
            return line.fail("unknown command '\(word)'\(Suggestion.hint(for: word, in: CommandSchema.commandWords))",
                             at: syntax.name.column, length: syntax.name.length)
        }
        guard first.schema.words.count == 2 else {
            // A one-word command may have two-word forms (`data` and `data idx`): the second
            // word picks a form when it names one, else the line is the one-word command's.
            if let written = syntax.positionals.first, case .scalar(let token) = written, case .word(let sub) = token.kind,
               let form = candidates.first(where: { $0.schema.words.count == 2 && $0.schema.words[1] == sub }) {
                return (form, Array(syntax.positionals.dropFirst()))
            }
            return (first, syntax.positionals)
        }
        let subcommands = candidates.map { $0.schema.words[1] }
        guard let written = syntax.positionals.first, case .scalar(let token) = written, case .word(let sub) = token.kind else {
            let column = syntax.positionals.first?.column ?? syntax.endColumn
            return line.fail("'\(word)' needs what to \(word): " + subcommands.joined(separator: ", "),
                             at: column, length: syntax.positionals.first?.length ?? 1)
        }
        guard let match = candidates.first(where: { $0.schema.words[1] == sub }) else {
            let meant = Suggestion.nearest(to: sub, in: subcommands)
            if meant.count == 1, let definition = candidates.first(where: { $0.schema.words[1] == meant[0] }) as? any CommandDefinition {
                definition.declareAsMeant(Array(syntax.positionals.dropFirst()), &line)
            }
            return line.fail("unknown \(word) '\(sub)'\(Suggestion.hint(for: sub, in: subcommands)); expected one of: "
                             + subcommands.joined(separator: ", "), at: token.column, length: token.length)
        }
        return (match, Array(syntax.positionals.dropFirst()))
    }
}
