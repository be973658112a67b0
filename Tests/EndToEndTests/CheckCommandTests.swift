import Foundation
import Testing
import TestSupport
import VAEEngine

/// `notebook run --record` and `notebook check`, through the built binary: records are
/// byte-identical, unchanged notebooks pass, and every kind of drift is caught and placed.
@Suite(.serialized) struct CheckCommandTests {
    /// Block 1 only loads data and builds the model, block 2 trains, block 3 draws: so a
    /// change to training must be reported in block 2, a change to the data in block 1.
    static let notebook = """
        # Checked notebook

        ```swift-vae
        param epochs = 1
        seed 3
        data fashion-mnist train=300 test=100
        model mlp encoder=[64] latent=2 decoder=[64]
        ```

        ```swift-vae
        train epochs=$epochs batch=50 lr=1e-3
        ```

        ```swift-vae
        table losses
        plot losses
        show reconstructions 6
        show samples 6
        plot latent test count=100
        ```
        """

    func folderWithRecordedNotebook(_ text: String = notebook) throws -> URL {
        let folder = try makeTemporaryFolder()
        try text.write(to: folder.appendingPathComponent("checked.md"), atomically: true, encoding: .utf8)
        let recorded = try NotebookBinary.run(["run", "checked.md", "--record", "--output", "site", "-q"], in: folder)
        #expect(recorded.status == 0, "stderr: \(recorded.standardError)")
        return folder
    }

    func edit(_ folder: URL, _ change: (String) -> String) throws {
        let url = folder.appendingPathComponent("checked.md")
        let text = try String(contentsOf: url, encoding: .utf8)
        let changed = change(text)
        #expect(changed != text, "the edit must change the notebook")
        try changed.write(to: url, atomically: true, encoding: .utf8)
    }

    @Test func recordingTwiceWritesTheSameBytes() throws {
        let folder = try folderWithRecordedNotebook()
        defer { try? FileManager.default.removeItem(at: folder) }
        let first = try Data(contentsOf: folder.appendingPathComponent("checked.record.json"))
        let again = try NotebookBinary.run(["run", "checked.md", "--record", "--output", "site", "-q"], in: folder)
        #expect(again.status == 0)
        let second = try Data(contentsOf: folder.appendingPathComponent("checked.record.json"))
        #expect(first == second)
        let text = String(decoding: first, as: UTF8.self)
        #expect(text.contains("\"format\" : \"notebook-record/1\""))
        #expect(text.contains("\"epoch 1 test loss\""))
        #expect(text.contains("\"thumbnails\""))
        #expect(!text.contains(folder.path), "the record must not depend on where the notebook is")
    }

    @Test func anUnchangedNotebookPassesTwentyTimesOutOfTwenty() throws {
        let folder = try folderWithRecordedNotebook()
        defer { try? FileManager.default.removeItem(at: folder) }
        var passes = 0
        for _ in 0..<20 {
            let check = try NotebookBinary.run(["check", "checked.md", "-q"], in: folder)
            if check.status == 0 { passes += 1 } else { Issue.record("check failed: \(check.standardError)") }
        }
        #expect(passes == 20)
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("check-report").path))
    }

    /// (what changed, the edit, the first block that must be named)
    static let drifts: [(String, @Sendable (String) -> String, Int)] = [
        ("seed", { $0.replacingOccurrences(of: "seed 3", with: "seed 4") }, 2),
        ("learning rate", { $0.replacingOccurrences(of: "lr=1e-3", with: "lr=1.1e-3") }, 2),
        ("epoch count", { $0.replacingOccurrences(of: "param epochs = 1", with: "param epochs = 2") }, 2),
        ("dataset subset", { $0.replacingOccurrences(of: "train=300", with: "train=299") }, 1),
        ("figure", { $0.replacingOccurrences(of: "show samples 6", with: "show samples 7") }, 3),
    ]

    @Test(arguments: 0..<drifts.count) func driftIsCaughtAndTheFirstBlockNamed(case index: Int) throws {
        let (name, change, block) = Self.drifts[index]
        let folder = try folderWithRecordedNotebook()
        defer { try? FileManager.default.removeItem(at: folder) }
        try edit(folder, change)
        let check = try NotebookBinary.run(["check", "checked.md", "-q"], in: folder)
        #expect(check.status == 1, "\(name): \(check.standardError)")
        #expect(check.standardError.contains("first difference in block \(block) (checked.md:"), "\(name): \(check.standardError)")
        #expect(check.standardError.contains("drift: block \(block),"), "\(name)")
        #expect(check.standardError.contains("expected") && check.standardError.contains("actual"))
        let report = try String(contentsOf: folder.appendingPathComponent("check-report/checked.html"), encoding: .utf8)
        #expect(report.contains("Recorded") && report.contains("This run"))
    }

    @Test func aCheckpointWithOneWeightNudgedIsCaught() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let trainer = """
            ```swift-vae
            seed 3
            data fashion-mnist train=300 test=100
            model mlp encoder=[64] latent=2 decoder=[64]
            train epochs=1 batch=50 lr=1e-3
            save weights w.ckpt
            ```
            """
        try trainer.write(to: folder.appendingPathComponent("train.md"), atomically: true, encoding: .utf8)
        #expect(try NotebookBinary.run(["run", "train.md", "--output", "site", "-q"], in: folder).status == 0)
        let user = """
            ```swift-vae
            seed 3
            data fashion-mnist train=300 test=100
            model mlp encoder=[64] latent=2 decoder=[64]
            load weights w.ckpt
            ```

            ```swift-vae
            evaluate
            show samples 6
            ```
            """
        try user.write(to: folder.appendingPathComponent("checked.md"), atomically: true, encoding: .utf8)
        #expect(try NotebookBinary.run(["run", "checked.md", "--record", "--output", "site", "-q"], in: folder).status == 0)
        #expect(try NotebookBinary.run(["check", "checked.md", "-q"], in: folder).status == 0)

        // One weight of the first layer moved by 1e-3 (one the centre pixel feeds: border pixels
        // are almost always 0), saved as a valid checkpoint.
        let url = folder.appendingPathComponent("w.ckpt")
        let model = VAE(spec: try Checkpoint.read(from: url).spec)
        try Checkpoint.load(into: model, from: url)
        model.parameters[0].value[0, 14 * 28 + 14] += 1e-3  // the first unit's weight from the centre pixel
        try Checkpoint.save(model, to: url)

        let check = try NotebookBinary.run(["check", "checked.md", "-q"], in: folder)
        #expect(check.status == 1, "\(check.standardError)")
        #expect(check.standardError.contains("loaded file w.ckpt SHA-256"))
        #expect(check.standardError.contains("first difference in block 2 (checked.md:"), "\(check.standardError)")
    }

    /// A checkpoint the notebook saved earlier in the same run is an output, not an input:
    /// the record does not list its SHA-256 (its bits follow the engine's, and a tolerant
    /// check across engines must not fail on them), while one from elsewhere is listed.
    @Test func aCheckpointSavedByTheRunItselfIsNotAnInput() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let notebook = """
            ```swift-vae
            seed 3
            data fashion-mnist train=300 test=100
            model mlp encoder=[64] latent=2 decoder=[64]
            train epochs=1 batch=50 lr=1e-3
            save weights own.ckpt
            load weights own.ckpt
            evaluate
            ```
            """
        try notebook.write(to: folder.appendingPathComponent("own.md"), atomically: true, encoding: .utf8)
        #expect(try NotebookBinary.run(["run", "own.md", "--record", "--output", "site", "-q"], in: folder).status == 0)
        let data = try Data(contentsOf: folder.appendingPathComponent("own.record.json"))
        let record = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let manifest = try #require(record["manifest"] as? [String: Any])
        #expect((manifest["inputs"] as? [String: String]) == [:], "\(manifest)")
        #expect(try NotebookBinary.run(["check", "own.md", "-q"], in: folder).status == 0)
    }

    @Test func anotherThreadCountIsComparedWithinTolerances() throws {
        let folder = try folderWithRecordedNotebook()
        defer { try? FileManager.default.removeItem(at: folder) }
        let tolerant = try NotebookBinary.run(["check", "checked.md", "--threads", "1", "-q"], in: folder)
        #expect(tolerant.status == 0, "\(tolerant.standardError)")
        #expect(tolerant.standardOutput.contains("within tolerances: BLAS threads 2 → 1"), "\(tolerant.standardOutput)")
    }

    @Test func aToleranceOfZeroInABlockAttributeMakesTheComparisonStrict() throws {
        // With one thread instead of two the sums round differently; a zero tolerance on the
        // training block must see that, while the default tolerance accepts it (test above).
        let strict = Self.notebook.replacingOccurrences(of: "```swift-vae\ntrain", with: "```swift-vae {tolerance=0}\ntrain")
        #expect(strict != Self.notebook)
        let folder = try folderWithRecordedNotebook(strict)
        defer { try? FileManager.default.removeItem(at: folder) }
        let check = try NotebookBinary.run(["check", "checked.md", "--threads", "1", "-q"], in: folder)
        #expect(check.status == 1, "\(check.standardError)")
        #expect(check.standardError.contains("first difference in block 2"), "\(check.standardError)")
        #expect(check.standardError.contains("tolerance 0"), "\(check.standardError)")
    }

    /// (what is wrong with the record, how to make it so, text the message must contain)
    static let badRecords: [(String, @Sendable (URL) throws -> Void, String)] = [
        ("missing", { try FileManager.default.removeItem(at: $0) }, "create it with: notebook run checked.md --record"),
        ("truncated", { url in
            let data = try Data(contentsOf: url)
            try data.prefix(data.count / 2).write(to: url)
        }, "truncated"),
        ("edited by hand", { url in
            var text = try String(contentsOf: url, encoding: .utf8)
            let range = text.range(of: "\"block\" : 2")!
            text.replaceSubrange(range, with: "\"block\" : 7")
            try text.write(to: url, atomically: true, encoding: .utf8)
        }, "edited by hand"),
        ("not JSON", { try Data([0x00, 0xFF, 0x13, 0x37]).write(to: $0) }, "not valid JSON"),
        ("empty", { try Data().write(to: $0) }, "empty"),
        ("JSON of another shape", { try Data("{\"format\": \"notebook-record/1\"}".utf8).write(to: $0) }, "has no"),
    ]

    @Test(arguments: 0..<badRecords.count) func aBadRecordIsAClearErrorWithExitCode2(case index: Int) throws {
        let (name, damage, message) = Self.badRecords[index]
        let folder = try folderWithRecordedNotebook()
        defer { try? FileManager.default.removeItem(at: folder) }
        try damage(folder.appendingPathComponent("checked.record.json"))
        let check = try NotebookBinary.run(["check", "checked.md", "-q"], in: folder)
        #expect(check.status == 2, "\(name): \(check.standardError)")
        #expect(check.standardError.contains("checked.record.json"), "\(name)")
        #expect(check.standardError.contains(message), "\(name): \(check.standardError)")
        #expect(!check.standardError.contains("Fatal error"), "\(name)")
    }
}
