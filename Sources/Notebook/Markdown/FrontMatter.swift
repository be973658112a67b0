/// The YAML front matter block at the top of a notebook, as Quarto, Jekyll and Pandoc read it:
///
/// ```
/// ---
/// title: A first VAE
/// check:
///   tolerance: 1e-3
/// ---
/// ```
///
/// Only the subset notebooks need is read: `key: value` lines, nested one level deeper by
/// indentation, and comments. Keys are kept with their dotted path (`check.tolerance`) and
/// the position of the value, so the Language stage can check them and point at a bad one.
/// Keys this tool does not use (`title`, `author`, …) are kept and ignored.
public struct FrontMatter: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        /// Dotted key path, e.g. `check.tolerance`.
        public var key: String
        /// The scalar value with surrounding quotes removed; empty for a parent key.
        public var value: String
        /// Where the key starts.
        public var keyLocation: SourceLocation
        /// Where the value starts (the key's location when there is no value).
        public var valueLocation: SourceLocation
    }

    /// The `key: value` lines; other lines (list items, block scalars) are skipped, since
    /// only keys this tool reads are checked.
    public var entries: [Entry]

    public static let empty = FrontMatter(entries: [])

    public func value(_ key: String) -> Entry? { entries.last { $0.key == key } }

    /// Splits front matter off `source`. Returns nil when the file does not start with a
    /// `---` line closed by a `---` or `...` line; otherwise the front matter and the
    /// number of lines it spans (including both fences).
    static func read(_ source: String, path: String) -> (frontMatter: FrontMatter, lineCount: Int)? {
        var lines = source.split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.hasSuffix("\r") ? $0.dropLast() : $0 }
        if let first = lines.first, first.hasPrefix("\u{FEFF}") { lines[0] = first.dropFirst() }
        guard let first = lines.first, first.trailingSpacesTrimmed == "---" else { return nil }
        guard let closing = lines.indices.dropFirst().first(where: {
            lines[$0].trailingSpacesTrimmed == "---" || lines[$0].trailingSpacesTrimmed == "..."
        }) else { return nil }
        // A `---` followed directly by a blank line is a thematic break, not front matter.
        if closing > 1, lines[1].trailingSpacesTrimmed.isEmpty { return nil }

        var entries: [Entry] = []
        var parent: (key: String, indent: Int)?
        for index in 1..<closing {
            let line = lines[index]
            let lineNumber = index + 1
            let indent = line.prefix { $0 == " " }.count
            let content = line.dropFirst(indent)
            if content.isEmpty || content.hasPrefix("#") { continue }
            guard let colon = content.firstIndex(of: ":"), colon != content.startIndex,
                  !content[..<colon].contains(" ") else { continue }
            let key = String(content[..<colon])
            var rest = content[content.index(after: colon)...]
            let leading = rest.prefix { $0 == " " || $0 == "\t" }.count
            rest = rest.dropFirst(leading)
            let valueColumn = indent + content.distance(from: content.startIndex, to: colon) + 2 + leading
            var value = String(rest.withoutComment.trailingSpacesTrimmed)
            if value.count >= 2, let quote = value.first, quote == "\"" || quote == "'", value.last == quote {
                value = String(value.dropFirst().dropLast())
            }
            let fullKey: String
            if indent == 0 {
                fullKey = key
                parent = value.isEmpty ? (key, 0) : nil
            } else if let parentKey = parent {
                fullKey = parentKey.key + "." + key
            } else {
                continue
            }
            let keyLocation = SourceLocation(file: path, line: lineNumber, column: indent + 1)
            entries.append(Entry(key: fullKey, value: value, keyLocation: keyLocation,
                                 valueLocation: value.isEmpty ? keyLocation
                                     : SourceLocation(file: path, line: lineNumber, column: valueColumn)))
        }
        return (FrontMatter(entries: entries), closing + 1)
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

    /// The text before a ` #` comment (a `#` inside quotes is kept).
    var withoutComment: Substring {
        var quote: Character?
        var previous: Character = " "
        for position in indices {
            let character = self[position]
            if let open = quote {
                if character == open { quote = nil }
            } else if character == "\"" || character == "'" {
                quote = character
            } else if character == "#", previous == " " || previous == "\t" {
                return self[startIndex..<position]
            }
            previous = character
        }
        return self
    }
}
