import Foundation
import NotebookCommands
import Testing
import TestSupport

/// The commands called in process on notebooks that fail before anything is trained,
/// and the built binary giving the same outcome as `execute`.
@Suite struct InProcessCommandTests {
    /// A notebook the language accepts; nothing here ever runs it.
    static let validNotebook = """
        # Tiny notebook

        ```swift-vae
        param epochs = 2
        seed 3
        data fashion-mnist train=300 test=100
        model mlp encoder=[64] latent=4 decoder=[64]
        train epochs=$epochs batch=50 lr=1e-3
        table losses
        ```
        """

    /// The valid notebook with a misspelt command on line 9.
    static let brokenNotebook = validNotebook.replacingOccurrences(of: "table losses", with: "tabel losses")

    /// A temporary folder holding `files` (name → text); removed by the caller.
    func folder(with files: [String: String]) throws -> URL { try makeTemporaryFolder("notebook-commands-test", holding: files) }

    @Test func aMissingNotebookIsAUsageError() throws {
        let folder = try folder(with: [:])
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("nowhere.md").path
        for command in ["run", "check"] {
            let outcome = NotebookCommand.execute([command, path])
            #expect(outcome.exitCode == 2, "\(command)")
            #expect(outcome.message == "\(path): error: no such file", "\(command)")
        }
    }

    @Test func aLanguageErrorIsANotebookErrorAndWritesNothing() throws {
        let folder = try folder(with: ["broken.md": Self.brokenNotebook])
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("broken.md").path
        let site = folder.appendingPathComponent("out").path
        let run = NotebookCommand.execute(["run", path, "--output", site, "-q"])
        #expect(run.exitCode == 1)
        #expect(run.message.contains("broken.md:9:1: error: unknown command 'tabel' (did you mean 'table'?)"), "\(run.message)")
        #expect(!FileManager.default.fileExists(atPath: site))
        let check = NotebookCommand.execute(["check", path, "-q"])
        #expect(check.exitCode == 1)
        #expect(check.message.contains("unknown command 'tabel'"))
    }

    @Test func anUnknownParameterIsAUsageError() throws {
        let folder = try folder(with: ["tiny.md": Self.validNotebook])
        defer { try? FileManager.default.removeItem(at: folder) }
        let outcome = NotebookCommand.execute(["run", folder.appendingPathComponent("tiny.md").path, "-p", "epoch=1"])
        #expect(outcome.exitCode == 2)
        #expect(outcome.message.contains("did you mean 'epochs'?"), "\(outcome.message)")
    }

    @Test func aMissingOrBadRecordIsAUsageError() throws {
        let folder = try folder(with: ["tiny.md": Self.validNotebook, "bad.record.json": "{"])
        defer { try? FileManager.default.removeItem(at: folder) }
        let notebook = folder.appendingPathComponent("tiny.md").path
        let missing = NotebookCommand.execute(["check", notebook, "-q"])
        #expect(missing.exitCode == 2)
        #expect(missing.message.contains("no record for \(notebook)"), "\(missing.message)")
        let bad = NotebookCommand.execute(["check", notebook, "--record", folder.appendingPathComponent("bad.record.json").path])
        #expect(bad.exitCode == 2)
        #expect(bad.message.contains("not valid JSON"), "\(bad.message)")
    }

    @Test func buildChecksEveryNotebookFirst() throws {
        let folder = try folder(with: ["a.md": Self.validNotebook, "b.md": Self.brokenNotebook, "README.md": "# Notes\n"])
        defer { try? FileManager.default.removeItem(at: folder) }
        let site = folder.appendingPathComponent("out").path
        let outcome = NotebookCommand.execute(["build", folder.path, "--output", site, "-q"])
        #expect(outcome.exitCode == 1)
        #expect(outcome.message.contains("unknown command 'tabel'"))
        #expect(outcome.message.hasSuffix("error: 1 of 2 notebooks has errors; nothing was run and \(site) was left as it was"))
        #expect(!FileManager.default.fileExists(atPath: site))
    }

    @Test func buildOfAFolderWithoutNotebooksIsAUsageError() throws {
        let folder = try folder(with: ["README.md": "# Notes\n"])
        defer { try? FileManager.default.removeItem(at: folder) }
        let empty = NotebookCommand.execute(["build", folder.path])
        #expect(empty.exitCode == 2)
        #expect(empty.message.contains("no notebooks here"))
        let missing = NotebookCommand.execute(["build", folder.appendingPathComponent("nowhere").path])
        #expect(missing.exitCode == 2)
        #expect(missing.message.hasSuffix("nowhere: error: no such folder"))
    }

    /// `main()` is `execute` printed: the binary's status, standard output and standard error match.
    @Test(arguments: [["run", "--threads", "0", "tiny.md"], ["check", "nowhere.md"], ["build", "--help"], ["bogus"], ["--version"], ["rnu", "tiny.md"]])
    func theBinaryGivesTheSameOutcome(arguments: [String]) throws {
        let folder = try folder(with: ["tiny.md": Self.validNotebook])
        defer { try? FileManager.default.removeItem(at: folder) }
        let inProcess = NotebookCommand.execute(arguments)
        let binary = try NotebookBinary.run(arguments, in: folder)
        #expect(binary.status == inProcess.exitCode)
        #expect(binary.standardError == (inProcess.message.isEmpty ? "" : inProcess.message + "\n"))
        // Help is wrapped to the terminal's width, which differs between the two.
        #expect(binary.standardOutput.split(whereSeparator: \.isWhitespace)
                == inProcess.output.split(whereSeparator: \.isWhitespace))
    }
}
