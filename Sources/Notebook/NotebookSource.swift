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
        guard let text = String(data: data, encoding: .utf8) else {
            let bytes = [UInt8](data)
            var line = 1
            var offset = 0
            // Find the first byte where decoding fails, for the position in the message.
            while offset < bytes.count {
                let end = min(bytes.count, offset + 1)
                if String(bytes: bytes[..<end], encoding: .utf8) == nil, bytes[offset] >= 0x80 { break }
                if bytes[offset] == 0x0A { line += 1 }
                offset += 1
            }
            throw NotebookFileError(path: path, reason: "is not valid UTF-8 (first bad byte on line \(line)); save it as UTF-8")
        }
        return text
    }

    /// Reads, parses and checks a notebook: everything short of running it.
    public static func compile(_ path: String, overrides: [String: String] = [:],
                               allowedOutside: [URL] = []) throws -> NotebookProgram {
        let text = try read(path)
        let document = MarkdownParser.parse(text, path: path)
        return try NotebookCompiler.compile(document, source: text, overrides: overrides, allowedOutside: allowedOutside)
    }
}
