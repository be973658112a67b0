import Foundation
import NotebookResults

/// Turns a parsed document into a checked program, walking its blocks and lines and reporting every error at once.
///
/// Nothing runs until the whole notebook is known to be valid: commands, options,
/// types, ranges, parameter references and the order of prerequisites (a model
/// before training, training before loss figures) are all checked here. Each command's
/// rules live in its definition (`Commands/`); this driver only walks the notebook.
public struct NotebookCompiler {
    let document: Document
    private var log: DiagnosticLog
    private var parameters: ParameterTable
    private var state = StaticState()
    /// The `# comment` after each `param` line that has one, for `notebook params`.
    private var parameterDescriptions: [String: String] = [:]
    /// The folder relative paths in the notebook are resolved against.
    private let notebookFolder: URL
    /// Where the files the notebook names may be.
    private let confinement: PathConfinement
    /// Where datasets are, when the compiler should check that they can be had.
    private let datasets: DatasetLocations?

    /// Compiles `document`, whose Markdown text was `source`, with `-p` overrides; the files
    /// it names must lie in its folder or in one of `allowedOutside` (`--allow-outside`).
    /// With `datasets`, a dataset that is not there and cannot be fetched is an error of its
    /// `data` line (MNIST is fetched now if it can be, as its run would).
    public static func compile(_ document: Document, source: String, overrides: [String: String] = [:],
                               allowedOutside: [URL] = [], datasets: DatasetLocations? = nil) throws -> NotebookProgram {
        var compiler = NotebookCompiler(document: document, source: source, overrides: overrides,
                                        allowedOutside: allowedOutside, datasets: datasets)
        return try compiler.run()
    }

    init(document: Document, source: String, overrides: [String: String], allowedOutside: [URL] = [],
         datasets: DatasetLocations? = nil) {
        self.document = document
        self.log = DiagnosticLog(source: source)
        self.parameters = ParameterTable(overrides: overrides)
        self.notebookFolder = URL(fileURLWithPath: document.path).deletingLastPathComponent()
        self.confinement = PathConfinement(notebookFolder: notebookFolder, allowedOutside: allowedOutside)
        self.datasets = datasets
    }

    mutating func run() throws -> NotebookProgram {
        for problem in document.problems {
            log.add(problem.message, at: problem.location, length: problem.length)
        }
        let notebookTolerance = ToleranceSettings.frontMatter(of: document, &log)
        FrontMatterSettings.check(document.frontMatter, parameters: &parameters, &log)
        var labels = CellOptions.Labels(headingAnchors: Set(document.headings.map(\.anchor)))
        var shown = document
        var blocks: [BlockProgram] = []
        for block in document.runnableBlocks {
            if let fence = unclosedFence(of: block) {
                // cmark runs an unclosed fence to the end of the file: its "commands" are prose.
                log.add("unclosed \(fence) fence opened at line \(block.fenceLocation.line); close it with a line of "
                        + String(fence.prefix { $0 == fence.first }) + " after its last command",
                        at: block.fenceLocation, length: fence.count)
                continue
            }
            var commands: [LocatedCommand] = []
            let lines = block.source.split(separator: "\n", omittingEmptySubsequences: false)
            for (lineOffset, line) in lines.enumerated() {
                if let command = compileLine(String(line), lineOffset: lineOffset, in: block) {
                    commands.append(command)
                }
            }
            let (cell, tolerance) = CellOptions.read(
                block, tolerance: ToleranceSettings.block(block, starting: notebookTolerance, &log), labels: &labels, &log)
            if cell != nil { shown = shown.settingCell(cell, ofBlock: block.index) }
            blocks.append(BlockProgram(blockIndex: block.index, location: block.fenceLocation, commands: commands,
                                       tolerance: tolerance))
        }
        // A `-p` value that is not of its parameter's kind is a mistake on the command line.
        if !log.overrideDiagnostics.isEmpty {
            throw ParameterOverrideError(description: NotebookErrors(log.overrideDiagnostics).description)
        }
        try parameters.checkOverridesAreDeclared(in: document.path)
        if !log.diagnostics.isEmpty { throw NotebookErrors(log.diagnostics) }
        // The program's document carries each block's cell options, for the page.
        var program = NotebookProgram(document: shown, blocks: blocks,
                                      parameters: parameters.declarations.map { ($0.name, $0.text) }, seed: state.seed ?? 0,
                                      tolerance: notebookTolerance, confinement: confinement)
        program.parameterDescriptions = parameterDescriptions
        return program
    }

    /// The opening fence as written (```` ```swift-vae ````) when `block` has no closing fence, else nil.
    ///
    /// cmark ends an unclosed block at the end of the file (or of its list item or quote); a
    /// closed one ends on the line after its content, which holds its closing fence.
    private func unclosedFence(of block: CodeBlock) -> String? {
        guard block.firstContentLine > block.fenceLocation.line,
              let opening = log.line(block.fenceLocation.line)?.dropFirst(block.fenceLocation.column - 1),
              let fenceCharacter = opening.first, fenceCharacter == "`" || fenceCharacter == "~" else { return nil }
        let fenceLength = opening.prefix { $0 == fenceCharacter }.count
        let contentLines = block.source.isEmpty ? 0 : block.source.split(separator: "\n", omittingEmptySubsequences: false).count
        if let closing = log.line(block.firstContentLine + contentLines) {
            // Container markers (list indentation, `>`) may come before the fence.
            let rest = closing.drop { $0 == " " || $0 == "\t" || $0 == ">" }
            let run = rest.prefix { $0 == fenceCharacter }.count
            if run >= fenceLength, rest.dropFirst(run).allSatisfy(\.isWhitespace) { return nil }
        }
        return String(repeating: fenceCharacter, count: fenceLength) + block.language
    }

    /// The command on one line of `block`, or nil for a blank line or after reporting its problems.
    private mutating func compileLine(_ text: String, lineOffset: Int, in block: CodeBlock) -> LocatedCommand? {
        let syntax: CommandSyntax
        do {
            let tokens = try Lexer.tokens(in: text)
            if tokens.isEmpty { return nil }
            syntax = try SyntaxParser.parse(tokens)
        } catch {
            log.add(error.message, at: block.location(ofLine: lineOffset, column: error.column), length: error.length)
            return nil
        }
        state.line = block.location(ofLine: lineOffset, column: 1).line
        var line = LineContext(syntax: syntax, location: block.location(ofLine: lineOffset, column: syntax.name.column),
                               notebookFolder: notebookFolder, confinement: confinement, datasets: datasets,
                               state: state, parameters: parameters)
        let command = CommandRegistry.command(named: syntax, &line).flatMap { $0.command.compile($0.positionals, &line) }
        state = line.state
        parameters = line.parameters
        for problem in line.problems {
            log.add(problem.message, at: block.location(ofLine: lineOffset, column: problem.column), length: problem.length,
                    isOverride: problem.isOverride)
        }
        guard let command else { return nil }
        if let parameter = command as? ParameterCommand, let comment = Lexer.comment(in: text) {
            parameterDescriptions[parameter.name] = comment
        }
        let written = String(text.prefix(syntax.endColumn)).trimmingSpaces
        // Every definition sets the canonical form; the text as written is the safe fallback.
        return LocatedCommand(command: command, location: block.location(ofLine: lineOffset, column: syntax.name.column),
                              text: written, canonicalForm: line.canonical ?? CanonicalCommand(name: written, arguments: []))
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
