import NotebookResults
import Yams

/// Reads the YAML front matter block off the top of a notebook (see `FrontMatter`) with Yams.
///
/// Decisions:
/// - Front matter is a `---` first line closed by a `---` or `...` line, as in Pandoc and
///   Quarto. A `---` followed directly by a blank line (or alone) is a thematic break, not
///   front matter. One never closed is a problem at its opening line, and the file stays prose.
/// - Yams' marks count lines from the first line after the opening `---`, columns in
///   Unicode scalars from 1; positions here are the file's (YAML line + 1).
/// - Invalid YAML, duplicate keys (which Yams refuses) and a front matter that is not a
///   mapping are problems; the Language stage reports them with its other errors.
/// - Aliases count as the nodes they repeat, and a front matter that expands to more than
///   `nodeLimit` nodes is a problem, found before any entry is read (see `expansionProblem`).
enum FrontMatterReader {
    /// The most YAML nodes a front matter may expand to, an alias counting as every node it
    /// repeats. Real front matter has tens; a "billion laughs" (nine levels of nine aliases,
    /// under 1 KB) expands to 9⁹.
    static let nodeLimit = 100_000

    /// Splits front matter off `source`. Returns nil when the file does not start with front
    /// matter; otherwise what was read and the number of lines to blank for Markdown (both
    /// fences included; 0 when it was never closed).
    static func read(_ source: String, path: String) -> (frontMatter: FrontMatter, lineCount: Int)? {
        var lines = source.split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.hasSuffix("\r") ? $0.dropLast() : $0 }
        if let first = lines.first, first.hasPrefix("\u{FEFF}") { lines[0] = first.dropFirst() }
        guard let first = lines.first, first.trailingSpacesTrimmed == "---",
              lines.count > 1, !lines[1].trailingSpacesTrimmed.isEmpty else { return nil }
        guard let closing = lines.indices.dropFirst().first(where: {
            lines[$0].trailingSpacesTrimmed == "---" || lines[$0].trailingSpacesTrimmed == "..."
        }) else {
            let problem = FrontMatter.Problem(
                message: "front matter opened here is never closed; end it with a '---' line",
                location: SourceLocation(file: path, line: 1, column: 1), length: 3)
            return (FrontMatter(entries: [], problems: [problem]), 0)
        }
        let yaml = lines[1..<closing].joined(separator: "\n")
        var reader = Reader(path: path, yamlLines: Array(lines[1..<closing]))
        do {
            if let root = try Yams.compose(yaml: yaml) {
                if let mark = expansionProblem(root) {
                    reader.problem("front matter expands to more than \(nodeLimit) YAML nodes through its aliases "
                                   + "(each '*name' repeats everything its anchor holds); write the values out", at: mark)
                } else if let mapping = root.mapping {
                    reader.walk(mapping, prefix: "")
                } else {
                    reader.problem("front matter must be 'key: value' lines", at: root.mark)
                }
            }
        } catch let error as YamlError {
            reader.report(error)
        } catch {
            reader.problem("front matter is not valid YAML: \(error)", at: nil)
        }
        return (FrontMatter(entries: reader.entries, problems: reader.problems), closing + 1)
    }

    /// Where the front matter passes `nodeLimit`: the key of the top-level entry that takes it
    /// over, or the root's mark; nil when it stays within.
    ///
    /// Yams' `compose` resolves an alias to its anchor's node, which shares the anchor's
    /// storage: the tree is small in memory but as large as its expansion to whoever walks it
    /// (the entries below, a conversion to Swift values). The count walks it the same way and
    /// stops at the limit, so it costs at most `nodeLimit` steps.
    static func expansionProblem(_ root: Node) -> Mark? {
        var count = 0
        /// False as soon as the count passes the limit.
        func visit(_ node: Node) -> Bool {
            count += 1
            guard count <= nodeLimit else { return false }
            switch node {
            case .scalar, .alias:
                return true
            case .mapping(let mapping):
                return mapping.allSatisfy { visit($0.key) && visit($0.value) }
            case .sequence(let sequence):
                return sequence.allSatisfy(visit)
            }
        }
        guard let mapping = root.mapping else { return visit(root) ? nil : root.mark }
        count = 1
        for (key, value) in mapping where !(visit(key) && visit(value)) { return key.mark ?? root.mark }
        return nil
    }

    /// Collects the entries of a parsed front matter, or its problems.
    private struct Reader {
        let path: String
        let yamlLines: [Substring]
        var entries: [FrontMatter.Entry] = []
        var problems: [FrontMatter.Problem] = []

        /// The file position of a Yams mark (the YAML starts on the file's line 2).
        func location(_ mark: Mark?) -> SourceLocation {
            guard let mark else { return SourceLocation(file: path, line: 2, column: 1) }
            return SourceLocation(file: path, line: mark.line + 1, column: mark.column)
        }

        mutating func problem(_ message: String, at mark: Mark?, length: Int = 1) {
            problems.append(FrontMatter.Problem(message: message, location: location(mark), length: length))
        }

        mutating func walk(_ mapping: Node.Mapping, prefix: String) {
            for (keyNode, valueNode) in mapping {
                guard let keyScalar = keyNode.scalar else {
                    problem("a front matter key must be a name, not a list or a mapping", at: keyNode.mark)
                    continue
                }
                let key = prefix.isEmpty ? keyScalar.string : prefix + "." + keyScalar.string
                let keyLocation = location(keyNode.mark)
                switch valueNode {
                case .scalar(let scalar):
                    entries.append(.init(key: key, value: scalar.string, keyLocation: keyLocation,
                                         valueLocation: scalar.string.isEmpty ? keyLocation : location(scalar.mark)))
                case .mapping(let nested):
                    entries.append(.init(key: key, value: "", keyLocation: keyLocation,
                                         valueLocation: location(nested.mark), shape: .mapping))
                    walk(nested, prefix: key)
                case .sequence(let sequence):
                    entries.append(.init(key: key, value: "", keyLocation: keyLocation,
                                         valueLocation: location(sequence.mark), shape: .list))
                case .alias(let alias):
                    entries.append(.init(key: key, value: "", keyLocation: keyLocation,
                                         valueLocation: location(alias.mark), shape: .scalar))
                }
            }
        }

        mutating func report(_ error: YamlError) {
            switch error {
            case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
                 .composer(let context, let problem, let mark, _):
                // libyaml's context says what it was reading, from where: "while parsing a flow sequence".
                let during = context.map { " \($0.text) that starts at \(location($0.mark).line):\($0.mark.column)" } ?? ""
                self.problem("front matter is not valid YAML: \(problem)\(during)", at: mark)
            case .duplicatedKeysInMapping(let duplicates, let context):
                let key = duplicates.first ?? ""
                let first = context.mark
                // Yams points at the first occurrence; the error belongs on the repeat.
                let repeatLine = yamlLines.indices.dropFirst(first.line).first { index in
                    let line = yamlLines[index]
                    let indent = line.prefix { $0 == " " }.count
                    let content = line.dropFirst(indent)
                    return indent == first.column - 1
                        && [key + ":", "\"\(key)\":", "'\(key)':"].contains { content.hasPrefix($0) }
                }
                problems.append(FrontMatter.Problem(
                    message: "duplicate key '\(key)' in the front matter; it is first given on line \(first.line + 1)",
                    location: SourceLocation(file: path, line: (repeatLine.map { $0 + 1 } ?? first.line) + 1,
                                             column: first.column),
                    length: key.count))
            case .reader(let problem, _, _, _):
                self.problem("front matter is not valid YAML: \(problem)", at: nil)
            default:
                self.problem("front matter is not valid YAML: \(error)", at: nil)
            }
        }
    }

    /// `source` with its first `lineCount` lines emptied: Markdown then sees blank lines, and
    /// every later line keeps its number.
    static func blankingFirstLines(_ lineCount: Int, of source: String) -> String {
        var remaining = lineCount
        var result = ""
        result.reserveCapacity(source.utf8.count)
        var index = source.startIndex
        while remaining > 0, index < source.endIndex {
            guard let newline = source[index...].firstIndex(of: "\n") else { return result }
            result += source[index..<newline].hasSuffix("\r") ? "\r\n" : "\n"
            index = source.index(after: newline)
            remaining -= 1
        }
        return result + source[index...]
    }
}

private extension Substring {
    var trailingSpacesTrimmed: Substring {
        var end = endIndex
        while end > startIndex, self[index(before: end)] == " " || self[index(before: end)] == "\t" {
            end = index(before: end)
        }
        return self[startIndex..<end]
    }
}
