import Foundation
import Testing
import TestSupport

/// Every notebook in `notebooks/` runs end to end with short parameters (the README's
/// full-length runs are done by hand). MNIST notebooks run on Fashion-MNIST here, as their
/// `dataset` parameter allows, because tests never download.
@Suite(.serialized) struct ReferenceNotebookTests {
    static let notebooks = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("notebooks")

    struct Case: CustomTestStringConvertible, Sendable {
        var file: String
        var parameters: [String]
        var minimumFigures: Int
        var testDescription: String { file }
    }

    static let short = ["-p", "epochs=1", "-p", "train=2000"]
    static let cases: [Case] = [
        Case(file: "vae.md", parameters: ["-p", "epochs=1", "-p", "train=2000"], minimumFigures: 4),
        Case(file: "tf1-mlp-fashion.md", parameters: ["-p", "steps=30", "-p", "train=2000"], minimumFigures: 3),
        Case(file: "tf2-mlp-2d.md", parameters: short + ["-p", "dataset=fashion-mnist"], minimumFigures: 3),
        Case(file: "tf-cvae.md", parameters: short + ["-p", "dataset=fashion-mnist"], minimumFigures: 3),
        Case(file: "keras-elu-mlp.md", parameters: short + ["-p", "dataset=fashion-mnist"], minimumFigures: 3),
        Case(file: "pytorch-mlp.md", parameters: short + ["-p", "dataset=fashion-mnist"], minimumFigures: 4),
    ]

    @Test("reference notebooks run with short parameters", arguments: cases)
    func runsWithShortParameters(_ notebook: Case) throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = Self.notebooks.appendingPathComponent(notebook.file).path
        // Computed, never taken from a cache a developer's earlier runs left in notebooks/.
        let outcome = try NotebookBinary.run(["run", path, "--output", folder.path, "--quiet", "--no-cache"] + notebook.parameters,
                                             in: folder)
        #expect(outcome.status == 0, "\(notebook.file): \(outcome.standardError)")
        let page = folder.appendingPathComponent(notebook.file.replacingOccurrences(of: ".md", with: ".html"))
        let html = (try? String(contentsOf: page, encoding: .utf8)) ?? ""
        #expect(html.components(separatedBy: "<svg").count - 1 >= notebook.minimumFigures, "\(notebook.file)")
    }

    @Test func aTypoInTheLastBlockStopsTheRunBeforeAnyTraining() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        // The first block would train for minutes; the typo is reported before it starts.
        let notebook = """
            # Long run

            ```swift-vae
            seed 1
            data fashion-mnist
            model mlp encoder=[400] latent=20 decoder=[400]
            train epochs=100
            ```

            ```swift-vae
            show samlpes 16
            ```
            """
        try notebook.write(to: folder.appendingPathComponent("long.md"), atomically: true, encoding: .utf8)
        let outcome = try NotebookBinary.run(["run", "long.md", "--output", "site"], in: folder)
        #expect(outcome.status == 1)
        #expect(outcome.standardError.contains("long.md:11:6: error: unknown show 'samlpes' (did you mean 'samples'?)"))
        #expect(!outcome.standardError.contains("epoch"))
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("site").path))
    }
}
