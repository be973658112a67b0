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

    /// `file.md:LINE:COL: error: message`, the way compilers print it; control characters the
    /// message quotes from the notebook are escaped, and a message longer than
    /// `longestMessage` characters (one quoting a huge word) is cut with `…`.
    ///
    /// A message of several lines (a failed download lists its tries, then its advice) has
    /// its first line here and the others in `notes`.
    public var headline: String {
        let first = message.prefix { $0 != "\n" }
        let shown = first.count > Self.longestMessage ? first.prefix(Self.longestMessage) + "…" : first
        return "\(location): error: \(TerminalText.escaped(shown))"
    }

    /// The lines of the message after its first, shown under the caret, control characters
    /// escaped; like the headline, at most `longestMessage` characters of them.
    public var notes: [String] {
        var left = Self.longestMessage
        var shown: [String] = []
        for line in message.split(separator: "\n", omittingEmptySubsequences: false).dropFirst() {
            guard left > 0 else { return shown + ["…"] }
            shown.append(TerminalText.escaped(line.prefix(left)) + (line.count > left ? "…" : ""))
            left -= line.count
        }
        return shown
    }

    /// The most characters of a message shown.
    public static let longestMessage = 1_000
    /// The most characters of a source line echoed under a headline: a window around the caret.
    public static let sourceWindow = 200

    /// The headline, then the source line and a caret under the offending text.
    ///
    /// A line longer than `sourceWindow` characters is shown as a window around the caret,
    /// its cut ends marked `…`; control characters are shown escaped (`\u{1B}`), and the
    /// caret is placed under the escaped text.
    public var description: String {
        guard let sourceLine else { return ([headline] + notes).joined(separator: "\n") }
        let (shown, caretColumn, caretLength) = Self.window(of: sourceLine, column: location.column, length: length)
        // Keep tabs in the indentation so the caret lines up in a terminal.
        let prefix = shown.prefix(caretColumn).map { $0 == "\t" ? "\t" : " " }.joined()
        let underline = "^" + String(repeating: "~", count: max(0, caretLength - 1))
        return (["\(headline)\n  \(shown)\n  \(prefix)\(underline)"] + notes).joined(separator: "\n")
    }

    /// The part of `line` shown for a caret at 1-based `column` spanning `length` characters:
    /// the escaped text, and the caret's 0-based column and length in it.
    static func window(of line: String, column: Int, length: Int) -> (text: String, caretColumn: Int, caretLength: Int) {
        let characters = Array(line)
        let caretStart = min(max(0, column - 1), characters.count)
        let caretEnd = min(max(caretStart + 1, caretStart + length), max(characters.count, caretStart + 1))
        var start = 0, end = characters.count
        if characters.count > sourceWindow {
            // The caret a little left of the middle: what follows the mistake tells as much as what precedes it.
            start = max(0, caretStart - sourceWindow * 2 / 5)
            end = min(characters.count, start + sourceWindow)
            start = max(0, end - sourceWindow)
        }
        var text = start > 0 ? "…" : ""
        var caretColumn = start > 0 ? 1 : 0
        var caretLength = 0
        for index in start..<end {
            let shown = TerminalText.escaped(String(characters[index]))
            if index < caretStart {
                // A tab stays one character (the caret line repeats it); an escape is as wide as its text.
                caretColumn += shown == "\t" ? 1 : shown.count
            } else if index < caretEnd {
                caretLength += shown.count
            }
            text += shown
        }
        if end < characters.count { text += "…" }
        return (text, caretColumn, max(1, caretLength))
    }
}

/// Every problem of a notebook, reported at once before anything runs.
///
/// The compiler collects them all, but the report shows at most `shownLimit`: a notebook
/// that is not one at all (a binary file, a generated line of thousands of mistakes) would
/// otherwise bury the first error, the one to fix, under megabytes of text.
public struct NotebookErrors: Error, Sendable, Equatable, CustomStringConvertible {
    public var diagnostics: [Diagnostic]

    /// The most diagnostics a report shows.
    public static let shownLimit = 50

    public init(_ diagnostics: [Diagnostic]) {
        self.diagnostics = diagnostics.sorted { $0.location < $1.location }
    }

    public var description: String {
        let count = diagnostics.count
        var lines = diagnostics.prefix(Self.shownLimit).map(\.description)
        if count > Self.shownLimit {
            let more = count - Self.shownLimit
            lines.append("… and \(Self.grouped(more)) more error\(more == 1 ? "" : "s") (fix these and run again)")
        }
        let file = diagnostics.first.map { TerminalText.escaped($0.location.file) } ?? "notebook"
        lines.append("\(Self.grouped(count)) error\(count == 1 ? "" : "s") in \(file)")
        return lines.joined(separator: "\n")
    }

    /// `7950` → `7,950`.
    static func grouped(_ number: Int) -> String {
        let digits = String(number.magnitude)
        var result = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { result += "," }
            result.append(digit)
        }
        return (number < 0 ? "-" : "") + result
    }
}

/// The diagnostics found so far, each with the Markdown line it points into.
///
/// Diagnostics carry their source line so the caret display needs no file later.
struct DiagnosticLog {
    private let fileLines: [Substring]
    private(set) var diagnostics: [Diagnostic] = []
    /// Problems of the command line's `-p` values, shown at the declaration they override:
    /// a usage error (exit 2), reported before the notebook's own.
    private(set) var overrideDiagnostics: [Diagnostic] = []

    /// A log for the notebook whose Markdown text is `source`.
    init(source: String) {
        fileLines = source.split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.hasSuffix("\r") ? $0.dropLast() : $0 }
    }

    /// The lines diagnostics were placed on, made into strings once: every diagnostic of a
    /// line shares one copy (8,000 errors on a 72 KB line are 72 KB, not 576 MB).
    private var sharedLines: [Int: String] = [:]

    /// The text of the file's 1-based line `number`, or nil past its end.
    func line(_ number: Int) -> String? {
        let index = number - 1
        return index >= 0 && index < fileLines.count ? String(fileLines[index]) : nil
    }

    /// `line(number)`, one shared copy per line.
    private mutating func sharedLine(_ number: Int) -> String? {
        if let known = sharedLines[number] { return known }
        let text = line(number)
        sharedLines[number] = text
        return text
    }

    /// Records `message` at `location`, underlining `length` characters.
    mutating func add(_ message: String, at location: SourceLocation, length: Int, isOverride: Bool = false) {
        let diagnostic = Diagnostic(location: location, message: message, length: length, sourceLine: sharedLine(location.line))
        if isOverride { overrideDiagnostics.append(diagnostic) } else { diagnostics.append(diagnostic) }
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
