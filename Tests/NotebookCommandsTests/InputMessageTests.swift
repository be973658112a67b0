import Foundation
import NotebookCommands
import Testing
import TestSupport

/// What a user sees for odd inputs: a value that is not one, a notebook that is no regular
/// file, a failed run, an absurd title, a notebook named `index.md`.
@Suite struct InputMessageTests {
    func folder(with files: [String: String]) throws -> URL { try makeTemporaryFolder("input-message-test", holding: files) }

    static let declaringT = "# T\n\n```swift-vae\nparam t = 300\nmodel mlp encoder=[8] latent=2 decoder=[8]\n```\n"

    /// A `-p` value is a mistake on the command line: a usage error, shown at the declaration.
    @Test func twoWordsForAnIntegerParameterSayWhichValueIsWrong() throws {
        let folder = try folder(with: ["t.md": Self.declaringT])
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("t.md").path
        let outcome = NotebookCommand.execute(["run", path, "-p", "t=300 400", "-q", "--no-cache",
                                               "--output", folder.appendingPathComponent("site").path])
        #expect(outcome.exitCode == 2)
        #expect(outcome.message == """
            \(path):4:11: error: -p t=300 400: '300 400' is not a valid integer for parameter 't' (declared as 300); give one value, or quote text with spaces
              param t = 300
                        ^~~
            1 error in \(path)
            """)
    }

    @Test func aNotebookThatIsNoRegularFileIsNamedAsSuchAndNeverHangs() throws {
        let folder = try folder(with: [:])
        defer { try? FileManager.default.removeItem(at: folder) }
        let fifo = folder.appendingPathComponent("pipe.md").path
        #expect(mkfifo(fifo, 0o600) == 0)
        let advice = "; give a Markdown file such as notebooks/vae.md"
        let cases = [(fifo, "is a FIFO (named pipe), not a regular file"),
                     ("/dev/zero", "is a character device, not a regular file"),
                     ("/proc/self/mem", "is a kernel interface file (/proc, /sys), not a regular file")]
        for (path, reason) in cases {
            let outcome = NotebookCommand.execute(["check", path])
            #expect(outcome.exitCode == 2, "\(path)")
            #expect(outcome.message == "\(path): error: \(reason)\(advice)")
        }
    }

    @Test func aFIFOTheNotebookNamesIsNoCheckpoint() throws {
        let notebook = "# F\n\n```swift-vae\nmodel mlp encoder=[8] latent=2 decoder=[8]\nload weights pipe.ckpt\n```\n"
        let folder = try folder(with: ["f.md": notebook])
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(mkfifo(folder.appendingPathComponent("pipe.ckpt").path, 0o600) == 0)
        let path = folder.appendingPathComponent("f.md").path
        let outcome = NotebookCommand.execute(["run", path, "-q", "--no-cache", "--output", folder.appendingPathComponent("site").path])
        #expect(outcome.exitCode == 1)
        #expect(outcome.message == """
            \(path):5:14: error: cannot load 'pipe.ckpt': it is a FIFO (named pipe), not a regular file
              load weights pipe.ckpt
                           ^~~~~~~~~
            1 error in \(path)
            """)
    }

    @Test func aRunThatFailsLeavesNoSiteFolderBehind() throws {
        // Saved from one architecture, loaded into another: only running finds out.
        let notebook = """
            # Mismatch

            ```swift-vae
            model mlp encoder=[8] latent=2 decoder=[8]
            save weights a.ckpt
            model mlp encoder=[9] latent=2 decoder=[8] name=other
            load weights a.ckpt
            ```
            """
        let folder = try folder(with: ["m.md": notebook])
        defer { try? FileManager.default.removeItem(at: folder) }
        let site = folder.appendingPathComponent("new/site")
        let outcome = NotebookCommand.execute(["run", folder.appendingPathComponent("m.md").path, "-q", "--no-cache",
                                               "--output", site.path])
        #expect(outcome.exitCode == 1)
        #expect(outcome.message.contains("m.md:7:1: error: checkpoint"), "\(outcome.message)")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("new").path))
    }

    @Test func aHugeTitleIsCutInTheIndexTheManifestAndTheWindowTitle() throws {
        let words = String(repeating: "word ", count: 20_000)
        let notebook = "# \(words)\n\n```swift-vae\nmodel mlp encoder=[8] latent=2 decoder=[8]\n```\n"
        let folder = try folder(with: ["long.md": notebook])
        defer { try? FileManager.default.removeItem(at: folder) }
        let site = folder.appendingPathComponent("site").path
        let outcome = NotebookCommand.execute(["run", folder.appendingPathComponent("long.md").path, "-q", "--no-cache",
                                               "--output", site])
        #expect(outcome.exitCode == 0, "\(outcome.message)")
        let cut = String(repeating: "word ", count: 40).dropLast() + "…"
        let index = try String(contentsOfFile: site + "/index.html", encoding: .utf8)
        let manifest = try String(contentsOfFile: site + "/site.json", encoding: .utf8)
        let page = try String(contentsOfFile: site + "/long.html", encoding: .utf8)
        #expect(index.contains(">\(cut)</a>"))
        #expect(index.utf8.count < 10_000)
        #expect(manifest.contains("\"title\" : \"\(cut)\""))
        #expect(page.contains("<title>\(cut)</title>"))
    }

    @Test func aNotebookNamedIndexKeepsItsPageBesideTheSiteIndex() throws {
        let model = "```swift-vae\nmodel mlp encoder=[8] latent=2 decoder=[8]\n```\n"
        let folder = try folder(with: ["index.md": "# The index notebook\n\n" + model, "vae.md": "# The VAE\n\n" + model])
        defer { try? FileManager.default.removeItem(at: folder) }
        let site = folder.appendingPathComponent("site").path
        let outcome = NotebookCommand.execute(["build", folder.path, "-q", "--no-cache", "--output", site])
        #expect(outcome.exitCode == 0, "\(outcome.message)")
        let files = Set(try FileManager.default.contentsOfDirectory(atPath: site))
        #expect(files.isSuperset(of: ["index.html", "index-notebook.html", "vae.html", "site.json"]))
        let index = try String(contentsOfFile: site + "/index.html", encoding: .utf8)
        #expect(index.contains("<a href=\"index-notebook.html\">The index notebook</a>"))
        #expect(index.contains("<a href=\"vae.html\">The VAE</a>"))
        let page = try String(contentsOfFile: site + "/index-notebook.html", encoding: .utf8)
        #expect(page.contains("<title>The index notebook</title>"))
    }
}
