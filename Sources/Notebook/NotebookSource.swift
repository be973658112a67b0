import NotebookResults
import Foundation

/// A notebook file that could not be read.
public struct NotebookFileError: Error, Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var reason: String
    public var description: String { "\(path): error: \(reason)" }
}

/// Reads a notebook file and runs the Markdown and Language stages on it.
public enum NotebookSource {
    /// The file's text; a missing file, a folder or invalid UTF-8 is a clear error.
    public static func read(_ path: String) throws -> String {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw NotebookFileError(path: path, reason: "no such file")
        }
        guard !isDirectory.boolValue else {
            throw NotebookFileError(path: path, reason: "is a folder; give a Markdown file such as notebooks/vae.md")
        }
        let data: Data
        do {
            data = try RegularFileReader.read(path)
        } catch {
            // "it is a FIFO (named pipe), not a regular file" reads as "is a FIFO …" after the path.
            let reason = error.reason.hasPrefix("it is ") ? String(error.reason.dropFirst(3)) : "cannot be read: \(error.reason)"
            throw NotebookFileError(path: path, reason: reason + "; give a Markdown file such as notebooks/vae.md")
        }
        return try decode(data, path: path)
    }

    /// A notebook's bytes as text; invalid UTF-8 is an error naming the line of the first bad byte.
    public static func decode(_ data: Data, path: String) throws -> String {
        guard let text = String(data: data, encoding: .utf8) else {
            // One pass of the standard decoder finds the first bad byte: the line is the
            // number of line feeds before it, plus one.
            var line = 1
            var iterator = data.makeIterator()
            var decoder = UTF8()
            var newlines = 0
            decoding: while true {
                switch decoder.decode(&iterator) {
                case .scalarValue(let scalar):
                    if scalar == "\n" { newlines += 1 }
                case .emptyInput:
                    break decoding
                case .error:
                    line += newlines
                    break decoding
                }
            }
            throw NotebookFileError(path: path, reason: "is not valid UTF-8 (first bad byte on line \(line)); save it as UTF-8")
        }
        return text
    }

    /// Reads, parses and checks a notebook: everything short of running it; with `datasets`,
    /// also that its datasets can be had.
    public static func compile(_ path: String, overrides: [String: String] = [:],
                               allowedOutside: [URL] = [], datasets: DatasetLocations? = nil) throws -> NotebookProgram {
        try compile(text: try read(path), path: path, overrides: overrides, allowedOutside: allowedOutside, datasets: datasets)
    }

    /// Parses and checks a notebook's text as if read from `path` (which names it in
    /// messages and places the files it refers to): what `compile(_:)` does after reading.
    public static func compile(text: String, path: String, overrides: [String: String] = [:],
                               allowedOutside: [URL] = [], datasets: DatasetLocations? = nil) throws -> NotebookProgram {
        let document = MarkdownParser.parse(text, path: path)
        return try NotebookCompiler.compile(document, source: text, overrides: overrides, allowedOutside: allowedOutside,
                                            datasets: datasets)
    }
}
