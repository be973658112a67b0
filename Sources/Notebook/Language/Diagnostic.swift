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

/// Colour for diagnostics on a terminal: `error:` in red, `warning:` in magenta and the caret
/// line in green, as clang and swiftc print them.
public enum DiagnosticColour {
    /// Whether standard error gets colour: `NO_COLOR` set to anything but the empty string turns it
    /// off (no-color.org), else `FORCE_COLOR` set to anything but empty, `0` or `false` turns it on
    /// even when standard error is not a terminal, else a terminal other than `TERM=dumb` gets it.
    public static func isEnabled(environment: [String: String], standardErrorIsTerminal: Bool) -> Bool {
        if let noColour = environment["NO_COLOR"], !noColour.isEmpty { return false }
        if let force = environment["FORCE_COLOR"], !force.isEmpty {
            return !["0", "false"].contains(force.lowercased())
        }
        return standardErrorIsTerminal && environment["TERM"] != "dumb"
    }

    static let red = "\u{1B}[1;31m", magenta = "\u{1B}[1;35m", green = "\u{1B}[1;32m", reset = "\u{1B}[0m"

    /// `text` with each line's `error:` and `warning:` label and each caret line (`^~~~`) coloured.
    public static func colour(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            if trimmed.first == "^", trimmed.allSatisfy({ $0 == "^" || $0 == "~" }) {
                return line.prefix(line.count - trimmed.count) + green + trimmed + reset
            }
            for (label, code) in [("error:", red), ("warning:", magenta)] {
                if line.hasPrefix(label) { return code + label + reset + line.dropFirst(label.count) }
                if let range = line.range(of: ": \(label) ") {
                    let start = line.index(range.lowerBound, offsetBy: 2)
                    let end = line.index(start, offsetBy: label.count)
                    return line[..<start] + code + line[start..<end] + reset + line[end...]
                }
            }
            return String(line)
        }.joined(separator: "\n")
    }
}
