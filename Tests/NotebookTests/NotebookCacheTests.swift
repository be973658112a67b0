import Foundation
import Notebook
import NotebookResults
import Record
import Testing
import TestSupport
import VAEEngine

/// The cache: a restored run is bit for bit a cold run, and each kind of edit re-runs
/// exactly the blocks it should.
@Suite(.serialized) struct NotebookCacheTests {
    /// A run's record bytes and the progress lines it printed.
    struct Outcome {
        var record: Data
        var lines: [String]
        var result: RunResult

        /// `cached` or `runs` for each block, in order.
        var blockStates: [String] {
            lines.filter { $0.hasPrefix("[") }.map { $0.hasSuffix(" cached") ? "cached" : "runs" }
        }
    }

    static func run(_ path: String, cache: URL?, threads: Int = 2, overrides: [String: String] = [:],
                    datasets: DatasetLocations = DatasetLocations()) throws -> Outcome {
        let program = try NotebookSource.compile(path, overrides: overrides)
        let lines = LineCollector()
        let reporter = ProgressReporter(style: .log, write: { lines.append($0) })
        let options = ExecutionOptions(blasThreads: threads, datasets: datasets, overrides: overrides,
                                       cache: try cache.map { try NotebookCache(folder: $0, authentication: .forTests, warn: { lines.append($0 + "\n") }) })
        let result = try Executor(program: program, options: options, progress: reporter).run()
        let record = try RecordFile.encode(NotebookRecord(result, plan: program.checkPlan))
        return Outcome(record: record, lines: lines.lines.flatMap { $0.split(separator: "\n").map(String.init) },
                       result: result)
    }

    final class LineCollector: @unchecked Sendable {
        private(set) var lines: [String] = []
        private let lock = NSLock()
        func append(_ line: String) { lock.withLock { lines.append(line) } }
    }

    static let small = """
        # Cache

        Some prose.

        ```swift-vae
        param epochs = 1
        seed 5
        data fashion-mnist train=300 test=100
        model mlp encoder=[32] latent=2 decoder=[32]
        ```

        ```swift-vae
        train epochs=$epochs batch=50 lr=1e-3
        evaluate test
        ```

        ```swift-vae
        table losses
        show samples 4
        ```

        ```swift-vae
        save weights small.ckpt
        plot latent test count=100
        ```
        """

    func folderWith(_ markdown: String) throws -> (folder: URL, notebook: String) {
        let folder = try makeTemporaryFolder()
        let path = folder.appendingPathComponent("nb.md").path
        try markdown.write(toFile: path, atomically: true, encoding: .utf8)
        return (folder, path)
    }

    // MARK: - The invariant

    /// Every notebook of `notebooks/checks/`, restored at every block: the record is the cold run's.
    @Test(arguments: ["every-command.md", "convolutional.md", "residual.md"])
    func restoredRunsWriteTheColdRecord(name: String) throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../notebooks/checks/\(name)").standardizedFileURL
        let path = folder.appendingPathComponent(name).path
        try FileManager.default.copyItem(atPath: source.path, toPath: path)
        let cold = try Self.run(path, cache: nil)
        let cache = folder.appendingPathComponent("cache")
        let filled = try Self.run(path, cache: cache)
        #expect(filled.record == cold.record)
        let blocks = cold.result.results.count
        for restorePoint in 0...blocks {
            // Keep only what the first `restorePoint` blocks need, as if the run had stopped there.
            let copy = folder.appendingPathComponent("cache-\(restorePoint)")
            try FileManager.default.copyItem(at: cache, to: copy)
            try Self.forgetBlocks(from: restorePoint, of: path, in: copy)
            let restored = try Self.run(path, cache: copy)
            #expect(restored.record == cold.record, "restored after \(restorePoint) blocks")
            #expect(restored.blockStates == Array(repeating: "cached", count: restorePoint)
                + Array(repeating: "runs", count: blocks - restorePoint))
        }
    }

    /// Removes the outputs entries of the blocks from `first` on, so a run must compute them.
    static func forgetBlocks(from first: Int, of path: String, in cache: URL) throws {
        let history = cache.appendingPathComponent("runs")
        let file = try FileManager.default.contentsOfDirectory(atPath: history.path).first!
        let data = try Data(contentsOf: history.appendingPathComponent(file))
        let json = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        let runs = json["runs"] as! [[String: Any]]
        let blocks = runs.last!["blocks"] as! [[String: Any]]
        for block in blocks.dropFirst(first) {
            for key in block["commandOutputs"] as! [String] {
                try? FileManager.default.removeItem(at: cache.appendingPathComponent("outputs/\(key)"))
            }
        }
    }

    // MARK: - What re-runs

    @Test func proseEditRunsNothing() throws {
        let (folder, path) = try folderWith(Self.small)
        defer { try? FileManager.default.removeItem(at: folder) }
        let cache = folder.appendingPathComponent("cache")
        let first = try Self.run(path, cache: cache)
        #expect(first.blockStates == ["runs", "runs", "runs", "runs"])
        try Self.small.replacingOccurrences(of: "Some prose.", with: "Some edited prose, and a typo fixd.")
            .write(toFile: path, atomically: true, encoding: .utf8)
        try FileManager.default.removeItem(atPath: folder.appendingPathComponent("small.ckpt").path)
        let second = try Self.run(path, cache: cache)
        #expect(second.blockStates == ["cached", "cached", "cached", "cached"])
        #expect(second.record == first.record)
        // `save weights` files are written again from the cache.
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("small.ckpt").path))
        #expect(second.result.results.allSatisfy { $0.computedAt != nil })
    }

    /// A figure edited in a block that also trains re-runs the figure, not the training.
    @Test func figureEditInATrainingBlockRunsOnlyTheFigure() throws {
        let (folder, path) = try folderWith(Self.small)
        defer { try? FileManager.default.removeItem(at: folder) }
        let cache = folder.appendingPathComponent("cache")
        _ = try Self.run(path, cache: cache)
        let edited = Self.small.replacingOccurrences(of: "evaluate test", with: "evaluate test\nshow samples 3")
        try edited.write(toFile: path, atomically: true, encoding: .utf8)
        let second = try Self.run(path, cache: cache)
        #expect(second.blockStates == ["cached", "runs", "cached", "cached"])
        #expect(!second.lines.contains { $0.hasPrefix("  epoch ") })
        #expect(second.record == (try Self.run(path, cache: nil)).record)
    }

    @Test func figureEditRunsOnlyThatBlock() throws {
        let (folder, path) = try folderWith(Self.small)
        defer { try? FileManager.default.removeItem(at: folder) }
        let cache = folder.appendingPathComponent("cache")
        _ = try Self.run(path, cache: cache)
        let edited = Self.small.replacingOccurrences(of: "show samples 4", with: "show samples 9")
        try edited.write(toFile: path, atomically: true, encoding: .utf8)
        let second = try Self.run(path, cache: cache)
        #expect(second.blockStates == ["cached", "cached", "runs", "cached"])
        #expect(second.lines.contains { $0.contains("re-runs: 'show samples' count changed: 4 → 9") })
        #expect(second.record == (try Self.run(path, cache: nil)).record)
    }

    @Test func trainingOptionChangeRunsFromThatBlockOn() throws {
        let (folder, path) = try folderWith(Self.small)
        defer { try? FileManager.default.removeItem(at: folder) }
        let cache = folder.appendingPathComponent("cache")
        _ = try Self.run(path, cache: cache)
        try Self.small.replacingOccurrences(of: "lr=1e-3", with: "lr=2e-3").write(toFile: path, atomically: true, encoding: .utf8)
        let second = try Self.run(path, cache: cache)
        #expect(second.blockStates == ["cached", "runs", "runs", "runs"])
        #expect(second.lines.contains { $0.contains("re-runs: 'train' lr changed: 0.001 → 0.002") })
        #expect(second.record == (try Self.run(path, cache: nil)).record)
    }

    @Test func aChangedParameterOrThreadCountRunsAgain() throws {
        let (folder, path) = try folderWith(Self.small)
        defer { try? FileManager.default.removeItem(at: folder) }
        let cache = folder.appendingPathComponent("cache")
        _ = try Self.run(path, cache: cache)
        let overridden = try Self.run(path, cache: cache, overrides: ["epochs": "2"])
        #expect(overridden.blockStates == ["cached", "runs", "runs", "runs"])
        #expect(overridden.lines.contains { $0.contains("re-runs: a parameter's value changed ('train' epochs changed: 1 → 2)") })
        #expect(overridden.record == (try Self.run(path, cache: nil, overrides: ["epochs": "2"])).record)
        let oneThread = try Self.run(path, cache: cache, threads: 1)
        #expect(oneThread.blockStates == ["runs", "runs", "runs", "runs"])
    }

    @Test func anInsertedFigureBlockInvalidatesNothingElse() throws {
        let (folder, path) = try folderWith(Self.small)
        defer { try? FileManager.default.removeItem(at: folder) }
        let cache = folder.appendingPathComponent("cache")
        _ = try Self.run(path, cache: cache)
        let inserted = Self.small.replacingOccurrences(of: "```swift-vae\ntable losses",
                                                       with: "```swift-vae\nsummary\n```\n\n```swift-vae\ntable losses")
        try inserted.write(toFile: path, atomically: true, encoding: .utf8)
        let second = try Self.run(path, cache: cache)
        #expect(second.blockStates == ["cached", "cached", "runs", "cached", "cached"])
    }

    @Test func aChangedCheckpointRunsFromTheBlockThatLoadsIt() throws {
        let (folder, path) = try folderWith(Self.small)
        defer { try? FileManager.default.removeItem(at: folder) }
        _ = try Self.run(path, cache: nil)  // writes small.ckpt
        let loader = """
            ```swift-vae
            seed 5
            data fashion-mnist train=300 test=100
            model mlp encoder=[32] latent=2 decoder=[32]
            ```

            ```swift-vae
            load weights small.ckpt
            show samples 4
            ```
            """
        let loaderPath = folder.appendingPathComponent("loader.md").path
        try loader.write(toFile: loaderPath, atomically: true, encoding: .utf8)
        let cache = folder.appendingPathComponent("cache")
        _ = try Self.run(loaderPath, cache: cache)
        #expect(try Self.run(loaderPath, cache: cache).blockStates == ["cached", "cached"])
        _ = try Self.run(path, cache: nil, overrides: ["epochs": "2"])  // another small.ckpt
        let second = try Self.run(loaderPath, cache: cache)
        #expect(second.blockStates == ["cached", "runs"])
        #expect(second.lines.contains { $0.contains("a file it reads changed") })
    }

    @Test func moreEpochsContinueTheCachedTrainingBitForBit() throws {
        let (folder, path) = try folderWith(Self.small)
        defer { try? FileManager.default.removeItem(at: folder) }
        let cache = folder.appendingPathComponent("cache")
        _ = try Self.run(path, cache: cache, overrides: ["epochs": "2"])
        let continued = try Self.run(path, cache: cache, overrides: ["epochs": "3"])
        #expect(continued.blockStates == ["cached", "runs", "runs", "runs"])
        #expect(continued.lines.contains { $0.contains("continues the cached run of 2 epochs") })
        // One epoch is trained, not three.
        #expect(continued.lines.filter { $0.hasPrefix("  epoch ") }.count == 1)
        #expect(continued.record == (try Self.run(path, cache: nil, overrides: ["epochs": "3"])).record)
        // Fewer epochs than cached cannot continue: the block trains from its start state.
        let fewer = try Self.run(path, cache: cache, overrides: ["epochs": "1"])
        #expect(!fewer.lines.contains { $0.contains("continues the cached run") })
        #expect(fewer.record == (try Self.run(path, cache: nil, overrides: ["epochs": "1"])).record)
    }

    @Test func moreStepsContinueOnlyFromAWholeEpoch() throws {
        let stepped = Self.small.replacingOccurrences(of: "train epochs=$epochs batch=50", with: "train steps=$epochs batch=50")
        let (folder, path) = try folderWith(stepped)
        defer { try? FileManager.default.removeItem(at: folder) }
        let cache = folder.appendingPathComponent("cache")
        // 300 images in batches of 50: 6 steps an epoch.
        _ = try Self.run(path, cache: cache, overrides: ["epochs": "6"])
        let continued = try Self.run(path, cache: cache, overrides: ["epochs": "9"])
        #expect(continued.lines.contains { $0.contains("continues the cached run of 1 epoch") })
        #expect(continued.record == (try Self.run(path, cache: nil, overrides: ["epochs": "9"])).record)
        let partial = try Self.run(path, cache: cache, overrides: ["epochs": "11"])
        #expect(!partial.lines.contains { $0.contains("continues the cached run") })
        #expect(partial.record == (try Self.run(path, cache: nil, overrides: ["epochs": "11"])).record)
    }

    @Test func aChangedDatasetFileRunsFromTheBlockThatReadsIt() throws {
        let (folder, path) = try folderWith(Self.small)
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = folder.appendingPathComponent("fashion-mnist")
        try FileManager.default.copyItem(atPath: FashionMNIST.defaultDirectory, toPath: data.path)
        let datasets = DatasetLocations(fashionMNIST: data.path)
        let cache = folder.appendingPathComponent("cache")
        _ = try Self.run(path, cache: cache, datasets: datasets)
        #expect(try Self.run(path, cache: cache, datasets: datasets).blockStates == ["cached", "cached", "cached", "cached"])
        // The same labels with an empty gzip member after them: other bytes, so another digest.
        let labels = data.appendingPathComponent(FashionMNIST.testLabelsFile)
        let emptyMember: [UInt8] = [0x1F, 0x8B, 0x08, 0, 0, 0, 0, 0, 0, 0x03, 0x03, 0, 0, 0, 0, 0, 0, 0, 0, 0]
        let handle = try FileHandle(forWritingTo: labels)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(emptyMember))
        try handle.close()
        let second = try Self.run(path, cache: cache, datasets: datasets)
        #expect(second.blockStates == ["runs", "runs", "runs", "runs"])
        #expect(second.lines.contains { $0.contains("a file it reads changed") })
    }

    @Test func dataFromFilesIsRestoredAndAChangedFileRunsAgain() throws {
        let markdown = """
            # Files

            ```swift-vae
            seed 5
            data idx train-images=a.gz train-labels=b.gz test-images=c.gz test-labels=d.gz
            model mlp encoder=[16] latent=2 decoder=[16]
            train steps=2 batch=32
            ```

            ```swift-vae
            show samples 4
            ```
            """
        let (folder, path) = try folderWith(markdown)
        defer { try? FileManager.default.removeItem(at: folder) }
        try DatasetFileWriter.writeIDXDataset(in: folder, train: 64, test: 16, rows: 12, columns: 12, gzip: true)
        for (from, to) in zip(["train-images", "train-labels", "test-images", "test-labels"], ["a", "b", "c", "d"]) {
            try FileManager.default.moveItem(at: folder.appendingPathComponent(from + ".idx.gz"),
                                             to: folder.appendingPathComponent(to + ".gz"))
        }
        let cache = folder.appendingPathComponent("cache")
        let cold = try Self.run(path, cache: cache)
        // A figure edited after the data block restores the session, which reads the files again.
        try markdown.replacingOccurrences(of: "show samples 4", with: "show samples 9\nshow reconstructions 3")
            .write(toFile: path, atomically: true, encoding: .utf8)
        let edited = try Self.run(path, cache: cache)
        #expect(edited.blockStates == ["cached", "runs"])
        #expect(edited.record == (try Self.run(path, cache: nil)).record)
        #expect(cold.result.manifest.datasetChecksums.keys.sorted() == ["a.gz", "b.gz", "c.gz", "d.gz"])
        // Other labels: the data block and everything after it run again.
        try Data(DatasetFileWriter.gzip(DatasetFileWriter.idx(dimensions: [16], data: [UInt8](repeating: 1, count: 16))))
            .write(to: folder.appendingPathComponent("d.gz"))
        let changed = try Self.run(path, cache: cache)
        #expect(changed.blockStates == ["runs", "runs"])
        #expect(changed.lines.contains { $0.contains("a file it reads changed") })
    }

    @Test func aDamagedEntryIsReportedAndComputedAgain() throws {
        let (folder, path) = try folderWith(Self.small)
        defer { try? FileManager.default.removeItem(at: folder) }
        let cache = folder.appendingPathComponent("cache")
        let first = try Self.run(path, cache: cache)
        for kind in ["outputs", "snapshots"] {
            let entries = cache.appendingPathComponent(kind)
            for name in try FileManager.default.contentsOfDirectory(atPath: entries.path) {
                let url = entries.appendingPathComponent(name)
                var bytes = try Data(contentsOf: url)
                bytes[bytes.count / 2] ^= 0xFF
                try bytes.write(to: url)
            }
        }
        let second = try Self.run(path, cache: cache)
        #expect(second.blockStates == ["runs", "runs", "runs", "runs"])
        #expect(second.lines.contains { $0.hasPrefix("warning: cache entry") && $0.contains("is damaged or was changed") })
        #expect(second.record == first.record)
    }

    @Test func blocksFinishedBeforeAFailureAreReused() throws {
        // The third block loads a checkpoint of another architecture: it fails after two blocks ran.
        // The notebook saves that checkpoint itself, so only running the load finds the mismatch
        // (one that exists already is checked against the model before anything runs).
        let failing = Self.small.replacingOccurrences(
            of: "table losses",
            with: "save weights other.ckpt\nmodel mlp encoder=[16] latent=2 decoder=[16]\nload weights other.ckpt")
        let (folder, path) = try folderWith(Self.small)
        defer { try? FileManager.default.removeItem(at: folder) }
        _ = try Self.run(path, cache: nil)  // writes small.ckpt
        try failing.write(toFile: path, atomically: true, encoding: .utf8)
        let cache = folder.appendingPathComponent("cache")
        #expect(throws: ExecutionError.self) { try Self.run(path, cache: cache) }
        try Self.small.write(toFile: path, atomically: true, encoding: .utf8)
        let second = try Self.run(path, cache: cache)
        #expect(second.blockStates == ["cached", "cached", "runs", "runs"])
        #expect(second.record == (try Self.run(path, cache: nil)).record)
    }

    // MARK: - Pruning

    @Test func theCacheKeepsTheLastThreeRunsAndCleanForgetsANotebook() throws {
        let (folder, path) = try folderWith(Self.small)
        defer { try? FileManager.default.removeItem(at: folder) }
        let cacheFolder = folder.appendingPathComponent("cache")
        for epochs in 1...4 { _ = try Self.run(path, cache: cacheFolder, overrides: ["epochs": String(epochs)]) }
        let cache = try NotebookCache(folder: cacheFolder, authentication: .forTests)
        // The first run's training entries are gone; the last three runs' are reused.
        #expect(try Self.run(path, cache: cacheFolder, overrides: ["epochs": "1"]).blockStates
                == ["cached", "runs", "runs", "runs"])
        #expect(try Self.run(path, cache: cacheFolder, overrides: ["epochs": "3"]).blockStates
                == ["cached", "cached", "cached", "cached"])
        #expect(cache.clean(notebook: path) == 3)
        #expect(cache.entrySizes().isEmpty)
    }

    @Test func aSizeLimitDropsTheOldestRunsFirst() throws {
        let (folder, path) = try folderWith(Self.small)
        defer { try? FileManager.default.removeItem(at: folder) }
        let cacheFolder = folder.appendingPathComponent("cache")
        _ = try Self.run(path, cache: cacheFolder)
        let oneRun = try NotebookCache(folder: cacheFolder, authentication: .forTests).entrySizes().values.reduce(0, +)
        let program = try NotebookSource.compile(path, overrides: ["epochs": "2"])
        let limited = try NotebookCache(folder: cacheFolder, authentication: .forTests, sizeLimit: oneRun + oneRun / 2)
        _ = try Executor(program: program, options: ExecutionOptions(overrides: ["epochs": "2"], cache: limited),
                         progress: ProgressReporter(style: .quiet)).run()
        let total = limited.entrySizes().values.reduce(0, +)
        #expect(total <= oneRun + oneRun / 2)
        // The newer run survived whole.
        #expect(try Self.run(path, cache: cacheFolder, overrides: ["epochs": "2"]).blockStates
                == ["cached", "cached", "cached", "cached"])
    }

    @Test func temporaryFilesOfAKilledRunAreRemovedOnceOldOrTheirRunHasEnded() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let cache = try NotebookCache(folder: folder.appendingPathComponent("cache"), authentication: .forTests)
        let outputs = cache.folder.appendingPathComponent("outputs")
        try FileManager.default.createDirectory(at: outputs, withIntermediateDirectories: true)
        let live = ProcessInfo.processInfo.processIdentifier
        let key = String(repeating: "ab", count: 32)
        func temporary(host: String, pid: Int32) -> URL {
            outputs.appendingPathComponent(".\(key)~\(host)~\(pid)~\(String(UInt32.random(in: 0...UInt32.max), radix: 16)).tmp")
        }
        let here = Self.hostName
        let old = temporary(host: here, pid: live), fresh = temporary(host: here, pid: live)
        // A pid above any pid_max: that run has ended, if it ran on this machine.
        let ended = temporary(host: here, pid: 2147483646)
        // Another machine's run cannot be asked whether it has ended: only its age counts.
        let elsewhere = temporary(host: "another-host", pid: 2147483646)
        for file in [old, fresh, ended, elsewhere] { try Data("x".utf8).write(to: file) }
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-7200)], ofItemAtPath: old.path)
        cache.clean(notebook: "none.md")
        #expect(!FileManager.default.fileExists(atPath: old.path))
        #expect(!FileManager.default.fileExists(atPath: ended.path))
        #expect(FileManager.default.fileExists(atPath: fresh.path))
        #expect(FileManager.default.fileExists(atPath: elsewhere.path))
    }

    /// This machine's name as temporary file names carry it.
    static var hostName: String {
        var buffer = [CChar](repeating: 0, count: 256)
        gethostname(&buffer, 255)
        return String(String(cString: buffer).unicodeScalars.map {
            $0.isASCII && CharacterSet.alphanumerics.contains($0) ? Character($0) : "-"
        }.prefix(64))
    }

    // MARK: - Snapshots cover the state

    /// Adding a stored property to the state a snapshot must cover fails here until the
    /// snapshot takes it (or it is listed as derived, with the reason).
    @Test func snapshotsCoverEveryStoredProperty() throws {
        let spec = ModelSpec(kind: .mlp, encoder: [4], latent: 2, decoder: [4])
        let model = VAE(spec: spec)
        let trainer = Trainer(model: model, seed: 1)
        let expectations: [(Any, Set<String>)] = [
            // Session: `metrics` belongs to the block running, not to the state after it, and
            // `compute` (the thread count) to the run, which the cache keys include.
            (SnapshotCoverage.sessionProperties, ["seed", "data", "dataName", "dataRequest", "dataFiles", "binarization", "models",
                                                  "currentIndex", "checksums", "inputChecksums", "savedPaths", "metrics",
                                                  "compute"]),
            // A model's state: `model` and `trainer` are snapshotted as weights and trainer state.
            (SnapshotCoverage.modelProperties, ["name", "model", "trainer", "objective", "warmedUp", "history", "evolution", "reconstructionEvolution",
                                                "evaluations", "likelihood"]),
            // Trainer: `batch` is scratch space refilled every step.
            (trainer, ["model", "seed", "completedEpochs", "completedSteps", "optimizer", "optimizerSpec", "batch"]),
            // Adam: its settings, `epsilonPlacement` among them, come from the optimizer's
            // spec, which the trainer state keeps.
            (Adam(parameters: model.parameters, learningRate: 1e-3),
             ["learningRate", "beta1", "beta2", "epsilon", "epsilonPlacement", "slots", "stepCount", "stepSize", "stepEpsilon"]),
            (SGD(parameters: model.parameters, learningRate: 1e-3), ["learningRate", "momentum", "slots"]),
            // VAE: the layers hold the weights (snapshotted as `parameterValues`) and scratch
            // buffers; the rest follows from the spec.
            (model, VAEProbe.propertyNames),
            (RMSProp(parameters: model.parameters, learningRate: 1e-3), ["learningRate", "rho", "epsilon", "slots"]),
        ]
        for (value, known) in expectations {
            let names = value as? Set<String> ?? Set(Mirror(reflecting: value).children.compactMap(\.label))
            #expect(names == known, "\(type(of: value)): new or removed stored properties \(names.symmetricDifference(known)); snapshot them in SessionSnapshot/TrainerState")
        }
    }
}

enum VAEProbe {
    /// `latent` … `rowLosses` are a step's scratch space, refilled by every forward pass;
    /// `context` is the run's thread count, which a restored model takes from the run.
    static let propertyNames: Set<String> = ["spec", "encoder", "decoder", "context",
                                             "latent", "noise", "encoderGradient", "logitGradient", "imageRows",
                                             "targetRows", "rowLosses"]
}

/// Results are values: a real run's results survive JSON, which is all a page needs.
@Suite struct ResultsJSONTests {
    @Test func aRunsResultsRoundTripThroughJSON() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("results.md").path
        try NotebookCacheTests.small.write(toFile: path, atomically: true, encoding: .utf8)
        let result = try NotebookCacheTests.run(path, cache: nil).result
        let json = try ResultsJSON.encoder().encode(result)
        #expect(try ResultsJSON.decoder().decode(RunResult.self, from: json) == result)
        // `RECORD_FIXTURES=1` refreshes the fixture the Site tests render a page from.
        if ProcessInfo.processInfo.environment["RECORD_FIXTURES"] == "1" {
            var fixture = result
            fixture.document.path = "notebooks/results.md"
            fixture.manifest.seconds = 1.5
            fixture.manifest.finishedAt = "2026-01-01T00:00:00Z"
            fixture.manifest.command = "notebook run notebooks/results.md"
            fixture.results = fixture.results.map { var block = $0; block.seconds = 0.25; return block }
            let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
                .appendingPathComponent("../SiteTests/Fixtures/run-result.json")
            let json = String(decoding: try ResultsJSON.encoder().encode(fixture), as: UTF8.self)
                .replacingOccurrences(of: path, with: "notebooks/results.md")
            try Data(json.utf8).write(to: url)
        }
    }
}
