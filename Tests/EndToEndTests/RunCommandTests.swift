import Foundation
import Testing
import TestSupport

/// Runs the built `notebook` binary on small notebooks and checks what it wrote.
@Suite(.serialized) struct RunCommandTests {
    static let tinyNotebook = """
        # Tiny notebook

        A few hundred real Fashion-MNIST images, two epochs: enough to see every stage work.

        ```swift-vae
        param epochs = 2
        seed 3
        data fashion-mnist train=300 test=100
        model mlp encoder=[64] latent=4 decoder=[64]
        train epochs=1 batch=50 lr=1e-3
        show reconstructions 5
        ```

        ```swift-vae
        train epochs=$epochs batch=50 lr=1e-3
        table losses
        plot losses
        show reconstructions 5
        show samples 9
        ```
        """

    func write(_ text: String, named name: String, in folder: URL) throws {
        try text.write(to: folder.appendingPathComponent(name), atomically: true, encoding: .utf8)
    }

    func read(_ folder: URL, _ path: String) throws -> String {
        try String(contentsOf: folder.appendingPathComponent(path), encoding: .utf8)
    }

    /// The per-epoch loss rows of the page's loss table.
    func lossTable(_ html: String) -> String {
        guard let start = html.range(of: "<table"), let end = html.range(of: "</table>") else { return "" }
        return String(html[start.lowerBound..<end.upperBound])
    }

    @Test func runWritesThePageIndexAndStylesheet() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try write(Self.tinyNotebook, named: "tiny.md", in: folder)

        let outcome = try NotebookBinary.run(["run", "tiny.md", "--output", "out"], in: folder)
        #expect(outcome.status == 0, "stderr: \(outcome.standardError)")
        #expect(outcome.standardError.contains("epoch 2/2"))

        let page = try read(folder, "out/tiny.html")
        #expect(page.components(separatedBy: "<svg").count - 1 >= 4)
        #expect(page.contains("Tiny notebook"))
        #expect(page.contains("A few hundred real Fashion-MNIST images"))
        // No request leaves the page (the SVG namespace is a name, not a request).
        let requests = page.replacingOccurrences(of: "xmlns=\"http://www.w3.org/2000/svg\"", with: "")
        #expect(!requests.contains("http://") && !requests.contains("https://"))
        let table = lossTable(page)
        #expect(table.contains("<td") && table.components(separatedBy: "<tr").count - 1 == 4)  // header + 3 epochs
        #expect(try read(folder, "out/index.html").contains("tiny.html"))
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("out/style.css").path))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("out").path)
            .filter { !["tiny.html", "tiny", "index.html", "style.css", "site.json"].contains($0) }
        #expect(leftovers.isEmpty, "unexpected files: \(leftovers)")

        // The same notebook again, computed anew, gives the same loss figures, to the last digit.
        let again = try NotebookBinary.run(["run", "tiny.md", "--output", "again", "--quiet", "--no-cache"], in: folder)
        #expect(again.status == 0, "stderr: \(again.standardError)")
        #expect(again.standardError.isEmpty)
        #expect(lossTable(try read(folder, "again/tiny.html")) == table)
    }

    @Test func lossDecreasesAcrossEpochs() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try write(Self.tinyNotebook, named: "tiny.md", in: folder)
        let outcome = try NotebookBinary.run(["run", "tiny.md", "-p", "epochs=4", "--output", "out"], in: folder)
        #expect(outcome.status == 0, "stderr: \(outcome.standardError)")
        let trainLosses = outcome.standardError.split(separator: "\n").compactMap { line -> Double? in
            guard let range = line.range(of: "train ") else { return nil }
            return Double(line[range.upperBound...].split(separator: " ")[0])
        }
        #expect(trainLosses.count == 5)
        #expect(trainLosses.last! < trainLosses.first!)
    }

    @Test func invalidNotebookReportsEveryErrorAndWritesNothing() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let broken = Self.tinyNotebook
            .replacingOccurrences(of: "table losses", with: "tabel losses")
            .replacingOccurrences(of: "show samples 9", with: "show samples 9 size=3")
        try write(broken, named: "broken.md", in: folder)
        let outcome = try NotebookBinary.run(["run", "broken.md", "--output", "out"], in: folder)
        #expect(outcome.status == 1)
        #expect(outcome.standardError.contains("broken.md:16:1: error: unknown command 'tabel' (did you mean 'table'?)"))
        #expect(outcome.standardError.contains("broken.md:19:16: error: 'size' belongs to 'data npy', not 'show samples'"))
        #expect(outcome.standardError.contains("2 errors in broken.md"))
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("out").path))
    }

    @Test func usageErrorsExitWithTwo() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try write(Self.tinyNotebook, named: "tiny.md", in: folder)
        let missing = try NotebookBinary.run(["run", "nowhere.md"], in: folder)
        #expect(missing.status == 2)
        #expect(missing.standardError.contains("nowhere.md: error: no such file"))
        let unknownParameter = try NotebookBinary.run(["run", "tiny.md", "-p", "epoch=1"], in: folder)
        #expect(unknownParameter.status == 2)
        #expect(unknownParameter.standardError.contains("did you mean 'epochs'?"))
        let badFlag = try NotebookBinary.run(["run", "tiny.md", "--threads", "0"], in: folder)
        #expect(badFlag.status == 2)
    }
}
