import NotebookResults
import Checksums
import Foundation
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

    public init(blasThreads: Int = 2, datasets: DatasetLocations = DatasetLocations(), command: String = "",
                overrides: [String: String] = [:]) {
        self.blasThreads = blasThreads
        self.datasets = datasets
        self.command = command
        self.overrides = overrides
    }
}

/// Runs a checked notebook block by block and collects each block's outputs.
public final class Executor {
    let program: NotebookProgram
    let options: ExecutionOptions
    let progress: ProgressReporter
    let figures = FigureMaker()

    public init(program: NotebookProgram, options: ExecutionOptions, progress: ProgressReporter) {
        self.program = program
        self.options = options
        self.progress = progress
    }

    public func run() throws -> RunResult {
        BLAS.setThreads(options.blasThreads)
        let started = Date()
        let session = Session(seed: program.seed)
        var results: [BlockResult] = []
        for (ordinal, block) in program.blocks.enumerated() {
            progress.blockStarted(block.location, index: ordinal + 1, of: program.blocks.count)
            let blockStarted = Date()
            var outputs: [BlockOutput] = []
            session.metrics = []
            for command in block.commands {
                do {
                    outputs += try execute(command.command, in: session)
                } catch let error as DivergenceError {
                    throw ExecutionError(location: command.location, message: error.description)
                } catch let error as DatasetError {
                    throw ExecutionError(location: command.location, message: error.description)
                } catch let error as DownloadError {
                    throw ExecutionError(location: command.location, message: error.description)
                } catch let error as CheckpointError {
                    throw ExecutionError(location: command.location, message: error.description)
                }
            }
            results.append(BlockResult(blockIndex: block.blockIndex, outputs: outputs, metrics: session.metrics,
                                       seconds: Date().timeIntervalSince(blockStarted)))
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
            finishedAt: ISO8601DateFormatter().string(from: Date()))
        return RunResult(document: program.document, results: results, manifest: manifest)
    }

    /// An epoch's losses, unrounded, for the record.
    static func metrics(of record: EpochRecord) -> [Metric] {
        let prefix = "epoch \(record.epoch)"
        var metrics = [
            Metric(name: "\(prefix) train loss", value: record.train),
            Metric(name: "\(prefix) train reconstruction", value: record.trainReconstruction),
            Metric(name: "\(prefix) train KL", value: record.trainKL),
        ]
        if let test = record.test { metrics.append(Metric(name: "\(prefix) test loss", value: test)) }
        if let value = record.testReconstruction { metrics.append(Metric(name: "\(prefix) test reconstruction", value: value)) }
        if let value = record.testKL { metrics.append(Metric(name: "\(prefix) test KL", value: value)) }
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

    /// A path of the notebook, relative to the notebook's folder.
    private func resolve(_ path: String) -> URL {
        let folder = URL(fileURLWithPath: program.document.path).deletingLastPathComponent()
        return URL(fileURLWithPath: path, relativeTo: folder)
    }

    private func execute(_ command: Command, in session: Session) throws -> [BlockOutput] {
        switch command {
        case .parameter, .seed:
            // Both were resolved when the notebook was compiled.
            return []
        case .data(let request):
            let splits = try options.datasets.load(request)
            session.data = splits
            session.dataName = request.name
            session.binarization = request.binarization
            session.checksums.merge(splits.checksums) { _, new in new }
            return [.text("\(request.name): \(splits.train.count) training and \(splits.test.count) test images of "
                          + "\(splits.train.width)×\(splits.train.height) pixels")]
        case .model(let spec):
            let model = VAE(spec: spec)
            model.initialize(seed: session.seed)
            session.model = model
            session.trainer = Trainer(model: model, seed: session.seed)
            session.history = []
            session.evolution = []
            return [.text("\(spec.kind.rawValue.uppercased()) VAE with \(model.parameterCount.formatted()) parameters")]
        case .train(let plan):
            let trainer = session.trainer!, data = session.data!
            session.objective = plan.objective
            let records = try trainer.train(plan, on: data.train, test: data.test,
                                            binarization: session.binarization) { [progress] step in
                progress.step(step)
            } epochFinished: { [progress, figures] record, epochInPlan in
                progress.epoch(record, epochInPlan: epochInPlan, of: plan.epochCount(images: data.train.count))
                // A frame of the fixed evolution points: forward passes only, own stream.
                session.evolution.append((record.epoch, figures.evolutionFrame(model: trainer.model, seed: session.seed,
                                                                                count: Session.evolutionPoints)))
            }
            session.history += records
            for record in records {
                session.metrics += Self.metrics(of: record)
            }
            return [figures.trainingSummary(records)]
        case .tableLosses:
            return [figures.lossTable(session.history)]
        case .plotLosses:
            return [figures.lossChart(session.history)]
        case .showReconstructions(let count, let split):
            let data = split == .test ? session.data!.test : session.data!.train
            return [figures.reconstructions(model: session.model!, data: data, count: count, split: split)]
        case .showSamples(let count):
            return [figures.samples(model: session.model!, count: count, seed: session.seed)]
        case .summary:
            return [figures.summary(session.model!)]
        case .plotLatent(let split, let count):
            let data = split == .test ? session.data!.test : session.data!.train
            return [figures.latentScatter(model: session.model!, data: data, count: count, split: split)]
        case .showManifold(let size, let range):
            return [figures.manifold(model: session.model!, size: size, range: range)]
        case .showEvolution(let count, let rows):
            return [figures.evolution(session.evolution, count: count, rows: rows, model: session.model!)]
        case .evaluate(let split):
            let data = split == .test ? session.data!.test : session.data!.train
            session.evaluations += 1
            let totals = session.trainer!.evaluate(on: data, objective: session.objective,
                                                   streamIndex: UInt64(1_000_000 + session.evaluations),
                                                   binarization: session.binarization)
            session.metrics += [
                Metric(name: "evaluate \(split.rawValue) loss", value: totals.meanTotal),
                Metric(name: "evaluate \(split.rawValue) reconstruction", value: totals.meanReconstruction),
                Metric(name: "evaluate \(split.rawValue) KL", value: totals.meanKL),
            ]
            return [figures.evaluation(totals, split: split, dataName: data.name)]
        case .saveWeights(let path):
            let url = resolve(path)
            try Checkpoint.save(session.model!, to: url)
            session.savedPaths.insert(path)
            return [.text("saved \(session.model!.parameterCount.formatted()) weights to \(path)")]
        case .loadWeights(let path):
            let url = resolve(path)
            try Checkpoint.load(into: session.model!, from: url)
            // A checkpoint from elsewhere is an input like a dataset: a changed file must show
            // in the record. One this run saved is compared through the outputs it leads to.
            if !session.savedPaths.contains(path), let bytes = try? Data(contentsOf: url) {
                session.inputChecksums[path] = bytes.withUnsafeBytes { SHA256.hash($0).hex }
            }
            return [.text("loaded weights from \(path)")]
        }
    }
}

private extension Int {
    /// Thousands separated by a thin space, independent of the locale.
    func formatted() -> String {
        let digits = String(self)
        var groups: [String] = []
        var end = digits.endIndex
        while end > digits.startIndex {
            let start = digits.index(end, offsetBy: -3, limitedBy: digits.startIndex) ?? digits.startIndex
            groups.insert(String(digits[start..<end]), at: 0)
            end = start
        }
        return groups.joined(separator: ",")
    }
}
