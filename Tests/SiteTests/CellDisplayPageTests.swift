import Foundation
import NotebookResults
import Site
import Testing

/// `#| echo`, `#| output` and `#| label` reach the page through the run's results alone:
/// each run here goes through `ResultsJSON` before it is rendered.
@Suite struct CellDisplayPageTests {
    static func block(_ source: String, index: Int, cell: CellDisplay?) -> CodeBlock {
        CodeBlock(language: "swift-vae", attributes: "", source: source,
                  fenceLocation: .init(file: "notebooks/cells.md", line: 3 + 6 * index, column: 1),
                  firstContentLine: 4 + 6 * index, contentColumn: 1, index: index, cell: cell)
    }

    static let run = RunResult(
        document: Document(path: "notebooks/cells.md", title: "Cells", segments: [
            .code(block("#| echo: false\n#| label: setup\nseed 1\ntable losses", index: 0,
                        cell: CellDisplay(echo: false, label: "setup", optionLineCount: 2))),
            .code(block("#| output: false\nplot losses", index: 1, cell: CellDisplay(output: false, optionLineCount: 1))),
            .code(block("#| tolerance: 1e-2\nsave weights demo.ckpt", index: 2, cell: CellDisplay(optionLineCount: 1))),
            .code(block("# a comment\nsummary", index: 3, cell: nil)),
        ]),
        results: [
            BlockResult(blockIndex: 0, outputs: [.text("hidden code, shown output")], seconds: 0.01),
            BlockResult(blockIndex: 1, outputs: [.text("shown code, hidden output")], seconds: 0.01),
            BlockResult(blockIndex: 2, outputs: [.text("saved")], seconds: 0.01),
            BlockResult(blockIndex: 3, outputs: [.text("a summary")], seconds: 0.01),
        ],
        manifest: Fixtures.demoRun.manifest)

    static func page() throws -> String {
        let json = try ResultsJSON.encoder().encode(run)
        let decoded = try ResultsJSON.decoder().decode(RunResult.self, from: json)
        #expect(decoded == run)
        return renderNotebookPage(decoded)
    }

    @Test func echoFalseHidesTheCodeAndKeepsTheOutputs() throws {
        let page = try Self.page()
        #expect(!page.contains("seed 1"))
        #expect(page.contains("""
            <div class="cell" id="setup">
            <div class="outputs">
            <pre class="output">hidden code, shown output</pre>
            </div>
            </div>
            """))
    }

    @Test func outputFalseShowsTheCodeAndHidesTheOutputs() throws {
        let page = try Self.page()
        #expect(page.contains("<pre class=\"code\" data-language=\"swift-vae\"><code>plot losses</code></pre>\n"))
        #expect(!page.contains("shown code, hidden output"))
    }

    @Test func optionLinesAreLeftOutOfTheCode() throws {
        let page = try Self.page()
        #expect(!page.contains("#|"))
        #expect(page.contains("<code>save weights demo.ckpt</code>"))
        // An ordinary comment is code like any other.
        #expect(page.contains("<code># a comment\nsummary</code>"))
        #expect(page.components(separatedBy: "<div class=\"outputs\">").count == 4)
    }

    @Test func resultsWrittenBeforeCellOptionsStillRender() throws {
        // Fixtures/run-result.json has no `cell`, `shape` or `problems`.
        let run = try PageFromResultsJSONTests.fixture()
        #expect(run.document.codeBlocks.allSatisfy { $0.cell == nil })
        #expect(renderNotebookPage(run).contains("<code>param epochs = 1\nseed 5"))
    }
}
