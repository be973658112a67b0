import ArgumentParser

/// The one error the commands throw: a message phrased for the user, and what kind of problem it is.
///
/// Every error that reaches the top becomes one of these (`init(converting:)`), and
/// `Kind.exitCode` is the only place a kind becomes an exit code:
///
/// | code | kind        | meaning |
/// |------|-------------|---------|
/// | 0    | —           | success, including `--help` |
/// | 1    | `.notebook` | a problem in the notebook or its run: a language error, a run that fails, drift found by `check`, a site or record that cannot be written |
/// | 2    | `.usage`    | a usage problem: a bad or missing flag, argument or value (ArgumentParser's own errors, with its message), a missing notebook file or folder, an unknown or malformed `-p`, a missing or unusable record |
/// | 70   | `.internal` | an error of any other type reached the top: a bug in notebook, reported as `error: internal error: <description>` (70 is `EX_SOFTWARE` from sysexits.h, so it is never mistaken for a usage error) |
public struct CommandFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of problem a failure is; it decides the exit code.
    public enum Kind: Sendable, Equatable {
        case notebook
        case usage
        case `internal`

        /// The exit code of this kind: the one place kinds become codes (see `CommandFailure`).
        public var exitCode: Int32 {
            switch self {
            case .notebook: 1
            case .usage: 2
            case .internal: 70
            }
        }
    }

    /// The text for standard error, already phrased for the user.
    public var message: String
    /// What kind of problem this is, which decides the exit code.
    public var kind: Kind

    /// A failure with a message already phrased for the user.
    public init(message: String, kind: Kind) {
        self.message = message
        self.kind = kind
    }

    /// The process exit code for this failure.
    public var exitCode: Int32 { kind.exitCode }

    public var description: String { message }

    /// A problem in the notebook or its run (exit 1).
    public static func notebook(_ message: String) -> CommandFailure { CommandFailure(message: message, kind: .notebook) }
    /// A usage problem (exit 2).
    public static func usage(_ message: String) -> CommandFailure { CommandFailure(message: message, kind: .usage) }

    /// Any error thrown while a command runs, as the failure it stands for.
    ///
    /// A `CommandFailure` stays as it is; an ArgumentParser `ValidationError` is a usage
    /// problem in ArgumentParser's words; anything else is a bug. (`CleanExit` is not a
    /// failure: `NotebookCommand.execute` handles it before converting.)
    public init(converting error: any Error) {
        switch error {
        case let failure as CommandFailure:
            self = failure
        case is ValidationError:
            self = .usage(NotebookCommand.fullMessage(for: error))
        default:
            self = CommandFailure(message: "error: internal error: \(String(describing: error))", kind: .internal)
        }
    }
}
