import NotebookResults
/// One problem found in a notebook, with where it is and how to fix it.
public struct Diagnostic: Error, Sendable, Equatable, CustomStringConvertible {
    public var location: SourceLocation
    public var message: String
    /// How many characters the caret underline spans (at least 1).
    public var length: Int
    /// The full line of the Markdown file the location points into, for the caret display.
    public var sourceLine: String?

    public init(location: SourceLocation, message: String, length: Int = 1, sourceLine: String? = nil) {
        self.location = location
        self.message = message
        self.length = max(1, length)
        self.sourceLine = sourceLine
    }

    /// `file.md:LINE:COL: error: message`, the way compilers print it.
    public var headline: String { "\(location): error: \(message)" }

    /// The headline, then the source line and a caret under the offending text.
    public var description: String {
        guard let sourceLine else { return headline }
        // Keep tabs in the indentation so the caret lines up in a terminal.
        let prefix = sourceLine.prefix(max(0, location.column - 1)).map { $0 == "\t" ? "\t" : " " }.joined()
        let underline = "^" + String(repeating: "~", count: length - 1)
        return "\(headline)\n  \(sourceLine)\n  \(prefix)\(underline)"
    }
}

/// Every problem of a notebook, reported at once before anything runs.
public struct NotebookErrors: Error, Sendable, Equatable, CustomStringConvertible {
    public var diagnostics: [Diagnostic]

    public init(_ diagnostics: [Diagnostic]) {
        self.diagnostics = diagnostics.sorted { $0.location < $1.location }
    }

    public var description: String {
        let count = diagnostics.count
        let summary = "\(count) error\(count == 1 ? "" : "s") in \(diagnostics.first?.location.file ?? "notebook")"
        return (diagnostics.map(\.description) + [summary]).joined(separator: "\n")
    }
}

/// The diagnostics found so far, each with the Markdown line it points into.
///
/// Diagnostics carry their source line so the caret display needs no file later.
struct DiagnosticLog {
    private let fileLines: [Substring]
    private(set) var diagnostics: [Diagnostic] = []

    /// A log for the notebook whose Markdown text is `source`.
    init(source: String) {
        fileLines = source.split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.hasSuffix("\r") ? $0.dropLast() : $0 }
    }

    /// The text of the file's 1-based line `number`, or nil past its end.
    func line(_ number: Int) -> String? {
        let index = number - 1
        return index >= 0 && index < fileLines.count ? String(fileLines[index]) : nil
    }

    /// Records `message` at `location`, underlining `length` characters.
    mutating func add(_ message: String, at location: SourceLocation, length: Int) {
        diagnostics.append(Diagnostic(location: location, message: message, length: length, sourceLine: line(location.line)))
    }
}
