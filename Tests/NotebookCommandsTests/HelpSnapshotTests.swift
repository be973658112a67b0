import ArgumentParser
import NotebookCommands
import Testing

/// The full `--help` text of every command, against `Snapshots/*.txt`.
///
/// Rendered at a fixed 80 columns so the text does not depend on the terminal.
/// Re-record with `RECORD_SNAPSHOTS=1` when a change to the help is intended.
@Suite struct HelpSnapshotTests {
    static let columns = 80

    /// The help of `command` as the snapshots hold it.
    static func help(_ command: any ParsableCommand.Type) -> String {
        NotebookCommand.helpMessage(for: command, columns: columns) + "\n"
    }

    @Test func notebookHelp() { expectSnapshot(Self.help(NotebookCommand.self), named: "help-notebook.txt") }
    @Test func runHelp() { expectSnapshot(Self.help(RunCommand.self), named: "help-run.txt") }
    @Test func checkHelp() { expectSnapshot(Self.help(CheckCommand.self), named: "help-check.txt") }
    @Test func buildHelp() { expectSnapshot(Self.help(BuildCommand.self), named: "help-build.txt") }
    @Test func cleanHelp() { expectSnapshot(Self.help(CleanCommand.self), named: "help-clean.txt") }
    @Test func previewHelp() { expectSnapshot(Self.help(PreviewCommand.self), named: "help-preview.txt") }
    @Test func paramsHelp() { expectSnapshot(Self.help(ParamsCommand.self), named: "help-params.txt") }

    /// `--help` (and no arguments at all) through `execute`: the same text on standard output, exit 0.
    @Test(arguments: [
        ([String](), "help-notebook.txt"), (["--help"], "help-notebook.txt"), (["run", "--help"], "help-run.txt"),
        (["check", "-h"], "help-check.txt"), (["help", "build"], "help-build.txt"),
    ])
    func helpThroughExecute(arguments: [String], snapshot: String) throws {
        let outcome = NotebookCommand.execute(arguments)
        #expect(outcome.exitCode == 0)
        #expect(outcome.message == "")
        // The terminal's width may differ from the snapshot's, so compare the words only.
        let expected = try String(contentsOf: snapshotDirectory.appendingPathComponent(snapshot), encoding: .utf8)
        #expect(outcome.output.split(whereSeparator: \.isWhitespace) == expected.split(whereSeparator: \.isWhitespace))
    }
}
