import NotebookResults

/// Quarto's cell options: `#| key: value` lines at the top of a runnable block.
///
/// ````
/// ```{swift-vae}
/// #| label: training
/// #| echo: false
/// #| tolerance: 1e-2
/// train epochs=10
/// ```
/// ````
///
/// `#` starts a comment in the language, so the command parser already skips these lines;
/// this reads them. Options are the block's first lines only; a `#|` line after them is an
/// error, since Quarto would not read it either. A value may be quoted and followed by a
/// ` # comment`.
enum CellOptions {
    /// One option: its name, the values it accepts (for the reference) and what it does.
    struct Option {
        var name: String
        var accepts: String
        var summary: String
    }

    static let options: [Option] = [
        Option(name: "echo", accepts: "`true` or `false`",
               summary: "`false` hides the block's code on the page; its outputs are shown."),
        Option(name: "output", accepts: "`true` or `false`",
               summary: "`false` hides the block's outputs on the page; they are still run, recorded and checked."),
        Option(name: "label", accepts: NameRule.description,
               summary: "The cell's `id` on the page, so `#name` links to it, and the first part of its exported "
                   + "figures' file names (`name-loss-per-epoch.svg`); unique in the notebook."),
        Option(name: "tolerance", accepts: "a number from 0 to 1",
               summary: "The block's relative tolerance for `notebook check`, as `{tolerance=…}` sets it."),
        Option(name: "pixel-tolerance", accepts: "a number from 0 to 1",
               summary: "The block's tolerance for image intensities, as `{pixel-tolerance=…}` sets it."),
    ]

    static var names: [String] { options.map(\.name) }

    /// The labels given so far, with where, to keep them unique in the notebook.
    struct Labels {
        var seen: [String: SourceLocation] = [:]
        /// The anchors of the document's headings, which a label must not take.
        var headingAnchors: Set<String> = []
    }

    /// Reads `block`'s options: how the page shows it (nil without options) and its
    /// tolerance, `tolerance` with the options applied. Problems go to `log`.
    static func read(_ block: CodeBlock, tolerance: CheckTolerance, labels: inout Labels,
                     _ log: inout DiagnosticLog) -> (cell: CellDisplay?, tolerance: CheckTolerance) {
        var tolerance = tolerance
        var display = CellDisplay()
        var given: Set<String> = []
        var inOptions = true
        let lines = block.source.split(separator: "\n", omittingEmptySubsequences: false)
        for (offset, line) in lines.enumerated() {
            let indent = line.prefix { $0 == " " || $0 == "\t" }.count
            let content = line.dropFirst(indent)
            guard content.hasPrefix("#|") else {
                inOptions = false
                continue
            }
            let location = { (column: Int) in block.location(ofLine: offset, column: column) }
            guard inOptions else {
                log.add("cell options ('#| key: value') must be the block's first lines, before any command",
                        at: location(indent), length: 2)
                continue
            }
            display.optionLineCount = offset + 1
            // `#| key: value`: columns are 0-based offsets in the block line.
            let afterBar = content.dropFirst(2)
            let keyStart = indent + 2 + afterBar.prefix { $0 == " " || $0 == "\t" }.count
            let body = line.dropFirst(keyStart)
            guard let colon = body.firstIndex(of: ":"), colon != body.startIndex else {
                log.add("expected a cell option as '#| key: value', such as '#| echo: false'",
                        at: location(keyStart), length: max(1, body.count))
                continue
            }
            let key = String(body[..<colon]).trimmingTrailingSpaces
            var rest = body[body.index(after: colon)...]
            let valueStart = keyStart + body.distance(from: body.startIndex, to: colon) + 1
                + rest.prefix { $0 == " " || $0 == "\t" }.count
            rest = rest.drop { $0 == " " || $0 == "\t" }
            let value = Self.scalar(rest)
            let valueLength = max(1, value.written.count)
            guard names.contains(key) else {
                log.add("unknown cell option '\(key)'\(Suggestion.hint(for: key, in: names)); options: "
                        + names.joined(separator: ", "), at: location(keyStart), length: max(1, key.count))
                continue
            }
            guard given.insert(key).inserted else {
                log.add("cell option '\(key)' is given twice", at: location(keyStart), length: key.count)
                continue
            }
            switch key {
            case "echo", "output":
                guard let flag = ["true": true, "false": false][value.text] else {
                    log.add("'\(key)' must be true or false, found '\(value.text)'", at: location(valueStart), length: valueLength)
                    continue
                }
                if key == "echo" { display.echo = flag } else { display.output = flag }
            case "label":
                guard NameRule.isName(value.text) else {
                    log.add("'label' must be \(NameRule.description), found '\(value.text)'",
                            at: location(valueStart), length: valueLength)
                    continue
                }
                if let earlier = labels.seen[value.text] {
                    log.add("label '\(value.text)' is already used by the block at line \(earlier.line); labels are unique",
                            at: location(valueStart), length: valueLength)
                    continue
                }
                if labels.headingAnchors.contains(value.text) {
                    log.add("label '\(value.text)' is already the id of a heading; choose another",
                            at: location(valueStart), length: valueLength)
                    continue
                }
                labels.seen[value.text] = block.fenceLocation
                display.label = value.text
            default:
                if let problem = tolerance.set(key, from: value.text) {
                    log.add(problem, at: location(valueStart), length: valueLength)
                }
            }
        }
        return (display.optionLineCount > 0 ? display : nil, tolerance)
    }

    /// A YAML-like scalar: quoted (quotes removed, a ` #` after it ignored) or plain (up to a ` #` comment).
    private static func scalar(_ text: Substring) -> (text: String, written: Substring) {
        if let quote = text.first, quote == "\"" || quote == "'" {
            let inner = text.dropFirst()
            if let end = inner.firstIndex(of: quote) {
                return (String(inner[..<end]), text[...end])
            }
        }
        var end = text.endIndex
        var previous: Character = " "
        for index in text.indices {
            if text[index] == "#", previous == " " || previous == "\t" {
                end = index
                break
            }
            previous = text[index]
        }
        let written = Substring(String(text[..<end]).trimmingTrailingSpaces)
        return (String(written), written)
    }
}

private extension String {
    var trimmingTrailingSpaces: String {
        var text = Substring(self)
        while text.last == " " || text.last == "\t" { text.removeLast() }
        return String(text)
    }
}
