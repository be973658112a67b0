import NotebookResults
/// A failure while running a valid notebook, pinned to the command that caused it.
public struct ExecutionError: Error, Sendable, Equatable, CustomStringConvertible {
    public var location: SourceLocation
    public var message: String

    public init(location: SourceLocation, message: String) {
        self.location = location
        self.message = message
    }

    /// Notebook text the message quotes (a path, a name) is shown with control characters escaped.
    public var description: String {
        let lines = message.split(separator: "\n", omittingEmptySubsequences: false).map { TerminalText.escaped($0) }
        return "\(location): error: " + lines.joined(separator: "\n")
    }
}
