import ArgumentParser
import Foundation
import Notebook

/// The root command: `notebook run|check|build`; `execute` runs one command line in process.
public struct NotebookCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "notebook",
        abstract: "Run Markdown notebooks that train variational autoencoders and publish them as a static site.",
        subcommands: [RunCommand.self, CheckCommand.self, BuildCommand.self, ParamsCommand.self, PreviewCommand.self,
                      CleanCommand.self])

    public init() {}

    // Not `CommandConfiguration(version:)`, which would list `--version` in every
    // subcommand's help too.
    @Flag(name: .customLong("version"), help: "Show the versions of notebook, its engine, cmark and OpenBLAS.")
    public var showsVersion = false

    /// The version of `notebook` itself (the command line and the site it writes).
    public static let toolVersion = "0.6.0"

    /// What `notebook --version` prints: the tool's version on the first line, then the
    /// engine's, cmark's and OpenBLAS' (as loaded), as a bug report wants them.
    public static var versionText: String {
        """
        notebook \(toolVersion)
        engine \(ComponentVersions.engine)
        cmark \(ComponentVersions.cmark)
        OpenBLAS \(ComponentVersions.blas) (kernels for \(ComponentVersions.blasCore))
        """
    }

    /// The subcommands' names, for suggestions.
    static var subcommandNames: [String] {
        configuration.subcommands.compactMap { $0.configuration.commandName } + ["help"]
    }

    /// What one command line came to: its exit code and the text to print at the end.
    ///
    /// Progress is written to standard error while a command runs; these are only the
    /// final words, which `main()` prints and tests read.
    public struct Outcome: Sendable, Equatable {
        /// 0, or the failure's `CommandFailure.Kind.exitCode`.
        public var exitCode: Int32
        /// For standard output: help text, or a command's report (`check passed: …`).
        public var output: String
        /// For standard error: the failure's message.
        public var message: String

        public init(exitCode: Int32, output: String, message: String) {
            self.exitCode = exitCode
            self.output = output
            self.message = message
        }
    }

    /// Parses and runs `arguments` (without the program name) and returns the outcome
    /// instead of exiting, so tests call the commands in process.
    ///
    /// Errors from ArgumentParser (parsing, and its own `help` subcommand) are help (exit 0,
    /// on standard output) or a usage error in its own words (exit 2). Errors thrown by
    /// a subcommand's work go through `CommandFailure(converting:)`.
    public static func execute(_ arguments: [String]) -> Outcome {
        if let unknown = unknownSubcommand(in: arguments) { return failed(unknown) }
        var command: any ParsableCommand
        do {
            command = try parseAsRoot(arguments)
        } catch {
            return parserOutcome(error)
        }
        if let subcommand = command as? any ReportingCommand {
            return outcome { try subcommand.execute() }
        }
        if let root = command as? NotebookCommand, root.showsVersion {
            return Outcome(exitCode: 0, output: versionText, message: "")
        }
        // The root without a subcommand, or `notebook help run`: they only throw help requests.
        do {
            try command.run()
            return Outcome(exitCode: 0, output: "", message: "")
        } catch {
            return parserOutcome(error)
        }
    }

    /// A first argument that is a word but no subcommand's name (`notebook rnu x.md`), as a
    /// usage error with the closest name. The root takes no arguments of its own, so any
    /// word there is meant as a subcommand.
    static func unknownSubcommand(in arguments: [String]) -> CommandFailure? {
        guard let first = arguments.first, !first.hasPrefix("-"), !subcommandNames.contains(first) else { return nil }
        var message = "error: unknown command '\(first)'"
        message += Suggestion.hint(for: first, in: subcommandNames)
        message += "\nThe commands are: " + subcommandNames.filter { $0 != "help" }.joined(separator: ", ")
            + ". See 'notebook --help'."
        return .usage(message)
    }

    /// An error of ArgumentParser's: a help request, or a usage error with its message.
    private static func parserOutcome(_ error: any Error) -> Outcome {
        if exitCode(for: error) == .success {
            return Outcome(exitCode: 0, output: fullMessage(for: error), message: "")
        }
        return failed(.usage(fullMessage(for: error)))
    }

    /// The outcome of a parsed command's work: its report, `CleanExit` (help) as success,
    /// or whatever it throws through `CommandFailure(converting:)`.
    public static func outcome(of work: () throws -> String?) -> Outcome {
        do {
            return Outcome(exitCode: 0, output: try work() ?? "", message: "")
        } catch let exit as CleanExit {
            return Outcome(exitCode: 0, output: fullMessage(for: exit), message: "")
        } catch {
            return failed(CommandFailure(converting: error))
        }
    }

    /// Runs the process's command line, prints the outcome and exits with its code.
    public static func main() {
        let outcome = execute(Array(CommandLine.arguments.dropFirst()))
        if !outcome.output.isEmpty {
            FileHandle.standardOutput.write(Data((outcome.output + "\n").utf8))
        }
        if !outcome.message.isEmpty {
            let colour = DiagnosticColour.isEnabled(environment: ProcessInfo.processInfo.environment,
                                                    standardErrorIsTerminal: isatty(STDERR_FILENO) == 1)
            let message = colour ? DiagnosticColour.colour(outcome.message) : outcome.message
            FileHandle.standardError.write(Data((message + "\n").utf8))
        }
        Foundation.exit(outcome.exitCode)
    }

    private static func failed(_ failure: CommandFailure) -> Outcome {
        Outcome(exitCode: failure.exitCode, output: "", message: failure.message)
    }
}

/// A subcommand whose final words are returned rather than printed, so `execute` can hand them back.
public protocol ReportingCommand: ParsableCommand {
    /// Does the command's work; returns the text for standard output, if any.
    func execute() throws -> String?
}

extension ReportingCommand {
    /// What ArgumentParser calls when the command is run on its own: `execute`, printed.
    public func run() throws {
        if let report = try execute() { print(report) }
    }
}
