import Foundation
import NotebookResults
import Record
import Testing

/// A good record damaged one way, and what the error must say.
struct BadRecordCase: Sendable, CustomTestStringConvertible {
    var name: String
    /// Makes the bad file from the good one's text; nil removes the file.
    var damage: @Sendable (String) -> String?
    /// What the error's path must end with after the file's path (`:line:column`), computed from the good text.
    var position: @Sendable (String) -> String = { _ in "" }
    var problem: String
    var remedy = "re-record it with: notebook run notebooks/demo.md --record"
    var testDescription: String { name }
}

/// `text` with its first occurrence of `old` replaced; fails the test when there is none.
func replacingOnce(_ text: String, _ old: String, _ new: String) -> String {
    guard let range = text.range(of: old) else {
        Issue.record("'\(old)' not in the record")
        return text
    }
    return text.replacingCharacters(in: range, with: new)
}

/// The 1-based line of the first line of `text` containing `fragment`.
func line(of fragment: String, in text: String) -> Int {
    (text.components(separatedBy: "\n").firstIndex { $0.contains(fragment) } ?? -1) + 1
}

@Suite("Reading and writing record files")
struct RecordFileTests {
    static let notebook = Fixtures.notebookPath

    /// A folder holding the fixture's record as `notebook run --record` writes it.
    static func folderWithRecord() throws -> (folder: URL, path: String, text: String) {
        let folder = try Fixtures.temporaryFolder()
        let path = folder.appendingPathComponent("demo.record.json").path
        try RecordFile.write(FixtureRun().record, to: path)
        return (folder, path, try String(contentsOfFile: path, encoding: .utf8))
    }

    static let badRecords: [BadRecordCase] = [
        BadRecordCase(name: "missing", damage: { _ in nil }, problem: "no record for notebooks/demo.md",
                      remedy: "create it with: notebook run notebooks/demo.md --record (then commit it)"),
        BadRecordCase(name: "empty", damage: { _ in "" }, problem: "the record is empty"),
        BadRecordCase(name: "truncated", damage: { String($0.prefix($0.count / 2)) },
                      position: { text in
                          let kept = String(text.prefix(text.count / 2))
                          let lines = kept.components(separatedBy: "\n")
                          return ":\(lines.count):\(lines.last!.unicodeScalars.count + 1)"
                      },
                      problem: "the record is not valid JSON: the text ends before the record is complete (truncated?)"),
        BadRecordCase(name: "invalid JSON", damage: { replacingOnce($0, "\"format\" : \"notebook-record/1\"",
                                                                     "\"format\" : notebook-record/1") },
                      position: { ":\(line(of: "\"format\"", in: $0)):14" },
                      problem: "the record is not valid JSON: expected a value"),
        BadRecordCase(name: "not JSON at all", damage: { _ in "notebook-record/1\n" }, position: { _ in ":1:1" },
                      problem: "the record is not valid JSON"),
        BadRecordCase(name: "a missing field", damage: { replacingOnce($0, "  \"format\" : \"notebook-record/1\",\n", "") },
                      problem: "the record has no 'format' at the top level"),
        BadRecordCase(name: "a missing nested field", damage: { replacingOnce($0, "\"engine\" : \"0.5.1\",", "") },
                      problem: "the record has no 'engine' at manifest"),
        BadRecordCase(name: "a wrong format string", damage: { replacingOnce($0, "notebook-record/1", "notebook-record/9") },
                      problem: "the record's format is 'notebook-record/9'; this version of notebook reads 'notebook-record/1'"),
        BadRecordCase(name: "one digit of a metric changed", damage: { replacingOnce($0, "\"value\" : 170.25", "\"value\" : 170.26") },
                      problem: "the record's checksum does not match its contents: it was edited by hand"),
        BadRecordCase(name: "only the checksum changed", damage: { text in
                          let digit = text.range(of: "\"checksum\" : \"sha256:")!.upperBound
                          let flipped = text[digit] == "0" ? "1" : "0"
                          return text.replacingCharacters(in: digit...digit, with: flipped)
                      },
                      problem: "the record's checksum does not match its contents"),
        BadRecordCase(name: "another record's checksum", damage: { text in
                          let value = text.range(of: #""checksum" : "sha256:[0-9a-f]{64}""#, options: .regularExpression)!
                          return text.replacingCharacters(in: value, with: "\"checksum\" : \"sha256:" + String(repeating: "ab", count: 32) + "\"")
                      },
                      problem: "the record's checksum does not match its contents"),
        BadRecordCase(name: "re-indented", damage: { $0.replacingOccurrences(of: "\n  ", with: "\n    ") },
                      problem: "the record's checksum does not match its contents: it was edited by hand, reformatted"),
        BadRecordCase(name: "keys reordered", damage: { text in
                          // Sorted keys put "checksum" right before "format"; swap the two lines.
                          let lines = text.components(separatedBy: "\n")
                          let c = lines.firstIndex { $0.hasPrefix("  \"checksum\"") }!
                          var swapped = lines
                          swapped.swapAt(c, c + 1)
                          #expect(swapped[c].hasPrefix("  \"format\""))
                          return swapped.joined(separator: "\n")
                      },
                      problem: "the record's checksum does not match its contents"),
        BadRecordCase(name: "CRLF line endings", damage: { $0.replacingOccurrences(of: "\n", with: "\r\n") },
                      problem: "the record's checksum does not match its contents"),
    ] + ["md5:0123456789abcdef0123456789abcdef", "", "sha256:", "sha256:" + String(repeating: "A", count: 64),
         "sha256:" + String(repeating: "a", count: 63), "sha256:" + String(repeating: "a", count: 65),
         "sha256:" + String(repeating: "g", count: 64), "sha512:" + String(repeating: "a", count: 64)].map { value in
        BadRecordCase(name: "checksum '\(value)'", damage: { text in
                          let stored = text.range(of: #""checksum" : "sha256:[0-9a-f]{64}""#, options: .regularExpression)!
                          return text.replacingCharacters(in: stored, with: "\"checksum\" : \"\(value)\"")
                      },
                      problem: "the record's checksum '\(value)' is not a SHA-256 ('sha256:' and 64 lower-case hex digits)")
    }

    @Test(arguments: badRecords)
    func aBadRecordIsAnErrorSayingWhereAndWhatToDo(_ bad: BadRecordCase) throws {
        let (folder, path, text) = try Self.folderWithRecord()
        defer { try? FileManager.default.removeItem(at: folder) }
        if let damaged = bad.damage(text) {
            #expect(damaged != text)
            try Data(damaged.utf8).write(to: URL(fileURLWithPath: path))
        } else {
            try FileManager.default.removeItem(atPath: path)
        }
        let error = try #require(throws: RecordError.self) { try RecordFile.read(path, notebook: Self.notebook) }
        #expect(error.path == path + bad.position(text))
        #expect(error.problem.hasPrefix(bad.problem), "\(error.problem)")
        #expect(error.remedy == bad.remedy)
        #expect(error.description.hasPrefix("\(path + bad.position(text)): error: \(bad.problem)"), "\(error)")
        #expect(error.description.hasSuffix("\n  " + bad.remedy), "\(error)")
    }

    @Test func aRecordReadsBackAsWritten() throws {
        let (folder, path, text) = try Self.folderWithRecord()
        defer { try? FileManager.default.removeItem(at: folder) }
        let record = FixtureRun().record
        let read = try RecordFile.read(path, notebook: Self.notebook)
        #expect(RecordChecksum.isWellFormed(Array(read.checksum.utf8)), "\(read.checksum)")
        var expected = record
        expected.checksum = read.checksum
        #expect(read == expected)
        #expect(text.contains("\n  \"checksum\" : \"\(read.checksum)\",\n"))
        #expect(text.hasSuffix("}\n"))
        // Written again, from what was read or from the run, it is the same bytes.
        let again = folder.appendingPathComponent("again.record.json").path
        try RecordFile.write(read, to: again)
        #expect(FileManager.default.contents(atPath: again) == Data(text.utf8))
        try RecordFile.write(record, to: path)
        #expect(FileManager.default.contents(atPath: path) == Data(text.utf8))
        // Nothing is left behind but the two records.
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
            == ["again.record.json", "demo.record.json"])
    }

    @Test func writingReplacesAnOlderRecord() throws {
        let (folder, path, text) = try Self.folderWithRecord()
        defer { try? FileManager.default.removeItem(at: folder) }
        var changed = FixtureRun()
        changed.metrics[0].value = 99
        try RecordFile.write(changed.record, to: path)
        let read = try RecordFile.read(path, notebook: Self.notebook)
        #expect(read.blocks[0].metrics[0].value == 99)
        #expect(try String(contentsOfFile: path, encoding: .utf8) != text)
    }

    @Test(arguments: [("notebooks/vae.md", "notebooks/vae.record.json"), ("vae.md", "vae.record.json"),
                      ("a/b.c/nb.markdown", "a/b.c/nb.record.json")])
    func theRecordSitsBesideItsNotebook(notebook: String, record: String) {
        #expect(RecordFile.path(forNotebook: notebook) == record)
    }
}
