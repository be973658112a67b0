import Foundation
import NotebookCommands
import Record
import Testing
import TestSupport

/// What the user sees for hostile input: a bounded report, escaped control characters, and a
/// tampered record refused with exit 2 before anything runs.
@Suite struct HostileInputTests {
    func folder(with files: [String: String]) throws -> URL { try makeTemporaryFolder("hostile-input-test", holding: files) }

    /// The committed record of `notebooks/checks/every-command.md`, found from this file's path.
    static var committedRecord: String {
        get throws {
            let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent("notebooks/checks/every-command.record.json").path
            return try String(contentsOfFile: path, encoding: .utf8)
        }
    }

    @Test(arguments: ["256", "0", "-5"])
    func aRecordWithAnImpossibleThreadCountIsABadRecordNotDrift(_ threads: String) throws {
        let tampered = try Self.committedRecord.replacingOccurrences(of: #""blas-threads" : \d+"#,
                                                                      with: "\"blas-threads\" : \(threads)",
                                                                      options: .regularExpression)
            .replacingOccurrences(of: #""checksum" : "sha256:[0-9a-f]{64}""#, with: #""checksum" : """#,
                                  options: .regularExpression)
        let signed = String(decoding: try #require(RecordChecksum.sign(Array(tampered.utf8))), as: UTF8.self)
        let folder = try folder(with: ["vae.md": InProcessCommandTests.validNotebook, "vae.record.json": signed])
        defer { try? FileManager.default.removeItem(at: folder) }
        let notebook = folder.appendingPathComponent("vae.md").path
        let outcome = NotebookCommand.execute(["check", notebook, "-q"])
        #expect(outcome.exitCode == 2)
        #expect(outcome.message == "\(folder.appendingPathComponent("vae.record.json").path): error: the record's thread "
                + "count is \(threads); notebook runs on 1 to 64 threads\n  re-record it with: notebook run \(notebook) --record")
    }

    @Test func anEscapeByteInACommandIsShownEscaped() throws {
        let notebook = InProcessCommandTests.validNotebook.replacingOccurrences(of: "seed 3", with: "seed \u{1B}[2J3")
        let folder = try folder(with: ["vae.md": notebook])
        defer { try? FileManager.default.removeItem(at: folder) }
        let outcome = NotebookCommand.execute(["run", folder.appendingPathComponent("vae.md").path, "-q"])
        #expect(outcome.exitCode == 1)
        #expect(!outcome.message.unicodeScalars.contains("\u{1B}"))
        #expect(outcome.message.contains("seed \\u{1B}"), "\(outcome.message)")
    }

    @Test func eightThousandErrorsOnOneLineAreFiftyAndACount() throws {
        let line = (0..<8_000).map { "[^n\($0)]" }.joined(separator: " ")
        let folder = try folder(with: ["vae.md": "# Many\n\n" + line + "\n"])
        defer { try? FileManager.default.removeItem(at: folder) }
        let outcome = NotebookCommand.execute(["run", folder.appendingPathComponent("vae.md").path, "-q"])
        #expect(outcome.exitCode == 1)
        #expect(outcome.message.utf8.count < 40_000)
        #expect(outcome.message.contains("… and 7,950 more errors (fix these and run again)"))
    }
}
