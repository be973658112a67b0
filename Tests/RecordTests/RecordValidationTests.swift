import Foundation
import NotebookResults
import Record
import Testing

/// A record tampered with by someone who then recomputed its checksum: the checksum passes, so
/// every value must still be checked before `check` uses it.
struct TamperedRecordCase: Sendable, CustomTestStringConvertible {
    var name: String
    /// The tampering, on the record's text as written.
    var tamper: @Sendable (String) -> String
    /// How the error's problem must begin.
    var problem: String
    var testDescription: String { name }
}

/// `text` with every match of the regular expression `pattern` replaced by `template`.
func replacingMatches(_ text: String, _ pattern: String, _ template: String) -> String {
    let range = text.range(of: pattern, options: .regularExpression)
    if range == nil { Issue.record("'\(pattern)' not in the record") }
    return text.replacingOccurrences(of: pattern, with: template, options: .regularExpression)
}

@Suite("Validating what a record says")
struct RecordValidationTests {
    /// `text` signed again: its checksum blanked and recomputed, as anyone can.
    static func resigned(_ text: String) throws -> String {
        let blank = text.replacingOccurrences(of: #""checksum" : "sha256:[0-9a-f]{64}""#, with: #""checksum" : """#,
                                              options: .regularExpression)
        let signed = try #require(RecordChecksum.sign(Array(blank.utf8)))
        return String(decoding: signed, as: UTF8.self)
    }

    static let cases: [TamperedRecordCase] = [
        .init(name: "256 threads", tamper: { replacingMatches($0, #""blas-threads" : \d+"#, #""blas-threads" : 256"#) },
              problem: "the record's thread count is 256; notebook runs on 1 to 64 threads"),
        .init(name: "0 threads", tamper: { replacingMatches($0, #""blas-threads" : \d+"#, #""blas-threads" : 0"#) },
              problem: "the record's thread count is 0; notebook runs on 1 to 64 threads"),
        .init(name: "-5 threads", tamper: { replacingMatches($0, #""blas-threads" : \d+"#, #""blas-threads" : -5"#) },
              problem: "the record's thread count is -5; notebook runs on 1 to 64 threads"),
        .init(name: "huge images", tamper: { replacingMatches($0, #""image-width" : \d+"#, #""image-width" : 1000000000"#) },
              problem: "the images of output 1 of block 2 are 1000000000 × 14 pixels"),
        .init(name: "negative image height", tamper: { replacingMatches($0, #""image-height" : \d+"#, #""image-height" : -14"#) },
              problem: "the images of output 1 of block 2 are 14 × -14 pixels"),
        .init(name: "more grid rows than thumbnails", tamper: { replacingMatches($0, #""rows" : 2,"#, #""rows" : 4000000,"#) },
              problem: "the record has 4000000 rows of images in output 1 of block 2"),
        .init(name: "negative scatter size", tamper: { replacingMatches($0, #""points" : 12"#, #""points" : -12"#) },
              problem: "output 2 of block 2 claims -12 points"),
        .init(name: "class counts that do not add up", tamper: { replacingMatches($0, #""count" : 4"#, #""count" : 5"#) },
              problem: "the classes of output 2 of block 2 have 15 points between them, not 12"),
        .init(name: "an infinite metric", tamper: { replacingMatches($0, #""value" : 170.25"#, #""value" : 1e999"#) },
              problem: "the record"),
        .init(name: "a point with three numbers", tamper: { replacingMatches($0, #"\[\s*1,\s*182.5\s*\]"#, "[1, 182.5, 3]") },
              problem: "a point of series 'train' in output 3 of block 1 has 3 numbers; a point is [x, y]"),
        .init(name: "a notebook name with a path", tamper: { replacingMatches($0, #""notebook" : "demo.md""#, #""notebook" : "../../etc/demo.md""#) },
              problem: "the record's notebook name '../../etc/demo.md' is not a file name"),
        .init(name: "an escape in a metric name", tamper: { replacingMatches($0, #""epoch 1 test loss""#, #""epoch 1 \\u001B[2Jtest loss""#) },
              problem: "a metric name in block 1 'epoch 1 \\u{1B}[2Jtest loss' has control characters"),
        .init(name: "blocks out of order", tamper: { replacingMatches($0, #""block" : 2,"#, #""block" : 7,"#) },
              problem: "the record's block 2 is numbered 7"),
        .init(name: "a bad thumbnail", tamper: { replacingMatches($0, #""thumbnails" : \[\s*"[0-9a-f]+""#, #""thumbnails" : [ "zz""#) },
              problem: "a thumbnail of output 1 of block 2 is not 98 hex digits"),
        .init(name: "a missing thread count", tamper: { replacingMatches($0, #""blas-threads" : \d+,\s*"#, "") },
              problem: "the record has no 'blas-threads' at manifest"),
        .init(name: "an override that is no name", tamper: { replacingMatches($0, #""overrides" : \[\s*\]"#,
                                                                               #""overrides" : [ { "name" : "a=b", "value" : "1" } ]"#) },
              problem: "a recorded override name 'a=b' is not a parameter name"),
    ]

    @Test(arguments: cases)
    func aTamperedRecordWithAValidChecksumIsRefused(_ tampered: TamperedRecordCase) throws {
        let (folder, path, text) = try RecordFileTests.folderWithRecord()
        defer { try? FileManager.default.removeItem(at: folder) }
        let bad = try Self.resigned(tampered.tamper(text))
        #expect(bad != text)
        try Data(bad.utf8).write(to: URL(fileURLWithPath: path))
        let error = try #require(throws: RecordError.self) { try RecordFile.read(path, notebook: RecordFileTests.notebook) }
        #expect(error.problem.hasPrefix(tampered.problem), "\(error.problem)")
        #expect(error.description.hasPrefix("\(path): error: "))
        #expect(error.remedy == "re-record it with: notebook run notebooks/demo.md --record")
        // Whatever the record holds, the message never carries a raw control character.
        #expect(!error.description.unicodeScalars.contains { $0 != "\n" && TerminalText.needsEscape($0) })
    }

    @Test func anUntamperedRecordResignedIsStillGood() throws {
        let (folder, path, text) = try RecordFileTests.folderWithRecord()
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(try Self.resigned(text) == text)
        _ = try RecordFile.read(path, notebook: RecordFileTests.notebook)
    }

    @Test(arguments: ["every-command", "convolutional", "residual"])
    func theCommittedRecordsAreValid(_ name: String) throws {
        _ = try RecordFile.read(Fixtures.committedRecord(name), notebook: "notebooks/checks/\(name).md")
    }
}
