import NotebookResults

/// Reads the YAML front matter block off the top of a notebook (see `FrontMatter`).
enum FrontMatterReader {
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

        var entries: [FrontMatter.Entry] = []
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
            entries.append(FrontMatter.Entry(key: fullKey, value: value, keyLocation: keyLocation,
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
