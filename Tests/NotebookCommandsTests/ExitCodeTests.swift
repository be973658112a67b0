import ArgumentParser
import Foundation
import NotebookCommands
import Testing

/// The one mapping from errors to exit codes: `CommandFailure`.
@Suite struct ExitCodeTests {
    struct UnexpectedError: Error, CustomStringConvertible {
        var description: String { "the disk sang" }
    }

    @Test func eachKindHasItsCode() {
        #expect(CommandFailure.Kind.notebook.exitCode == 1)
        #expect(CommandFailure.Kind.usage.exitCode == 2)
        #expect(CommandFailure.Kind.internal.exitCode == 70)
        #expect(CommandFailure.notebook("x").exitCode == 1)
        #expect(CommandFailure.usage("x").exitCode == 2)
    }

    @Test func aCommandFailureStaysAsItIs() {
        let failure = CommandFailure.notebook("vae.md:3:1: error: unknown command 'tabel'")
        #expect(CommandFailure(converting: failure) == failure)
    }

    @Test func aValidationErrorIsAUsageError() {
        let failure = CommandFailure(converting: ValidationError("--threads must be between 1 and 64, got 0"))
        #expect(failure.kind == .usage)
        #expect(failure.message.hasPrefix("Error: --threads must be between 1 and 64, got 0"))
    }

    @Test func anyOtherErrorIsAnInternalErrorNotAUsageError() {
        let failure = CommandFailure(converting: UnexpectedError())
        #expect(failure.kind == .internal)
        #expect(failure.exitCode == 70)
        #expect(failure.message == "error: internal error: the disk sang")
        let cocoa = CommandFailure(converting: CocoaError(.fileWriteUnknown))
        #expect(cocoa.exitCode == 70 && cocoa.message.hasPrefix("error: internal error: "))
    }

    @Test func workBecomesAnOutcome() {
        #expect(NotebookCommand.outcome { "check passed" } == .init(exitCode: 0, output: "check passed", message: ""))
        #expect(NotebookCommand.outcome { nil } == .init(exitCode: 0, output: "", message: ""))
        #expect(NotebookCommand.outcome { throw CommandFailure.notebook("drift") }
                == .init(exitCode: 1, output: "", message: "drift"))
        #expect(NotebookCommand.outcome { throw CommandFailure.usage("no record") }
                == .init(exitCode: 2, output: "", message: "no record"))
        #expect(NotebookCommand.outcome { throw UnexpectedError() }
                == .init(exitCode: 70, output: "", message: "error: internal error: the disk sang"))
        let help = NotebookCommand.outcome { throw CleanExit.helpRequest(RunCommand.self) }
        #expect(help.exitCode == 0 && help.output.hasPrefix("OVERVIEW: Run a notebook"))
    }

    /// ArgumentParser's own errors keep its message and exit 2.
    @Test(arguments: [
        // (A word where a subcommand belongs is `QuartoJupyterHabitsTests`' unknown command.)
        (["--bogus"], "Error: Unknown option '--bogus'"),
        (["run"], "Error: Missing expected argument '<notebook>'"),
        (["run", "a.md", "--bogus"], "Error: Unknown option '--bogus'"),
        (["check", "a.md", "--threads", "many"], "Error: The value 'many' is invalid for '--threads <threads>'"),
    ])
    func parserErrorsAreUsageErrors(arguments: [String], firstLine: String) {
        let outcome = NotebookCommand.execute(arguments)
        #expect(outcome.exitCode == 2)
        #expect(outcome.message.hasPrefix(firstLine), "\(outcome.message)")
        #expect(outcome.message.contains("--help' for more information"))
    }
}
