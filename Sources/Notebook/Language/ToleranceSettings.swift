import NotebookResults

/// Reads the check tolerances of the front matter and of block attributes, reporting unknown options and bad values.
/// (`#| tolerance: …` cell options are read with the other cell options, in `CellOptions`.)
enum ToleranceSettings {
    /// The `check:` options of the front matter; unknown options and bad values are errors.
    static func frontMatter(of document: Document, _ log: inout DiagnosticLog) -> CheckTolerance {
        var tolerance = CheckTolerance.default
        for entry in document.frontMatter.entries {
            if entry.key == "check", entry.shape == .list || !entry.value.isEmpty {
                log.add("'check' takes its options on the lines below it, such as '  tolerance: 1e-3'"
                        + (entry.shape == .list ? ", not a list" : ""),
                        at: entry.valueLocation, length: max(1, entry.value.count))
            }
            guard entry.key.hasPrefix("check.") else { continue }
            let name = String(entry.key.dropFirst("check.".count))
            // Deeper keys belong to an option already reported as a mapping.
            guard !name.contains(".") else { continue }
            guard CheckTolerance.optionNames.contains(name) else {
                log.add("unknown check option '\(name)'\(Suggestion.hint(for: name, in: CheckTolerance.optionNames))"
                        + "; options: " + CheckTolerance.optionNames.joined(separator: ", "),
                        at: entry.keyLocation, length: name.count)
                continue
            }
            guard entry.shape == .scalar else {
                log.add("'\(name)' must be a number from 0 to 1, such as 1e-3, not \(entry.shape.noun)",
                        at: entry.valueLocation, length: 1)
                continue
            }
            if let problem = tolerance.set(name, from: entry.value) {
                log.add(problem, at: entry.valueLocation, length: max(1, entry.value.count))
            }
        }
        return tolerance
    }

    /// A block's tolerance: the notebook's, with the block's `{tolerance=…}` attributes applied.
    static func block(_ block: CodeBlock, starting tolerance: CheckTolerance, _ log: inout DiagnosticLog) -> CheckTolerance {
        var tolerance = tolerance
        let fenceLine = log.line(block.fenceLocation.line) ?? ""
        for attribute in BlockAttributes.keyValues(in: block.attributes) {
            // Point at the attribute in the fence line (the info string is on it).
            let column = fenceLine.range(of: attribute.key + "=").map {
                fenceLine.distance(from: fenceLine.startIndex, to: $0.lowerBound) + 1
            } ?? block.fenceLocation.column
            let location = SourceLocation(file: block.fenceLocation.file, line: block.fenceLocation.line, column: column)
            guard CheckTolerance.optionNames.contains(attribute.key) else {
                log.add("unknown block attribute '\(attribute.key)'"
                        + "\(Suggestion.hint(for: attribute.key, in: CheckTolerance.optionNames))"
                        + "; attributes: " + CheckTolerance.optionNames.joined(separator: ", "),
                        at: location, length: attribute.key.count)
                continue
            }
            if let problem = tolerance.set(attribute.key, from: attribute.value) {
                log.add(problem, at: location, length: attribute.key.count + 1 + attribute.value.count)
            }
        }
        return tolerance
    }
}
