import Foundation
import Testing
import TestSupport
import VAEEngine

/// The built binary doing what Quarto, Jupyter and papermill users expect: `--version`,
/// reproducible sites with `SOURCE_DATE_EPOCH`, the reproducing command, local images,
/// and `build -p` with a notebook that fails.
@Suite(.serialized) struct QuartoJupyterHabitsEndToEndTests {
    /// A notebook small enough to train in a second, showing a local image.
    static func tinyNotebook(title: String = "Tiny $\\beta$", seed: Int = 1, train: String = "lr=1e-3") -> String {
        """
        # \(title)

        A tiny notebook with a figure: ![the encoder](figs/encoder.png)

        ```swift-vae
        param epochs = 2
        seed \(seed)
        data fashion-mnist train=100 test=20
        model mlp encoder=[16] latent=2 decoder=[16]
        train epochs=$epochs batch=50 \(train)
        table losses
        show samples 4
        ```
        """
    }

    static let image = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 42])

    /// A folder holding `name` (the tiny notebook) and `figs/encoder.png` beside it.
    func makeFolder(_ name: String = "tiny.md", notebook: String = tinyNotebook()) throws -> URL {
        let folder = try makeTemporaryFolder("notebook-habits")
        try write(notebook, to: folder.appendingPathComponent(name))
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("figs"), withIntermediateDirectories: true)
        try Self.image.write(to: folder.appendingPathComponent("figs/encoder.png"))
        return folder
    }

    func write(_ text: String, to url: URL) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
    }

    /// Every file under `folder`, relative path → bytes.
    func files(under folder: URL) throws -> [String: Data] {
        var files: [String: Data] = [:]
        let base = folder.resolvingSymlinksInPath().path + "/"
        let enumerator = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey])
        while let url = enumerator?.nextObject() as? URL {
            guard try url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile == true else { continue }
            let path = url.resolvingSymlinksInPath().path
            files[path.hasPrefix(base) ? String(path.dropFirst(base.count)) : path] = try Data(contentsOf: url)
        }
        return files
    }

    func text(_ data: Data?) -> String { String(decoding: data ?? Data(), as: UTF8.self) }

    @Test func versionNamesTheEngineAndTheLoadedOpenBLAS() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let outcome = try NotebookBinary.run(["--version"], in: folder)
        #expect(outcome.status == 0)
        #expect(outcome.standardError == "")
        let lines = outcome.standardOutput.split(separator: "\n").map(String.init)
        #expect(lines.count == 4)
        #expect(lines.first?.hasPrefix("notebook ") == true)
        #expect(lines.contains("engine \(EngineInfo.version)"))
        #expect(lines.contains { $0.hasPrefix("cmark 0.") })
        #expect(lines.contains("OpenBLAS \(BLAS.configuration) (kernels for \(BLAS.coreName))"), "\(outcome.standardOutput)")
    }

    /// Two runs with the same SOURCE_DATE_EPOCH, from two folders, write the same bytes;
    /// every date is that one, and the footer reproduces --output and --threads.
    @Test func sourceDateEpochMakesTwoSitesByteIdentical() throws {
        let first = try makeFolder(), second = try makeFolder()
        defer {
            try? FileManager.default.removeItem(at: first)
            try? FileManager.default.removeItem(at: second)
        }
        let arguments = ["run", "tiny.md", "--output", "out", "--threads", "1", "--no-cache", "--quiet"]
        let environment = ["SOURCE_DATE_EPOCH": "1700000000"]
        for folder in [first, second] {
            let outcome = try NotebookBinary.run(arguments, in: folder, environment: environment)
            #expect(outcome.status == 0, "stderr: \(outcome.standardError)")
        }
        let one = try files(under: first.appendingPathComponent("out"))
        let two = try files(under: second.appendingPathComponent("out"))
        // The page's exports beside it, under names that are the same on both runs.
        #expect(Set(one.keys) == ["tiny.html", "index.html", "site.json", "style.css", "figs/encoder.png",
                                  "tiny/block-1-samples.svg", "tiny/block-1-samples.png", "tiny/losses.csv",
                                  "tiny/metrics.json"])
        #expect(Set(one.keys) == Set(two.keys))
        for (name, bytes) in one {
            #expect(bytes == two[name], "\(name) differs between the two runs")
        }
        #expect(one["figs/encoder.png"] == Self.image)
        let page = text(one["tiny.html"])
        #expect(page.contains("<dt>Finished</dt><dd>2023-11-14T22:13:20Z</dd>"), "\(page)")
        #expect(!page.contains("<dt>Run time</dt>"))
        #expect(page.contains("<code class=\"command\">notebook run tiny.md --output out --threads 1</code>"))
        #expect(page.contains("<img src=\"figs/encoder.png\" alt=\"the encoder\""))
        #expect(text(one["site.json"]).contains("\"lastRun\" : \"2023-11-14T22:13:20Z\""), "\(text(one["site.json"]))")
        let index = text(one["index.html"])
        #expect(index.contains("Last run 2023-11-14T22:13:20Z"))
        #expect(index.contains("Tiny <math display=\"inline\">"), "\(index)")
    }

    @Test(arguments: ["yesterday", "-5", "1.5", "1e9", " 12"])
    func anInvalidSourceDateEpochIsAUsageError(value: String) throws {
        let folder = try makeFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        for command in [["run", "tiny.md"], ["build", "."]] {
            let outcome = try NotebookBinary.run(command + ["--output", "out", "--quiet"], in: folder,
                                                 environment: ["SOURCE_DATE_EPOCH": value])
            #expect(outcome.status == 2)
            #expect(outcome.standardError == "error: SOURCE_DATE_EPOCH must be a whole number of seconds since "
                    + "1970-01-01 00:00 UTC, such as 1700000000; got '\(value)'\n")
            #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("out").path))
        }
    }

    @Test func aMissingImageStopsTheRunWithItsPosition() throws {
        let folder = try makeFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.removeItem(at: folder.appendingPathComponent("figs/encoder.png"))
        let outcome = try NotebookBinary.run(["run", "tiny.md", "--output", "out"], in: folder)
        #expect(outcome.status == 1)
        #expect(outcome.standardError.hasPrefix("tiny.md:3:32: error: image 'figs/encoder.png' not found"),
                "\(outcome.standardError)")
        #expect(!outcome.standardError.contains("[1/1]"), "nothing runs")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("out").path))
    }

    /// `-p` reaches the notebook that declares it; a notebook whose run fails keeps its
    /// previous page while the other's is rewritten, and the build exits 1.
    @Test func buildAppliesParametersAndKeepsTheLastGoodPageOfAFailedNotebook() throws {
        let folder = try makeFolder("notebooks/alpha.md", notebook: Self.tinyNotebook(title: "Alpha"))
        defer { try? FileManager.default.removeItem(at: folder) }
        let notebooks = folder.appendingPathComponent("notebooks")
        try FileManager.default.moveItem(at: folder.appendingPathComponent("figs"), to: notebooks.appendingPathComponent("figs"))
        let gammaGood = Self.tinyNotebook(title: "Gamma", seed: 3).replacingOccurrences(of: "param epochs = 2\n", with: "")
            .replacingOccurrences(of: "$epochs", with: "1")
        try write(gammaGood, to: notebooks.appendingPathComponent("gamma.md"))

        let first = try NotebookBinary.run(["build", "notebooks", "--quiet"], in: folder)
        #expect(first.status == 0, "stderr: \(first.standardError)")
        let site = folder.appendingPathComponent("site")
        let before = try files(under: site)

        // Gamma now diverges at run time: plain SGD at the largest learning rate allowed.
        try write(gammaGood.replacingOccurrences(of: "lr=1e-3", with: "optimizer=sgd lr=10")
                    .replacingOccurrences(of: "train=100 test=20", with: "train=300 test=100"),
                  to: notebooks.appendingPathComponent("gamma.md"))
        let second = try NotebookBinary.run(["build", "notebooks", "-p", "epochs=1", "--quiet"], in: folder)
        #expect(second.status == 1)
        #expect(second.standardError.hasPrefix("notebooks/gamma.md:9:1: error: training diverged"), "\(second.standardError)")
        #expect(second.standardError.hasSuffix("error: 1 of 2 notebooks failed: notebooks/gamma.md; the others were written "
                                               + "and the previous gamma.html kept in site\n"), "\(second.standardError)")
        let after = try files(under: site)
        #expect(after["gamma.html"] == before["gamma.html"], "the failed notebook's page is kept as it was")
        #expect(after["alpha.html"] != before["alpha.html"])
        let alpha = text(after["alpha.html"])
        #expect(alpha.contains("<code>epochs = 1</code> (set with <code>-p</code>)"), "\(alpha)")
        #expect(alpha.contains("<code class=\"command\">notebook run notebooks/alpha.md -p epochs=1</code>"))
        #expect(text(after["site.json"]).contains("\"href\" : \"gamma.html\""), "the index still lists it")
        #expect(text(after["index.html"]).contains("href=\"gamma.html\""))
        #expect(after["figs/encoder.png"] == Self.image)

        let unknown = try NotebookBinary.run(["build", "notebooks", "-p", "epoch=1", "--quiet"], in: folder)
        #expect(unknown.status == 2)
        #expect(unknown.standardError == "-p epoch: no notebook in notebooks declares a parameter 'epoch' "
                + "(did you mean 'epochs'?); they declare: epochs\n")
    }
}
