import NotebookResults
import Checksums
import Foundation
import SystemErrors
import Publishing
import VAEEngine

/// Settings of a run that are not part of the notebook.
public struct ExecutionOptions: Sendable {
    /// Threads for the matrix products and the passes between them; part of the configuration
    /// a record depends on, because it decides how each product is cut into parts.
    public var blasThreads: Int
    public var datasets: DatasetLocations
    /// The command line that reproduces the run, for the page footer.
    public var command: String
    /// The `-p` overrides the program was compiled with, kept in the manifest so `check`
    /// can compile the notebook the same way again.
    public var overrides: [String: String]
    /// Where block outputs and session snapshots are reused from and stored; nil runs cold
    /// and stores nothing.
    public var cache: NotebookCache?
    /// Whether cached blocks are taken; false runs every block cold and only fills the cache.
    public var reuseCache: Bool
    /// Where the files the run writes (`save weights`) wait until the caller commits them
    /// with its site and record; nil: the executor stages them itself and commits them
    /// when the whole run succeeded.
    public var outputs: PendingOutputs?

    public init(blasThreads: Int = 2, datasets: DatasetLocations = DatasetLocations(), command: String = "",
                overrides: [String: String] = [:], cache: NotebookCache? = nil, reuseCache: Bool = true,
                outputs: PendingOutputs? = nil) {
        self.blasThreads = blasThreads
        self.datasets = datasets
        self.command = command
        self.overrides = overrides
        self.cache = cache
        self.reuseCache = reuseCache
        self.outputs = outputs
    }
}

/// Runs a checked notebook block by block and collects each block's outputs.
public final class Executor {
    let program: NotebookProgram
    let options: ExecutionOptions
    let progress: ProgressReporter
    let figures = FigureMaker()
    /// Where the commands' files are.
    let inputs: InputLocations
    /// The cache entries this run used or wrote, kept from pruning with the run.
    private var usedEntries: Set<String> = []
    /// The continuation a `train` now running left, kept in its outputs entry so a run that
    /// replays the command keeps the continuation too.
    private var continuationOfCommand: String?
    /// Whether the block now running has more than one `train`: its epoch lines then name
    /// their model.
    private var blockTrainsSeveralModels = false
    /// The files the run writes, staged until the commit.
    let outputs: PendingOutputs

    public init(program: NotebookProgram, options: ExecutionOptions, progress: ProgressReporter) {
        self.program = program
        self.options = options
        self.progress = progress
        self.inputs = program.inputLocations(datasets: options.datasets)
        self.outputs = options.outputs ?? PendingOutputs(staging: .temporary())
    }

    /// Runs the notebook. Without `options.outputs`, the files it writes are committed when
    /// it succeeded, and none of them when it failed.
    public func run() throws -> RunResult {
        let result: RunResult
        do {
            result = try runStaged()
        } catch {
            if options.outputs == nil { outputs.staging.discard() }
            throw error
        }
        if options.outputs == nil {
            defer { outputs.staging.discard() }
            do {
                try outputs.commit()
            } catch let error as FileOperationError {
                throw ExecutionError(location: SourceLocation(file: program.document.path, line: 1, column: 1),
                                     message: "could not write \(error)")
            }
        }
        return result
    }

    /// How the engine runs this notebook's models: the thread count the record keeps.
    private var compute: ComputeContext { ComputeContext(threads: options.blasThreads) }

    private func runStaged() throws -> RunResult {
        let started = Date()
        let keys = CacheKeys(program: program, threads: options.blasThreads, cpuArchitecture: Self.cpuArchitecture,
                             inputDigest: inputDigests)
        do {
            return try run(keys: keys, reuse: options.reuseCache, started: started)
        } catch is SnapshotUnavailable {
            return try run(keys: keys, reuse: false, started: started)
        }
    }

    /// Runs every block, taking from the cache (with `reuse`) what it holds.
    ///
    /// The session in memory is at `sessionState`; a command taken from the cache only
    /// advances `logicalState`. A command that must run first brings the session to the
    /// logical state, from the snapshot the cache holds for it.
    private func run(keys: CacheKeys, reuse: Bool, started: Date) throws -> RunResult {
        var session = Session(seed: program.seed, compute: compute)
        var sessionState = keys.root
        var logicalState = keys.root
        var results: [BlockResult] = []
        for ordinal in program.blocks.indices {
            let block = program.blocks[ordinal]
            let steps = keys.steps[ordinal]
            let cached: [NotebookCache.CachedCommand?] = zip(steps, block.commands).map { step, command in
                guard reuse, !step.isDeclaration, let cache = options.cache else { return nil }
                return cachedStep(step, of: command, cache: cache)
            }
            let wholeBlockCached = options.cache != nil && reuse
                && zip(steps, cached).allSatisfy { $0.isDeclaration || $1 != nil }
            if wholeBlockCached {
                progress.blockCached(block.location, index: ordinal + 1, of: program.blocks.count)
            } else {
                progress.blockStarted(block.location, index: ordinal + 1, of: program.blocks.count,
                                      reason: options.cache == nil ? nil : rerunReason(ordinal, keys: keys))
            }
            let blockStarted = Date()
            blockTrainsSeveralModels = block.commands.filter { $0.command is TrainCommand }.count > 1
            var outputs: [BlockOutput] = []
            var metrics: [Metric] = []
            var cachedSeconds = 0.0
            var computedAt: [String] = []
            for (index, command) in block.commands.enumerated() {
                let step = steps[index]
                if step.isDeclaration { continue }
                if let entry = cached[index], let cache = options.cache {
                    try replayFiles(entry, of: command, block: block, cache: cache)
                    // A replayed `train` keeps its longer run's continuation for later runs.
                    if let key = entry.continuation, let kept = cache.continuationSnapshot(key) {
                        usedEntries.insert("continuations/\(key)")
                        usedEntries.insert("snapshots/\(kept)")
                    }
                    outputs += entry.outputs
                    metrics += entry.metrics
                    cachedSeconds += entry.seconds
                    computedAt.append(entry.computedAt)
                    logicalState = step.stateAfter
                    continue
                }
                if sessionState != logicalState {
                    do {
                        session = try restoredSession(at: logicalState, keys: keys, loadData: true)
                    } catch let error as DatasetError {
                        // The restored session reads its dataset again, for this command.
                        throw ExecutionError(location: command.location, message: error.description)
                    } catch let error as DownloadError {
                        throw ExecutionError(location: command.location, message: error.description)
                    }
                    sessionState = logicalState
                }
                let commandStarted = Date()
                session.metrics = []
                let produced = try execute(command, in: session, step: step, keys: keys, reuse: reuse)
                outputs += produced.outputs
                metrics += session.metrics
                sessionState = step.stateAfter
                logicalState = sessionState
                if let cache = options.cache {
                    // The snapshot first: an outputs entry is only used with its state beside it.
                    if step.changesSession { cache.store(SessionSnapshot(session), key: step.stateAfter) }
                    cache.store(NotebookCache.CachedCommand(outputs: produced.outputs, metrics: session.metrics,
                                                          seconds: Date().timeIntervalSince(commandStarted),
                                                          computedAt: Self.timestamp(Date()), files: produced.written,
                                                          continuation: continuationOfCommand),
                                key: step.outputs)
                }
            }
            results.append(BlockResult(blockIndex: block.blockIndex, outputs: outputs, metrics: metrics,
                                       seconds: wholeBlockCached ? cachedSeconds : Date().timeIntervalSince(blockStarted),
                                       computedAt: wholeBlockCached ? (computedAt.max() ?? Self.timestamp(started)) : nil))
        }
        for step in keys.steps.joined() where !step.isDeclaration {
            usedEntries.insert("outputs/\(step.outputs)")
            if step.changesSession { usedEntries.insert("snapshots/\(step.stateAfter)") }
        }
        options.cache?.recordRun(of: program, keys: keys, entries: usedEntries, finishedAt: Self.timestamp(Date()))
        if sessionState != logicalState {
            // Only cached blocks ran since: the manifest's checksums come from their state.
            session = try restoredSession(at: logicalState, keys: keys, loadData: false)
        }
        let seconds = Date().timeIntervalSince(started)
        let manifest = RunManifest(
            seed: program.seed,
            parameters: program.parameters.map { NamedValue(name: $0.name, value: $0.value) },
            overrides: options.overrides.sorted { $0.key < $1.key }.map { NamedValue(name: $0.key, value: $0.value) },
            engineVersion: EngineInfo.version,
            blasConfiguration: BLAS.configuration, blasCore: BLAS.coreName, blasThreads: options.blasThreads,
            cpuArchitecture: Self.cpuArchitecture,
            datasetChecksums: session.checksums, inputChecksums: session.inputChecksums,
            command: options.command, seconds: seconds,
            finishedAt: Self.timestamp(Date()))
        return RunResult(document: program.document, results: results, manifest: manifest)
    }

    static func timestamp(_ date: Date) -> String { ISO8601DateFormatter().string(from: date) }

    /// A command's cached outputs, when the cache also holds the state after it and the
    /// entry lists exactly the files the command writes.
    private func cachedStep(_ step: CacheKeys.Step, of command: LocatedCommand,
                            cache: NotebookCache) -> NotebookCache.CachedCommand? {
        if step.changesSession, !cache.hasSnapshot(step.stateAfter) { return nil }
        guard let entry = cache.block(step.outputs) else { return nil }
        guard entry.files.map(\.path).sorted() == command.command.writtenPaths.sorted() else {
            cache.warn("warning: cache entry outputs/\(step.outputs.prefix(12)) lists other files than "
                       + "'\(command.text)' writes; computing it again")
            return nil
        }
        return entry
    }

    /// Writes again the files a cached command wrote (`save weights`): the paths the compiled
    /// command names, with the bytes the entry keeps for them; a path is never taken from
    /// the entry.
    private func replayFiles(_ cached: NotebookCache.CachedCommand, of command: LocatedCommand, block: BlockProgram,
                             cache: NotebookCache) throws {
        for path in command.command.writtenPaths {
            guard let file = cached.files.first(where: { $0.path == path }), let bytes = cache.blob(file.digest) else {
                throw ExecutionError(location: block.location,
                                     message: "the cached copy of \(path) is missing or damaged; run again with --no-cache")
            }
            usedEntries.insert("blobs/\(file.digest)")
            // A cached file is written where the notebook names it only if it may be written
            // there now, by the same rule as when the command runs.
            do {
                // Staged like a run's own save, so it reaches its path only at the commit.
                try outputs.stage(bytes, for: inputs.confinement.resolveForWriting(path))
            } catch let error as PathConfinementError {
                throw ExecutionError(location: block.location, message: "cannot write '\(path)': \(error)")
            } catch {
                throw ExecutionError(location: block.location,
                                     message: "could not write \(path): \(SystemErrorReason.reason(for: error))")
            }
        }
    }

    /// Runs one command; with a cache, training may continue a cached shorter run, and the
    /// files a command writes are kept in the cache so a cached run writes them again.
    private func execute(_ command: LocatedCommand, in session: Session, step: CacheKeys.Step, keys: CacheKeys,
                         reuse: Bool) throws -> (outputs: [BlockOutput], written: [NotebookCache.WrittenFile]) {
        let context = ExecutionContext(session: session, figures: figures, inputs: inputs, outputs: outputs,
                                       progress: progress) {
            [unowned self] plan in
            guard let cache = options.cache else { return try train(plan, in: session) }
            let key = TrainingContinuation.key(root: keys.root, session: session, command: command.canonicalForm)
            return try train(plan, in: session, continuing: key, stateAfter: step.stateAfter, cache: cache, reuse: reuse)
        }
        continuationOfCommand = nil
        do {
            let outputs = try command.command.run(in: context)
            var written: [NotebookCache.WrittenFile] = []
            if let cache = options.cache {
                for path in command.command.writtenPaths {
                    guard let destination = try? inputs.confinement.resolveForWriting(path),
                          let bytes = FileManager.default.contents(atPath: self.outputs.readableFile(for: destination).path)
                    else { continue }
                    let digest = cache.storeBlob(bytes)
                    written.append(.init(path: path, digest: digest))
                    usedEntries.insert("blobs/\(digest)")
                }
            }
            return (outputs, written)
        } catch let error as DivergenceError {
            throw ExecutionError(location: command.location, message: error.description)
        } catch let error as DatasetError {
            throw ExecutionError(location: command.location, message: error.description)
        } catch let error as DownloadError {
            throw ExecutionError(location: command.location, message: error.description)
        } catch let error as CheckpointError {
            throw ExecutionError(location: command.location, message: error.description)
        } catch let error as DiagnosticsError {
            throw ExecutionError(location: command.location, message: error.description)
        } catch let error as CommandProblem {
            throw ExecutionError(location: command.location, message: error.description)
        }
    }

    /// The session at `stateKey`, from its snapshot (a fresh one at the root).
    private func restoredSession(at stateKey: String, keys: CacheKeys, loadData: Bool) throws -> Session {
        if stateKey == keys.root { return Session(seed: program.seed, compute: compute) }
        guard let cache = options.cache, let snapshot = cache.snapshot(stateKey) else { throw SnapshotUnavailable() }
        do {
            return try snapshot.restore(datasets: options.datasets, notebookFolder: inputs.notebookFolder, loadData: loadData,
                                        compute: compute)
        } catch let error as SnapshotError {
            cache.warn("warning: cache entry snapshots/\(stateKey.prefix(12)): \(error); computing it again")
            throw SnapshotUnavailable()
        }
    }

    /// A snapshot the cache listed turned out missing or damaged: the run starts over,
    /// reusing no block, and stores everything anew.
    private struct SnapshotUnavailable: Error {}

    /// The digests of the files a session-changing command reads, for its cache key.
    private func inputDigests(_ command: any Command) -> [String] {
        command.inputFiles(inputs).map { "\($0.lastPathComponent)=\(FileDigest.of($0))" }
    }

    /// Why block `ordinal` runs although a cache is in use, named for the progress line.
    private func rerunReason(_ ordinal: Int, keys: CacheKeys) -> String? {
        // `check` and `run --record` compute every block on purpose: a record is of a cold run.
        if !options.reuseCache { return "a record is made from every block run afresh" }
        return options.cache?.reason(forRunning: ordinal, of: program, keys: keys)
    }

    /// An epoch's losses of `model`, unrounded, for the record and the exported `losses.csv`.
    static func metrics(of record: EpochRecord, model: String) -> [Metric] {
        let prefix = "epoch \(record.epoch)"
        var metrics = [
            Metric(name: "\(prefix) train loss", value: record.train, model: model),
            Metric(name: "\(prefix) train reconstruction", value: record.trainReconstruction, model: model),
            Metric(name: "\(prefix) train KL", value: record.trainKL, model: model),
        ]
        if let test = record.test { metrics.append(Metric(name: "\(prefix) test loss", value: test, model: model)) }
        if let value = record.testReconstruction {
            metrics.append(Metric(name: "\(prefix) test reconstruction", value: value, model: model))
        }
        if let value = record.testKL { metrics.append(Metric(name: "\(prefix) test KL", value: value, model: model)) }
        return metrics
    }

    /// The machine architecture as `uname -m` prints it.
    static var cpuArchitecture: String {
        var name = utsname()
        uname(&name)
        return withUnsafeBytes(of: &name.machine) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
    }

    /// Trains the current model by `plan`, recording every epoch; returns this plan's epochs.
    ///
    /// `epochsBefore` are the epochs of the same command a cache already held (a continued
    /// run), so progress counts the command's epochs, not the remainder's.
    private func train(_ plan: TrainingPlan, in session: Session, epochsBefore: Int = 0) throws -> [EpochRecord] {
        let state = session.current, data = session.splits
        let trainer = state.trainer
        state.objective = plan.objective
        if plan.warmupEpochs > 0 { state.warmedUp = true }
        let reconstructed = Array(0..<min(Session.evolutionReconstructions, data.test.count))
        if state.reconstructionEvolution.isEmpty, !reconstructed.isEmpty {
            // The untrained model's frame, taken before its first training.
            state.reconstructionEvolution.append((0, figures.reconstructionFrame(model: trainer.model, data: data.test,
                                                                                 indices: reconstructed, seed: session.seed)))
        }
        let epochs = epochsBefore + plan.epochCount(images: data.train.count)
        let model = blockTrainsSeveralModels ? state.name : nil
        // The epoch line prints the objective trained: the −ELBO only when nothing else is.
        let measure = LossMeaning(plan.objective, warmedUp: plan.warmupEpochs > 0).objectiveName == nil ? "−ELBO" : "objective"
        let records = try trainer.train(plan, on: data.train, test: data.test,
                                        binarization: session.binarization) { [progress] step in
            var step = step
            step.epochInPlan += epochsBefore
            step.epochsInPlan += epochsBefore
            progress.step(step)
        } epochFinished: { [progress, figures] record, epochInPlan in
            progress.epoch(record, epochInPlan: epochsBefore + epochInPlan, of: epochs, model: model, measure: measure)
            // A frame of the fixed evolution points: forward passes only, own stream.
            state.evolution.append((record.epoch, figures.evolutionFrame(model: trainer.model, seed: session.seed,
                                                                          count: Session.evolutionPoints)))
            if !reconstructed.isEmpty {
                state.reconstructionEvolution.append((record.epoch, figures.reconstructionFrame(
                    model: trainer.model, data: data.test, indices: reconstructed, seed: session.seed)))
            }
        }
        state.history += records
        for record in records {
            session.metrics += Self.metrics(of: record, model: session.current.name)
        }
        return records
    }

    /// A `train` that continues a cached shorter run of the same plan when there is one
    /// (`epochs=2` → `epochs=3`), and leaves its own end state for a longer one later.
    ///
    /// Continuing is the cold run bit for bit: the restored session holds the weights,
    /// optimizer state and the epoch and step counters that index the shuffle and noise
    /// streams, so the remaining epochs draw exactly what they would have in one go.
    private func train(_ plan: TrainingPlan, in session: Session, continuing key: String, stateAfter: String,
                       cache: NotebookCache, reuse: Bool) throws -> [EpochRecord] {
        let images = session.splits.train.count
        let stepsBefore = session.current.trainer.completedSteps
        var earlier: [EpochRecord] = []
        var remaining = plan
        if reuse, let continuation = cache.continuation(key, model: session.current.name, stepsBefore: stepsBefore),
           let rest = TrainingContinuation.remainder(of: plan, after: continuation.trained, images: images),
           let restored = try? continuation.snapshot.restore(datasets: options.datasets, notebookFolder: inputs.notebookFolder,
                                                                  loadData: false, compute: compute) {
            // (A continuation that does not fit is passed over: the plan then trains whole.)
            // Only this model goes back to its cached state; the others are as this run left them.
            session.models[session.currentIndex!] = restored.current
            earlier = Array(session.current.history.suffix(continuation.trained.epochs))
            for record in earlier { session.metrics += Self.metrics(of: record, model: session.current.name) }
            progress.note("  continues the cached run of \(continuation.trained.epochs) epoch"
                             + (continuation.trained.epochs == 1 ? "" : "s"))
            remaining = rest
        }
        let records = earlier + (try train(remaining, in: session, epochsBefore: earlier.count))
        let trained = TrainingContinuation.Trained(epochs: records.count,
                                                   steps: session.current.trainer.completedSteps - stepsBefore)
        // The snapshot after this command (stored under `stateAfter` by the caller) is where a
        // longer run of the plan can start.
        if let kept = cache.storeContinuation(trained: trained, snapshotKey: stateAfter, key: key) {
            usedEntries.insert("continuations/\(key)")
            usedEntries.insert("snapshots/\(kept)")
            continuationOfCommand = key
        }
        return records
    }
}
