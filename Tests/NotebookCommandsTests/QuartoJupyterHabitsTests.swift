import Foundation
import NotebookCommands
import Testing
import TestSupport

/// What Quarto, Jupyter and papermill users type: `--version`, `params`, `build -p`, a
/// misspelt subcommand, and a missing image, all before anything trains.
@Suite struct QuartoJupyterHabitsTests {
    /// Declares three parameters on lines 4 to 6 of the file, one of each type.
    static let parameterNotebook = """
        # Parameters

        ```swift-vae
        param epochs = 2
          param lr = 1e-3
        param dataset = fashion-mnist
        seed 3
        data $dataset train=300 test=100
        model mlp encoder=[64] latent=4 decoder=[64]
        train epochs=$epochs batch=50 lr=$lr
        ```
        """

    func folder(with files: [String: String]) throws -> URL { try makeTemporaryFolder("notebook-habits-test", holding: files) }

    // MARK: - --version

    @Test func versionNamesTheToolEngineCmarkAndOpenBLAS() {
        let outcome = NotebookCommand.execute(["--version"])
        #expect(outcome.exitCode == 0)
        #expect(outcome.message == "")
        let lines = outcome.output.split(separator: "\n").map(String.init)
        #expect(lines.count == 4, "\(outcome.output)")
        #expect(lines.first == "notebook \(NotebookCommand.toolVersion)")
        #expect(lines.dropFirst().first?.hasPrefix("engine ") == true)
        #expect(lines.dropFirst(2).first?.hasPrefix("cmark 0.") == true, "\(outcome.output)")
        #expect(lines.last?.hasPrefix("OpenBLAS OpenBLAS ") == true, "\(outcome.output)")
        #expect(outcome.output == NotebookCommand.versionText)
    }

    // MARK: - Unknown subcommands

    @Test(arguments: [("rnu", "run"), ("buidl", "build"), ("parms", "params"), ("chek", "check"), ("RUN", "run")])
    func aMisspeltSubcommandIsAUsageErrorWithASuggestion(typed: String, meant: String) {
        let outcome = NotebookCommand.execute([typed, "x.md"])
        #expect(outcome.exitCode == 2)
        #expect(outcome.message.hasPrefix("error: unknown command '\(typed)' (did you mean '\(meant)'?)\n"), "\(outcome.message)")
        #expect(outcome.message.contains("The commands are: run, check, build, params, preview, clean."))
    }

    @Test func aWordFarFromEverySubcommandGetsNoSuggestion() {
        let outcome = NotebookCommand.execute(["render", "x.md"])
        #expect(outcome.exitCode == 2)
        #expect(outcome.message.hasPrefix("error: unknown command 'render'\nThe commands are:"), "\(outcome.message)")
    }

    // MARK: - params

    @Test func paramsListsEachParameterWithItsDefaultTypeAndPosition() throws {
        let folder = try folder(with: ["p.md": Self.parameterNotebook])
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("p.md").path
        let outcome = NotebookCommand.execute(["params", path])
        #expect(outcome.exitCode == 0, "\(outcome.message)")
        #expect(outcome.output == """
            Parameters of \(path) (set them with -p name=value):
              epochs   integer  default 2              \(path):4:1
              lr       number   default 1e-3           \(path):5:3
              dataset  word     default fashion-mnist  \(path):6:1
            """)
    }

    @Test func paramsDeclaredInTheFrontMatterAreListedAtTheirKey() throws {
        let notebook = "---\ntitle: P\nparams:\n  width: 64\n---\n\n```swift-vae\nparam epochs = 2\nseed 1\n```\n"
        let folder = try folder(with: ["p.md": notebook])
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("p.md").path
        let outcome = NotebookCommand.execute(["params", path])
        #expect(outcome.exitCode == 0, "\(outcome.message)")
        #expect(outcome.output.contains("width   integer  default 64  \(path):4:3"), "\(outcome.output)")
        #expect(outcome.output.contains("epochs  integer  default 2   \(path):8:1"), "\(outcome.output)")
    }

    @Test func paramsAsJSON() throws {
        let folder = try folder(with: ["p.md": Self.parameterNotebook])
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("p.md").path
        let outcome = NotebookCommand.execute(["params", path, "--json"])
        #expect(outcome.exitCode == 0, "\(outcome.message)")
        let entries = try JSONSerialization.jsonObject(with: Data(outcome.output.utf8)) as? [[String: Any]]
        #expect(entries?.count == 3)
        #expect(entries?.first?["name"] as? String == "epochs")
        #expect(entries?.first?["type"] as? String == "integer")
        #expect(entries?.first?["default"] as? String == "2")
        #expect(entries?.first?["file"] as? String == path)
        #expect(entries?.first?["line"] as? Int == 4)
        #expect(entries?.first?["column"] as? Int == 1)
        #expect(entries?.map { $0["type"] as? String } == ["integer", "number", "word"])
    }

    @Test func paramsOfANotebookWithoutParameters() throws {
        let folder = try folder(with: ["n.md": "# N\n\n```swift-vae\nseed 1\n```\n"])
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("n.md").path
        #expect(NotebookCommand.execute(["params", path]).output == "\(path) declares no parameters")
        let json = NotebookCommand.execute(["params", path, "--json"]).output
        #expect((try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [Any])?.isEmpty == true, "\(json)")
    }

    @Test func paramsOfABrokenNotebookGivesTheCompilersErrors() throws {
        let broken = Self.parameterNotebook.replacingOccurrences(of: "param dataset", with: "parm dataset")
        let folder = try folder(with: ["p.md": broken])
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("p.md").path
        let outcome = NotebookCommand.execute(["params", path])
        #expect(outcome.exitCode == 1)
        #expect(outcome.output == "")
        #expect(outcome.message.contains("\(path):6:1: error: unknown command 'parm' (did you mean 'param'?)"), "\(outcome.message)")
        let missing = NotebookCommand.execute(["params", folder.appendingPathComponent("nowhere.md").path])
        #expect(missing.exitCode == 2)
        #expect(missing.message.hasSuffix("nowhere.md: error: no such file"))
    }

    // MARK: - build -p

    @Test func buildRefusesAParameterNoNotebookDeclares() throws {
        let folder = try folder(with: ["a.md": Self.parameterNotebook, "b.md": "# B\n\n```swift-vae\nparam width = 8\nseed 1\n```\n"])
        defer { try? FileManager.default.removeItem(at: folder) }
        let site = folder.appendingPathComponent("out").path
        let outcome = NotebookCommand.execute(["build", folder.path, "-p", "epoch=1", "--output", site, "-q"])
        #expect(outcome.exitCode == 2)
        #expect(outcome.message == "-p epoch: no notebook in \(folder.path) declares a parameter 'epoch' "
                + "(did you mean 'epochs'?); they declare: dataset, epochs, lr, width")
        #expect(!FileManager.default.fileExists(atPath: site))
        let malformed = NotebookCommand.execute(["build", folder.path, "-p", "epochs"])
        #expect(malformed.exitCode == 2)
        #expect(malformed.message.contains("-p expects name=value, got 'epochs'"))
    }

    @Test func buildReportsABadValueForTheNotebooksThatDeclareIt() throws {
        let folder = try folder(with: ["a.md": Self.parameterNotebook, "b.md": "# B\n\n```swift-vae\nseed 1\n```\n"])
        defer { try? FileManager.default.removeItem(at: folder) }
        let site = folder.appendingPathComponent("out").path
        let outcome = NotebookCommand.execute(["build", folder.path, "-p", "epochs=0", "--output", site, "-q"])
        #expect(outcome.exitCode == 1)
        #expect(outcome.message.contains("a.md:10:"), "\(outcome.message)")
        #expect(!outcome.message.contains("b.md"), "\(outcome.message)")
        #expect(!FileManager.default.fileExists(atPath: site))
    }

    // MARK: - Images

    @Test func aMissingImageIsAnErrorWithItsPositionBeforeAnythingRuns() throws {
        let notebook = """
            # Pictures

            The model ![an encoder](figs/encoder.png) and
            ![a chart](https://example.com/chart.png), ![up](../outside.png).

            ```swift-vae
            seed 1
            ```
            """
        let folder = try folder(with: ["pictures.md": notebook])
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("pictures.md").path
        let site = folder.appendingPathComponent("out").path
        for command in [["run", path], ["build", folder.path]] {
            let outcome = NotebookCommand.execute(command + ["--output", site, "-q"])
            #expect(outcome.exitCode == 1, "\(command)")
            let lines = outcome.message.split(separator: "\n").map(String.init)
            #expect(lines.first == "\(path):3:11: error: image 'figs/encoder.png' not found "
                    + "(looked for \(folder.appendingPathComponent("figs/encoder.png").path))", "\(outcome.message)")
            #expect(lines.dropFirst().first?.hasPrefix("\(path):4:44: error: image '../outside.png' is outside the notebook's folder")
                    == true, "\(outcome.message)")
            #expect(!outcome.message.contains("example.com"))
            #expect(!FileManager.default.fileExists(atPath: site), "\(command)")
        }
    }
}

/// A site folder that cannot be written is found before anything trains.
@Suite struct SiteFolderCheckTests {
    static let notebook = "```swift-vae\nseed 1\ndata fashion-mnist train=100 test=20\nmodel mlp encoder=[8] latent=2 decoder=[8]\ntrain epochs=1 batch=50\n```\n"

    @Test(arguments: ["run", "build"])
    func anUnwritableSiteStopsBeforeTraining(command: String) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("site-check-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("n.md").path
        try Self.notebook.write(toFile: path, atomically: true, encoding: .utf8)
        // A regular file where the site's parent folder should be: no user can write below it.
        let blocker = folder.appendingPathComponent("blocker")
        try Data("x".utf8).write(to: blocker)
        let target = command == "run" ? path : folder.path
        let outcome = NotebookCommand.execute([command, target, "--output", blocker.appendingPathComponent("site").path,
                                               "--no-cache", "-q"])
        #expect(outcome.exitCode == 1)
        #expect(outcome.message == "error: cannot write the site to \(blocker.path)/site: \(blocker.path) is not a folder",
                "\(outcome.message)")
        let empty = NotebookCommand.execute([command, target, "--output", "", "-q"])
        #expect(empty.exitCode == 2)
        #expect(empty.message.contains("--output needs a folder name"), "\(empty.message)")
    }
}
