import Foundation
import Notebook
import NotebookResults
import Testing
import TestSupport
import VAEEngine

/// What can be known before training is checked before training: the data a figure needs,
/// the kind of a `-p` value, and whether the dataset is on this machine or can be fetched.
@Suite struct UpFrontCheckTests {
    static func compile(_ markdown: String, overrides: [String: String] = [:],
                        datasets: DatasetLocations? = nil) throws -> NotebookProgram {
        let document = MarkdownParser.parse(markdown, path: "nb.md")
        return try NotebookCompiler.compile(document, source: markdown, overrides: overrides, datasets: datasets)
    }

    /// The whole report of the notebook's errors, or "compiles" when there are none.
    static func report(_ markdown: String, overrides: [String: String] = [:], datasets: DatasetLocations? = nil) -> String {
        do {
            _ = try compile(markdown, overrides: overrides, datasets: datasets)
            return "compiles"
        } catch let errors as NotebookErrors {
            return errors.description
        } catch let error as ParameterOverrideError {
            return "usage: " + error.description
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

    // MARK: - The kind of a -p value

    @Test(arguments: [
        ("epochs", "abc", "parameter 'epochs' takes a number (declared as 2), not 'abc'"),
        ("epochs", "[1,2]", "parameter 'epochs' takes a number (declared as 2), not '[1,2]'"),
        ("hidden", "64", "parameter 'hidden' takes a list such as [400, 200] (declared as [16,8]), not '64'"),
        ("dataset", "5", "parameter 'dataset' takes a word (declared as fashion-mnist), not '5'"),
        ("dataset", "[mnist]", "parameter 'dataset' takes a word (declared as fashion-mnist), not '[mnist]'"),
    ])
    func aValueOfAnotherKindIsAUsageErrorAtTheDeclaration(name: String, value: String, problem: String) {
        let markdown = Self.kinds
        let report = Self.report(markdown, overrides: [name: value])
        #expect(report.hasPrefix("usage: nb.md:"), "\(report)")
        #expect(report.contains(": error: -p \(name)=\(value): \(problem)\n"), "\(report)")
        #expect(report.hasSuffix("1 error in nb.md"), "\(report)")
    }

    @Test(arguments: [("epochs", "0.5"), ("beta", "0.5"), ("beta", "2"), ("hidden", "[400, 200]"),
                      ("dataset", "mnist"), ("label", "5"), ("label", "two words")])
    func aValueOfItsKindIsTaken(name: String, value: String) throws {
        // A number for an integer is taken here; the command that uses it checks its range.
        let markdown = Self.kinds.replacingOccurrences(of: "train epochs=$epochs\n", with: "")
        #expect(Self.report(markdown, overrides: [name: value]) == "compiles")
    }

    static let kinds = """
        # T

        ```swift-vae
        param epochs = 2
        param beta = 1
        param hidden = [16, 8]
        param dataset = fashion-mnist
        param label = "a label"
        data $dataset train=300 test=30
        model mlp encoder=$hidden latent=2 decoder=[8]
        train epochs=$epochs
        ```

        """

    @Test func theWrongKindIsReportedBeforeTheNotebooksOwnErrors() {
        let markdown = Self.kinds + "```swift-vae\nshow samples 1000\n```\n"
        #expect(Self.report(markdown).hasPrefix("nb.md:14:14: error: "))
        let report = Self.report(markdown, overrides: ["epochs": "abc"])
        #expect(report.hasPrefix("usage: nb.md:4:16: error: -p epochs=abc:"), "\(report)")
    }

    // MARK: - Datasets

    /// Dataset locations with nothing in them, and an MNIST mirror that refuses at once (a
    /// port on the loopback interface nothing listens on), so no test needs the network.
    static func emptyLocations(in folder: URL) -> DatasetLocations {
        DatasetLocations(fashionMNIST: folder.appendingPathComponent("fashion").path, cache: folder.appendingPathComponent("cache"),
                         mnistMirrors: [URL(string: "http://127.0.0.1:9/")!])
    }

    @Test func mnistThatCannotBeFetchedIsAnErrorAtItsDataLineWithTheAdvice() throws {
        let folder = try makeTemporaryFolder("up-front-data")
        defer { try? FileManager.default.removeItem(at: folder) }
        let report = Self.report(Self.notebook(data: "data mnist train=300"), datasets: Self.emptyLocations(in: folder))
        let mnist = folder.appendingPathComponent("cache/mnist").path
        let lines = report.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.first == "nb.md:5:1: error: cannot download train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, "
                + "t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz into \(mnist): every mirror failed", "\(report)")
        #expect(lines.dropFirst().prefix(2) == ["  data mnist train=300", "  ^~~~~~~~~~~~~~~~~~~~"])
        #expect(lines.contains { $0.hasPrefix("  http://127.0.0.1:9/train-images-idx3-ubyte.gz: ") }, "\(report)")
        #expect(lines.contains { $0.hasPrefix("to work offline, copy train-images-idx3-ubyte.gz") && $0.contains(mnist) },
                "\(report)")
        #expect(lines.last == "1 error in nb.md")
    }

    @Test func mnistAlreadyThereIsFoundWithoutTheNetwork() throws {
        let folder = try makeTemporaryFolder("up-front-data")
        defer { try? FileManager.default.removeItem(at: folder) }
        let mnist = folder.appendingPathComponent("cache/mnist")
        try FileManager.default.createDirectory(at: mnist, withIntermediateDirectories: true)
        // A copy that is not MNIST's is the user's: an error before training, as it is when loading.
        for file in MNIST.files { try Data("not mnist".utf8).write(to: mnist.appendingPathComponent(file.name)) }
        let report = Self.report(Self.notebook(data: "data mnist"), datasets: Self.emptyLocations(in: folder))
        #expect(report.hasPrefix("nb.md:5:1: error: \(mnist.path)/train-images-idx3-ubyte.gz: not MNIST's file"), "\(report)")
    }

    @Test func missingFashionMNISTIsAnErrorAtItsDataLine() throws {
        let folder = try makeTemporaryFolder("up-front-data")
        defer { try? FileManager.default.removeItem(at: folder) }
        let fashion = folder.appendingPathComponent("fashion").path
        #expect(Self.report(Self.notebook(), datasets: Self.emptyLocations(in: folder)) == """
            nb.md:5:1: error: \(fashion)/train-images-idx3-ubyte.gz: no such file (the folder \(fashion) does not exist); \
            \(FashionMNIST.missingFileHint)
              data fashion-mnist train=300 test=30
              ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
            1 error in nb.md
            """)
        // Where it is installed, it is found; without locations, nothing is looked for.
        #expect(Self.report(Self.notebook(), datasets: DatasetLocations()) == "compiles")
        #expect(Self.report(Self.notebook(data: "data mnist")) == "compiles")
    }

    // MARK: - Parameter descriptions

    @Test func theCommentAfterAParamLineIsItsDescription() throws {
        let program = try Self.compile("""
            # T

            ```swift-vae
            param epochs = 9   # later epochs; override with -p epochs=2
            param label = "a # in a string"
            param train = 500 #
            ```
            """)
        #expect(program.parameterDescriptions == ["epochs": "later epochs; override with -p epochs=2"])
    }
}
