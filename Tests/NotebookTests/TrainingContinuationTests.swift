import Foundation
import Notebook
import Testing
import TestSupport

/// A longer `train` continues the cached shorter one for every model of a notebook, and the
/// continuation outlives any number of later runs that replay the command.
@Suite(.serialized) struct TrainingContinuationTests {
    typealias Run = NotebookCacheTests

    static let twoModels = """
        # Two models

        Prose.

        ```swift-vae
        param epochs = 1
        seed 5
        data fashion-mnist train=300 test=100
        model mlp encoder=[32] latent=2 decoder=[32] name=first
        train epochs=$epochs batch=50 lr=1e-3
        model mlp encoder=[24] latent=2 decoder=[24] name=second
        train epochs=$epochs batch=50 lr=2e-3
        table models
        ```
        """

    @Test func everyModelContinuesItsCachedRun() throws {
        let (folder, path) = try Run().folderWith(Self.twoModels)
        defer { try? FileManager.default.removeItem(at: folder) }
        let cache = folder.appendingPathComponent("cache")
        _ = try Run.run(path, cache: cache, overrides: ["epochs": "1"])
        let longer = try Run.run(path, cache: cache, overrides: ["epochs": "2"])
        #expect(longer.lines.filter { $0.contains("continues the cached run of 1 epoch") }.count == 2, "\(longer.lines)")
        // The epochs of the command, not of the remainder, each line naming its model.
        #expect(longer.lines.filter { $0.hasPrefix("  epoch ") }.map { $0.components(separatedBy: " train ")[0] }
                == ["  epoch 2/2  first  −ELBO", "  epoch 2/2  second  −ELBO"])
        let cold = try Run.run(path, cache: nil, overrides: ["epochs": "2"])
        #expect(longer.record == cold.record)
    }

    /// A KL warm-up counts its steps from the start of the `train`, cached ones included.
    @Test func aWarmUpContinuesBitForBit() throws {
        let warm = Self.twoModels.replacingOccurrences(of: "lr=2e-3", with: "lr=2e-3 warmup=2")
        let (folder, path) = try Run().folderWith(warm)
        defer { try? FileManager.default.removeItem(at: folder) }
        let cache = folder.appendingPathComponent("cache")
        _ = try Run.run(path, cache: cache, overrides: ["epochs": "1"])
        for epochs in ["2", "3"] {
            let longer = try Run.run(path, cache: cache, overrides: ["epochs": epochs])
            #expect(longer.lines.filter { $0.contains("continues the cached run") }.count == 2, "\(longer.lines)")
            #expect(longer.record == (try Run.run(path, cache: nil, overrides: ["epochs": epochs])).record)
        }
    }

    @Test func aRecordRunSaysItRunsEveryBlockOnPurpose() throws {
        let (folder, path) = try Run().folderWith(Self.twoModels.replacingOccurrences(of: "lr=2e-3", with: "lr=2e-3 beta=4"))
        defer { try? FileManager.default.removeItem(at: folder) }
        let cache = folder.appendingPathComponent("cache")
        _ = try Run.run(path, cache: cache)
        let lines = Run.LineCollector()
        let program = try NotebookSource.compile(path)
        let reporter = ProgressReporter(style: .log, write: { lines.append($0) })
        let options = ExecutionOptions(cache: try NotebookCache(folder: cache, authentication: .forTests), reuseCache: false)
        _ = try Executor(program: program, options: options, progress: reporter).run()
        let text = lines.lines.joined()
        #expect(text.contains("nb.md:5:1 re-runs: a record is made from every block run afresh"), "\(text)")
        #expect(!text.contains("missing or damaged"))
        // β = 4 trains an objective that is not the −ELBO.
        #expect(text.contains("  epoch 1/1  second  objective train "))
        #expect(text.contains("  epoch 1/1  first  −ELBO train "))
    }

    @Test func aContinuationSurvivesManyLaterRuns() throws {
        let (folder, path) = try Run().folderWith(Self.twoModels)
        defer { try? FileManager.default.removeItem(at: folder) }
        let cache = folder.appendingPathComponent("cache")
        _ = try Run.run(path, cache: cache, overrides: ["epochs": "1"])
        // Five prose edits, then three saves that edit a figure (as in a preview): eight runs
        // after the one that trained, more than the three runs the cache keeps.
        for edit in 1...5 {
            try Self.twoModels.replacingOccurrences(of: "Prose.", with: "Prose, edit \(edit).")
                .write(toFile: path, atomically: true, encoding: .utf8)
            #expect(try Run.run(path, cache: cache, overrides: ["epochs": "1"]).blockStates == ["cached"])
        }
        for count in 1...3 {
            try Self.twoModels.replacingOccurrences(of: "table models", with: "table models\nshow samples \(count)")
                .write(toFile: path, atomically: true, encoding: .utf8)
            _ = try Run.run(path, cache: cache, overrides: ["epochs": "1"])
        }
        let longer = try Run.run(path, cache: cache, overrides: ["epochs": "2"])
        #expect(longer.lines.filter { $0.contains("continues the cached run of 1 epoch") }.count == 2, "\(longer.lines)")
        let cold = try Run.run(path, cache: nil, overrides: ["epochs": "2"])
        #expect(longer.record == cold.record)
    }
}
