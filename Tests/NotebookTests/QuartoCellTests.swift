import Foundation
import Notebook
import NotebookResults
import Testing
import VAEEngine

/// What Quarto and Jupyter users type: ```` ```{swift-vae} ```` fences, `#|` cell options,
/// YAML front matter and its `params:`. Errors with their positions are in
/// `NotebookCompilerTests.brokenCases`.
@Suite struct QuartoCellTests {
    static func compile(_ markdown: String, overrides: [String: String] = [:]) throws -> NotebookProgram {
        try NotebookCompiler.compile(MarkdownParser.parse(markdown, path: "nb.md"), source: markdown, overrides: overrides)
    }

    @Test func quartoFenceRunsLikeThePlainOne() throws {
        let plain = try Self.compile("# T\n\n```swift-vae\nseed 3\ndata fashion-mnist train=100\n```\n")
        let quarto = try Self.compile("# T\n\n```{swift-vae}\nseed 3\ndata fashion-mnist train=100\n```\n")
        #expect(quarto.blocks == plain.blocks)
        #expect(quarto.seed == 3)
        let block = try #require(quarto.document.codeBlocks.first)
        #expect(block.language == "swift-vae" && block.attributes.isEmpty && block.isRunnable)
    }

    @Test func attributesInsideTheBracesApply() throws {
        let program = try Self.compile("```{swift-vae #fit tolerance=1e-2 pixel-tolerance=0.1}\nseed 1\n```\n")
        #expect(program.blocks[0].tolerance == CheckTolerance(relative: 1e-2, pixel: 0.1))
        #expect(program.document.codeBlocks[0].attributes == "{#fit tolerance=1e-2 pixel-tolerance=0.1}")
    }

    @Test func otherBracedFencesAreNotRun() throws {
        let document = MarkdownParser.parse("```{python}\nprint(1)\n```\n\n```{.swift-vae}\nseed 1\n```\n", path: "nb.md")
        #expect(document.codeBlocks.map(\.language) == ["python", "{.swift-vae}"])
        #expect(document.runnableBlocks.isEmpty)
    }

    static let cells = """
        # Cells

        ```{swift-vae}
        #| label: setup
        #| echo: false
        #| tolerance: 1e-2   # looser for this block
        seed 1
        data fashion-mnist train=100
        ```

        ```swift-vae {pixel-tolerance=0.1}
        #| output: false
        #|label: "model-2"
        model mlp encoder=[8] latent=2 decoder=[8]
        ```

        ```swift-vae
        # an ordinary comment, not an option
        summary
        ```
        """

    @Test func cellOptionsReachTheProgramsDocument() throws {
        let program = try Self.compile(Self.cells)
        let cells = program.document.codeBlocks.map(\.cell)
        #expect(cells == [CellDisplay(echo: false, output: true, label: "setup", optionLineCount: 3),
                          CellDisplay(echo: true, output: false, label: "model-2", optionLineCount: 2),
                          nil])
        #expect(program.blocks.map(\.tolerance) == [CheckTolerance(relative: 1e-2, pixel: CheckTolerance.default.pixel),
                                                    CheckTolerance(relative: CheckTolerance.default.relative, pixel: 0.1),
                                                    .default])
        // Option lines are comments to the command parser: commands keep their lines.
        #expect(program.blocks[0].commands.map(\.location.description) == ["nb.md:7:1", "nb.md:8:1"])
        #expect(program.blocks[1].commands.map(\.location.description) == ["nb.md:14:1"])
        // The Markdown stage's document is untouched; the source keeps the option lines.
        #expect(MarkdownParser.parse(Self.cells, path: "nb.md").codeBlocks.allSatisfy { $0.cell == nil })
        #expect(program.document.codeBlocks[0].source.hasPrefix("#| label: setup\n"))
    }

    @Test func cellOptionsSurviveResultsJSON() throws {
        let document = try Self.compile(Self.cells).document
        let json = try ResultsJSON.encoder().encode(document)
        #expect(try ResultsJSON.decoder().decode(Document.self, from: json) == document)
        let text = String(decoding: json, as: UTF8.self)
        #expect(text.contains("\"cell\":{\"echo\":false,\"label\":\"setup\",\"optionLineCount\":3,\"output\":true}"))
        // A block without options writes no `cell`, so results written before them read the same.
        #expect(text.components(separatedBy: "\"cell\"").count == 3)
    }

    static let frontMatter = """
        ---
        title: "Params: a test"   # YAML comments are fine
        author: [someone, someone else]
        format:
          html:
            toc: true
        params:
          epochs: 2
          label: "two words"
        check:
          tolerance: 0.01
        ---

        # Heading

        ```swift-vae
        seed 1
        data fashion-mnist train=100
        model mlp encoder=[8] latent=2 decoder=[8]
        train epochs=$epochs
        ```
        """

    @Test func paramsDeclareParameters() throws {
        let program = try Self.compile(Self.frontMatter)
        #expect(program.document.title == "Params: a test")
        #expect(program.tolerance.relative == 0.01)
        #expect(program.parameters.map(\.name) == ["epochs", "label"])
        #expect(program.parameters.map(\.value) == ["2", "\"two words\""])
        let train = try #require(program.blocks[0].commands[3].command as? TrainCommand)
        #expect(train.plan.epochs == 2)

        let overridden = try Self.compile(Self.frontMatter, overrides: ["epochs": "1"])
        #expect((overridden.blocks[0].commands[3].command as? TrainCommand)?.plan.epochs == 1)
        #expect(overridden.parameters.map(\.value) == ["1", "\"two words\""])
    }

    @Test func aBadOverrideOfAParamsParameterPointsAtIt() {
        do {
            _ = try Self.compile(Self.frontMatter, overrides: ["epochs": "1 2"])
            Issue.record("expected an error")
            return
        } catch let error as ParameterOverrideError {
            // A usage error, placed at the value it overrides.
            #expect(error.description.hasPrefix("nb.md:8:11: error: -p epochs=1 2: '1 2' is not a valid integer for parameter 'epochs' "
                + "(declared as 2); give one value, or quote text with spaces\n"))
        } catch {
            Issue.record("unexpected \(type(of: error)): \(error)")
        }
    }

    @Test func frontMatterEntriesKeepShapesAndPositions() {
        let document = MarkdownParser.parse(Self.frontMatter, path: "nb.md")
        let entries = document.frontMatter.entries
        #expect(entries.map(\.key) == ["title", "author", "format", "format.html", "format.html.toc",
                                       "params", "params.epochs", "params.label", "check", "check.tolerance"])
        #expect(entries.map(\.shape) == [.scalar, .list, .mapping, .mapping, .scalar, .mapping, .scalar, .scalar, .mapping, .scalar])
        #expect(entries[6].keyLocation.description == "nb.md:8:3")
        #expect(entries[6].valueLocation.description == "nb.md:8:11")
        #expect(document.frontMatter.problems.isEmpty)
    }

    @Test func anEmptyFrontMatterIsFine() throws {
        let program = try Self.compile("---\n# nothing yet\n---\n\n```swift-vae\nseed 1\n```\n")
        #expect(program.document.frontMatter.entries.isEmpty)
        #expect(program.blocks[0].location.line == 5)
    }
}
