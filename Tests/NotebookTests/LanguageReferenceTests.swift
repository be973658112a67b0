import Foundation
import Notebook
import NotebookResults
import Testing
import TestSupport

/// `docs/language.md` is generated from the parser's schemas, and every example in it compiles.
@Suite struct LanguageReferenceTests {
    static let documentURL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("docs/language.md")

    @Test func committedReferenceMatchesTheSchemas() throws {
        let generated = LanguageReference.markdown()
        if ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] == "1" {
            try generated.write(to: Self.documentURL, atomically: true, encoding: .utf8)
        }
        let committed = try String(contentsOf: Self.documentURL, encoding: .utf8)
        #expect(committed == generated, "docs/language.md is stale: run the tests with RECORD_SNAPSHOTS=1")
    }

    /// What an example may need before it: data, a 2-D model, and training.
    static let prelude = """
        param epochs = 1
        seed 1
        data fashion-mnist train=100
        model mlp encoder=[8] latent=2 decoder=[8] name=beta1
        train epochs=1
        model mlp encoder=[8] latent=2 decoder=[8] name=beta4
        train epochs=1 beta=4
        save weights vae.ckpt
        """

    @Test func everyExampleCompiles() throws {
        let reference = LanguageReference.markdown()
        let document = MarkdownParser.parse(reference, path: "language.md")
        let examples = document.runnableBlocks
        #expect(examples.count == CommandSchema.all.count)
        for example in examples {
            let lines = example.source.split(separator: "\n").map(String.init)
            // Commands that must come first ('param', 'seed', 'data', 'model') go before the prelude's.
            let first = lines.first?.split(separator: " ").first.map(String.init) ?? ""
            let standalone = ["param", "seed"].contains(first)
            let body = standalone ? example.source : Self.prelude + "\n" + example.source
            let markdown = "```swift-vae\n\(body)\n```\n"
            do {
                // In a folder holding the data files a `data idx`/`data npy` example names.
                let folder = try DatasetFileWriter.folder(forExamplesIn: body)
                defer { try? FileManager.default.removeItem(at: folder) }
                let path = folder.appendingPathComponent("example.md").path
                _ = try NotebookCompiler.compile(MarkdownParser.parse(markdown, path: path), source: markdown)
            } catch {
                Issue.record("example '\(example.source)' does not compile: \(error)")
            }
        }
        // The cell and front matter sections show whole notebooks.
        let notebooks = document.codeBlocks.filter { $0.language == "markdown" }
        #expect(notebooks.count == 2)
        for notebook in notebooks {
            do {
                let program = try NotebookCompiler.compile(MarkdownParser.parse(notebook.source, path: "example.md"),
                                                           source: notebook.source)
                #expect(!program.blocks.isEmpty)
            } catch {
                Issue.record("example notebook does not compile: \(error)\n\(notebook.source)")
            }
        }
    }
}
