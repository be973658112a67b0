import Foundation
import Notebook
import NotebookResults
import Testing
import TestSupport
import VAEEngine

/// What can be known before training is checked before training: the data a figure needs,
/// the kind of a `-p` value, and whether the dataset is on this machine or can be fetched.
@Suite struct UpFrontCheckTests {
    static func compile(_ markdown: String, overrides: [String: String] = [:]) throws -> NotebookProgram {
        let document = MarkdownParser.parse(markdown, path: "nb.md")
        return try NotebookCompiler.compile(document, source: markdown, overrides: overrides)
    }

    /// The whole report of the notebook's errors, or "compiles" when there are none.
    static func report(_ markdown: String, overrides: [String: String] = [:]) -> String {
        do {
            _ = try compile(markdown, overrides: overrides)
            return "compiles"
        } catch let errors as NotebookErrors {
            return errors.description
        } catch {
            return "unexpected: \(error)"
        }
    }

    static func notebook(data: String = "data fashion-mnist train=300 test=30", _ lines: String...) -> String {
        (["# T", "", "```swift-vae", "seed 1", data, "model mlp encoder=[8] latent=2 decoder=[8]", "train epochs=1"]
            + lines + ["```", ""]).joined(separator: "\n")
    }

    // MARK: - Figures against the data's size

    @Test func aTraversalOfATestImageBeyondTheDataIsAnErrorAtItsImage() {
        #expect(Self.report(Self.notebook("show traversal image=150")) == """
            nb.md:8:22: error: image=150 needs 150 test images; the data on line 5 has 30
              show traversal image=150
                                   ^~~
            1 error in nb.md
            """)
        #expect(Self.report(Self.notebook("show traversal image=30")) == "compiles")
    }

    @Test func interpolationPairsNeedTwoTestImagesEach() {
        #expect(Self.report(Self.notebook("show interpolation pairs=20")) == """
            nb.md:8:26: error: pairs=20 needs 40 test images; the data on line 5 has 30
              show interpolation pairs=20
                                       ^~
            1 error in nb.md
            """)
        #expect(Self.report(Self.notebook("show interpolation pairs=15")) == "compiles")
        // The default, four pairs, needs eight.
        #expect(Self.report(Self.notebook(data: "data fashion-mnist test=7", "show interpolation")).hasPrefix(
            "nb.md:8:1: error: pairs=4 needs 8 test images; the data on line 5 has 7\n"))
    }

    @Test func moreReconstructionsThanImagesIsAnErrorNotASmallerFigure() {
        #expect(Self.report(Self.notebook("show reconstructions 100")) == """
            nb.md:8:22: error: show reconstructions 100 needs 100 test images; the data on line 5 has 30
              show reconstructions 100
                                   ^~~
            1 error in nb.md
            """)
        #expect(Self.report(Self.notebook("show reconstructions 100 from=train")) == "compiles")
        #expect(Self.report(Self.notebook(data: "data fashion-mnist train=50", "show reconstructions 60 from=train"))
            .hasPrefix("nb.md:8:22: error: show reconstructions 60 needs 60 train images; the data on line 5 has 50\n"))
    }

    @Test func theDatasetsOwnSizesCountWhenTheDataLineGivesNone() {
        #expect(Self.report(Self.notebook(data: "data mnist", "show traversal image=10000")) == "compiles")
    }

    @Test func theSizesOfTheLatestDataLineCount() {
        let markdown = Self.notebook("data fashion-mnist test=500", "show traversal image=150")
        #expect(Self.report(markdown) == "compiles")
    }
}
