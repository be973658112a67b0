import Foundation
import NotebookResults

/// A problem in one command line, at a 0-based column of the block line.
struct LineProblem: Error, Equatable {
    var message: String
    var column: Int
    /// How many characters the caret underline spans.
    var length: Int
    /// Whether the problem is a `-p` value, so the command line is wrong, not the notebook.
    var isOverride = false

    init(_ message: String, column: Int, length: Int = 1, isOverride: Bool = false) {
        self.message = message
        self.column = column
        self.length = length
        self.isOverride = isOverride
    }
}

/// One command line as it is compiled: its syntax, what earlier lines made known, and the problems found in it.
///
/// Commands change `state` and `parameters` here; the compiler takes them back after the
/// line and turns `problems` into diagnostics placed in the Markdown file.
struct LineContext {
    let syntax: CommandSyntax
    /// Where the command's name is in the Markdown file, for messages that point back to it.
    let location: SourceLocation
    /// The folder relative paths in the notebook are resolved against.
    let notebookFolder: URL
    /// Where the files a command names may be (`PathConfinement`).
    let confinement: PathConfinement
    /// Where datasets are, to check that a `data` line's is on this machine (or can be
    /// fetched) before anything trains; nil leaves that to the run.
    let datasets: DatasetLocations?
    var state: StaticState
    var parameters: ParameterTable
    private(set) var problems: [LineProblem] = []
    /// The compiled command's canonical form, set by the definition that compiles it.
    var canonical: CanonicalCommand?

    init(syntax: CommandSyntax, location: SourceLocation, notebookFolder: URL,
         confinement: PathConfinement? = nil, datasets: DatasetLocations? = nil, state: StaticState,
         parameters: ParameterTable) {
        self.syntax = syntax
        self.location = location
        self.notebookFolder = notebookFolder
        self.confinement = confinement ?? PathConfinement(notebookFolder: notebookFolder)
        self.datasets = datasets
        self.state = state
        self.parameters = parameters
    }

    mutating func report(_ problem: LineProblem) {
        problems.append(problem)
    }

    /// Reports `message` at `column`; returns nil so a builder can `return line.fail(…)`.
    mutating func fail<Value>(_ message: String, at column: Int, length: Int = 1) -> Value? {
        report(LineProblem(message, column: column, length: length))
        return nil
    }

    /// Reports `message` under an argument as written on the line.
    mutating func fail<Value>(_ message: String, at span: CheckedArguments.Span) -> Value? {
        fail(message, at: span.column, length: span.length)
    }

    /// Reports a problem of the whole command, underlined from its name to its last token.
    mutating func failCommand<Value>(_ message: String) -> Value? {
        reportCommand(message)
        return nil
    }

    /// Reports a problem of the whole command, underlined from its name to its last token,
    /// for a command that is built all the same.
    mutating func reportCommand(_ message: String) {
        report(LineProblem(message, column: syntax.name.column, length: syntax.endColumn - syntax.name.column))
    }
}
