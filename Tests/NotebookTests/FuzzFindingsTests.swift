import Foundation
import NotebookResults
import Record
import Testing

/// Inputs `scripts/fuzz` found to bring the front end down, kept so they never do again.
@Suite struct FuzzFindingsTests {
    /// `save weights e` trapped in Foundation's `deletingLastPathComponent` (one letter, no slash).
    @Test func aOneLetterCheckpointNameCompiles() {
        let errors = NotebookCompilerTests.errors(NotebookCompilerTests.block(
            NotebookCompilerTests.prelude + "save weights e\nload weights e"))
        #expect(errors.isEmpty, "\(errors)")
        #expect(NotebookCompilerTests.errors(NotebookCompilerTests.block(NotebookCompilerTests.prelude + "save weights q/e"))
            == ["nb.md:7:14: error: cannot save 'q/e': the folder 'q' does not exist; create it first"])
    }

    /// The same trap waited in the record's path for a notebook called `e`.
    @Test func aOneLetterNotebookHasARecordPath() {
        #expect(RecordFile.path(forNotebook: "e") == "e.record.json")
        #expect(RecordFile.path(forNotebook: "n/e") == "n/e.record.json")
    }

    @Test(arguments: [("e", ""), ("runs/a.ckpt", "runs"), ("/a", "/"), ("a/b/c", "a/b"), ("", "")])
    func theFolderAsWritten(path: String, folder: String) {
        #expect(WrittenPath.folder(of: path) == folder)
    }
}
