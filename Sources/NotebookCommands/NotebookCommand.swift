import ArgumentParser
import Foundation
import NotebookResults

/// The root command; its `main` maps errors to the documented exit codes.
public struct NotebookCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "notebook",
        abstract: "Run Markdown notebooks that train variational autoencoders and publish them as a static site.",
        subcommands: [RunCommand.self, CheckCommand.self, BuildCommand.self])

    /// Exit codes: 0 success, 1 a problem in the notebook or its run, 2 a usage problem.
    public init() {}

    public static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let failure as CommandFailure {
            FileHandle.standardError.write(Data((failure.message + "\n").utf8))
            Foundation.exit(failure.exitCode)
        } catch {
            let code = exitCode(for: error)
            if code == .success || error is CleanExit {
                exit(withError: error)
            }
            FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
            Foundation.exit(2)
        }
    }
}

/// An error already phrased for the user, with the exit code it maps to.
struct CommandFailure: Error {
    var message: String
    var exitCode: Int32

    static func notebook(_ message: String) -> CommandFailure { CommandFailure(message: message, exitCode: 1) }
    static func usage(_ message: String) -> CommandFailure { CommandFailure(message: message, exitCode: 2) }
}
