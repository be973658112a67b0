import Foundation
import NotebookCommands
import Testing
import TestSupport

/// Issue 29's smaller command fixes, in process: `-p` of the wrong kind is a usage error,
/// `params` shows each parameter's comment, `clean` takes only `--cache` and names a missing
/// notebook, `help preview` gives its default once.
@Suite struct SmallerCommandFixesTests {
    static let notebook = """
        # Tiny

        ```swift-vae
        param epochs = 2          # passes over the training images
        param beta = 1
        param dataset = fashion-mnist
        seed 3
        data $dataset train=300 test=100
        model mlp encoder=[64] latent=4 decoder=[64]
        train epochs=$epochs batch=50 beta=$beta
        ```
        """

    func folder(with files: [String: String]) throws -> URL { try makeTemporaryFolder("smaller-fixes-test", holding: files) }

    @Test func aParameterValueOfAnotherKindIsAUsageErrorBeforeAnythingRuns() throws {
        let folder = try folder(with: ["t.md": Self.notebook])
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("t.md").path
        let site = folder.appendingPathComponent("site")
        let outcome = NotebookCommand.execute(["run", path, "-p", "epochs=abc", "-q", "--no-cache", "--output", site.path])
        #expect(outcome.exitCode == 2)
        #expect(outcome.message == """
            \(path):4:16: error: -p epochs=abc: parameter 'epochs' takes a number (declared as 2), not 'abc'
              param epochs = 2          # passes over the training images
                             ^
            1 error in \(path)
            """)
        #expect(!FileManager.default.fileExists(atPath: site.path))
    }

    @Test func paramsShowsTheCommentAfterAParamAsItsDescription() throws {
        let folder = try folder(with: ["t.md": Self.notebook])
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("t.md").path
        let text = NotebookCommand.execute(["params", path])
        #expect(text.exitCode == 0, "\(text.message)")
        #expect(text.output == """
            Parameters of \(path) (set them with -p name=value):
              epochs   integer  default 2              \(path):4:1  passes over the training images
              beta     integer  default 1              \(path):5:1
              dataset  word     default fashion-mnist  \(path):6:1
            """)
        let json = NotebookCommand.execute(["params", path, "--json"])
        #expect(json.exitCode == 0, "\(json.message)")
        struct Entry: Decodable { var name: String; var description: String? }
        let entries = try JSONDecoder().decode([Entry].self, from: Data(json.output.utf8))
        #expect(entries.map(\.name) == ["epochs", "beta", "dataset"])
        #expect(entries.map(\.description) == ["passes over the training images", nil, nil])
        #expect(!json.output.contains("null"))
    }

    @Test func cleanSaysWhenTheNotebookDoesNotExist() throws {
        let folder = try folder(with: [:])
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("nowhere.md").path
        let outcome = NotebookCommand.execute(["clean", path])
        #expect(outcome.exitCode == 2)
        #expect(outcome.message == "\(path): error: no such file; give the Markdown notebook whose cached runs to forget")
        let folderOutcome = NotebookCommand.execute(["clean", folder.path])
        #expect(folderOutcome.exitCode == 2)
        #expect(folderOutcome.message.hasPrefix("\(folder.path): error: is a folder"))
    }

    @Test(arguments: [["--no-cache"], ["--cache-size", "1GB"]])
    func cleanTakesOnlyTheOptionsItUses(extra: [String]) throws {
        let folder = try folder(with: ["t.md": Self.notebook])
        defer { try? FileManager.default.removeItem(at: folder) }
        let outcome = NotebookCommand.execute(["clean", folder.appendingPathComponent("t.md").path] + extra)
        #expect(outcome.exitCode == 2)
        #expect(outcome.message.hasPrefix("Error: Unknown option '\(extra[0])'"), "\(outcome.message)")
    }

    @Test func cleanOfANotebookWithNothingCachedStillSaysSo() throws {
        let folder = try folder(with: ["t.md": Self.notebook])
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("t.md").path
        let cache = folder.appendingPathComponent("cache").path
        let outcome = NotebookCommand.execute(["clean", path, "--cache", cache])
        #expect(outcome.exitCode == 0, "\(outcome.message)")
        #expect(outcome.output == "\(path): nothing cached in \(cache)")
    }

    @Test func previewHelpGivesItsPortDefaultOnce() {
        let help = NotebookCommand.helpMessage(for: PreviewCommand.self, columns: 200)
        #expect(help.components(separatedBy: "(default: 4848)").count == 2, "\(help)")
    }
}
