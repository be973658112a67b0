import NotebookResults
import Foundation

/// A record that cannot be used, with what to do about it. `check` exits with code 2.
public struct RecordError: Error, Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var problem: String
    /// How to make a good record, e.g. `notebook run notebooks/vae.md --record`.
    public var remedy: String

    public var description: String { "\(TerminalText.escaped(path)): error: \(TerminalText.escaped(problem))\n  \(remedy)" }
}

/// Reading and writing `*.record.json` files: canonical JSON, a checksum over the bytes as
/// stored, atomic writes.
public enum RecordFile {
    /// `notebooks/vae.md` → `notebooks/vae.record.json`.
    public static func path(forNotebook notebook: String) -> String {
        let url = URL(fileURLWithPath: notebook)
        let base = url.deletingPathExtension().lastPathComponent
        let folder = WrittenPath.folder(of: notebook)
        let name = base + ".record.json"
        return folder.isEmpty ? name : (folder as NSString).appendingPathComponent(name)
    }

    /// The record as written: keys sorted, two-space indentation, shortest round-trip numbers,
    /// a final newline. The checksum covers these very bytes with the checksum's value blank
    /// (see `RecordChecksum`): the record is encoded with an empty checksum, hashed, and the
    /// digest is written into the empty value; the checksum of `record` itself is ignored.
    public static func encode(_ record: NotebookRecord) throws -> Data {
        var unsigned = record
        unsigned.checksum = ""
        guard let signed = RecordChecksum.sign([UInt8](try canonicalJSON(unsigned))) else {
            // The encoder always writes one top-level "checksum" string; this is a bug if reached.
            throw EncodingError.invalidValue(record, .init(codingPath: [], debugDescription:
                "the encoded record has no single blank top-level \"checksum\" to sign"))
        }
        return Data(signed)
    }

    /// Writes the record through a temporary file and a rename, so a reader never sees half of one.
    public static func write(_ record: NotebookRecord, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let data = try encode(record)
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).tmp")
        do {
            try data.write(to: temporary)
            // rename(2) replaces an existing record in one step.
            guard rename(temporary.path, url.path) == 0 else {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path,
                                                               NSLocalizedDescriptionKey: String(cString: strerror(errno))])
            }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        }
    }

    /// The largest record file read (bytes).
    public static let largestFile = 256 << 20

    /// Reads and verifies a record: it must exist, parse, have every field, be of a known
    /// format, match its checksum, and hold only values in range (`RecordValidation`).
    public static func read(_ path: String, notebook: String) throws -> NotebookRecord {
        let remake = "re-record it with: notebook run \(notebook) --record"
        // A record is a few hundred kilobytes; one of gigabytes is not read into memory to find out.
        if let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int, size > largestFile {
            throw RecordError(path: path, problem: "the record is \(size) bytes; a record is at most \(largestFile)",
                              remedy: remake)
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            let exists = FileManager.default.fileExists(atPath: path)
            throw RecordError(path: path, problem: exists ? "cannot read the record" : "no record for \(notebook)",
                              remedy: exists ? remake : "create it with: notebook run \(notebook) --record (then commit it)")
        }
        guard !data.isEmpty else {
            throw RecordError(path: path, problem: "the record is empty", remedy: remake)
        }
        if let problem = JSONSyntaxCheck.firstProblem(in: [UInt8](data)) {
            throw RecordError(path: "\(path):\(problem.line):\(problem.column)",
                              problem: "the record is not valid JSON: \(problem.message)", remedy: remake)
        }
        let record: NotebookRecord
        do {
            record = try JSONDecoder().decode(NotebookRecord.self, from: data)
        } catch let error as DecodingError {
            throw RecordError(path: path, problem: describe(error, in: data), remedy: remake)
        } catch {
            throw RecordError(path: path, problem: "the record is not valid JSON: \(error)", remedy: remake)
        }
        guard record.format == NotebookRecord.currentFormat else {
            throw RecordError(path: path,
                              problem: "the record's format is '\(record.format)'; this version of notebook reads '\(NotebookRecord.currentFormat)'",
                              remedy: remake)
        }
        try verifyChecksum(of: [UInt8](data), path: path, remedy: remake)
        // Anyone can recompute a checksum: nothing in the record is used before it is validated.
        if let problem = RecordValidation.problem(in: record) {
            throw RecordError(path: path, problem: problem, remedy: remake)
        }
        return record
    }

    /// Checks the stored checksum against the stored bytes (see `RecordChecksum`): the value
    /// must be `sha256:` and 64 hex digits, and equal the hash of the file with it blanked.
    private static func verifyChecksum(of bytes: [UInt8], path: String, remedy: String) throws {
        let range: Range<Int>
        switch RecordChecksum.locate(in: bytes) {
        case .found(let found):
            range = found
        case .missing:
            throw RecordError(path: path, problem: "the record has no top-level \"checksum\" string to verify it by",
                              remedy: remedy)
        case .duplicated:
            throw RecordError(path: path, problem: "the record has more than one top-level \"checksum\"",
                              remedy: remedy)
        }
        let stored = bytes[range]
        guard RecordChecksum.isWellFormed(stored) else {
            let shown = String(decoding: stored.prefix(80), as: UTF8.self)
            throw RecordError(path: path,
                              problem: "the record's checksum '\(shown)' is not a SHA-256 "
                                  + "('\(RecordChecksum.prefix)' and 64 lower-case hex digits)",
                              remedy: remedy)
        }
        guard Array(stored) == Array(RecordChecksum.checksum(of: bytes, blanking: range).utf8) else {
            throw RecordError(path: path,
                              problem: "the record's checksum does not match its contents: it was edited by hand, "
                                  + "reformatted or damaged (a record is only ever written by notebook)",
                              remedy: remedy)
        }
    }

    private static func canonicalJSON(_ record: NotebookRecord) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(record)
        data.append(0x0A)
        return data
    }

    /// A decoding error as a sentence with where in the file it is.
    private static func describe(_ error: DecodingError, in data: Data) -> String {
        func path(_ codingPath: [CodingKey]) -> String {
            let text = codingPath.map { key in key.intValue.map { "[\($0)]" } ?? "." + key.stringValue }.joined()
            return text.hasPrefix(".") ? String(text.dropFirst()) : (text.isEmpty ? "the top level" : text)
        }
        switch error {
        case .dataCorrupted(let context):
            let underlying = (context.underlyingError as NSError?)?.userInfo[NSDebugDescriptionErrorKey] as? String
                ?? context.underlyingError.map { "\($0)" } ?? context.debugDescription
            if context.codingPath.isEmpty {
                return "the record is not valid JSON (truncated or damaged?): \(underlying)"
            }
            return "the record has a bad value at \(path(context.codingPath)): \(context.debugDescription)"
        case .keyNotFound(let key, let context):
            return "the record has no '\(key.stringValue)' at \(path(context.codingPath))"
        case .typeMismatch(let type, let context):
            return "the record has a value of the wrong type at \(path(context.codingPath)) (expected \(type))"
        case .valueNotFound(let type, let context):
            return "the record is missing a \(type) at \(path(context.codingPath))"
        @unknown default:
            return "the record cannot be read: \(error)"
        }
    }
}
