import Foundation
import VAEEngine

/// Everything a session holds after a block, as a value a cache can store and a later run
/// restore exactly: every random stream index, every weight and optimizer slot, the history.
///
/// Datasets are not stored: `data` names what to read again (the files' digests are part of
/// the cache key, so a changed file is never restored past). The arrays of floats (weights,
/// optimizer slots, evolution frames) travel beside the JSON header as raw little-endian
/// floats, so a snapshot of a large model costs a copy, not a number-to-text conversion.
struct SessionSnapshot: Equatable {
    struct Header: Codable, Equatable {
        var seed: UInt64
        var data: DataChoice?
        /// The `data idx`/`data npy` request instead of `data` (absent otherwise, so older
        /// snapshots read as they were written).
        var dataFiles: DataFilesRequest?
        var models: [ModelHeader]
        var currentIndex: Int?
        var checksums: [String: String]
        var inputChecksums: [String: String]
        var savedPaths: [String]
        /// How many floats each array beside the header holds, in order.
        var arrayLengths: [Int]
    }

    /// One model's state; its weights, optimizer slots and evolution frames are arrays.
    struct ModelHeader: Codable, Equatable {
        var name: String
        var spec: ModelSpec
        var objective: Objective
        var warmedUp: Bool
        var evaluations: Int
        var likelihood: LikelihoodEstimate?
        var trainer: TrainerCounters
        var history: [EpochRecord]
        var evolutionEpochs: [Int]
        var reconstructionEvolutionEpochs: [Int]
    }

    /// The `data` command's choice, to read the dataset again.
    struct DataChoice: Codable, Equatable {
        var name: String
        var trainCount: Int?
        var testCount: Int?
        var binarization: Binarization
    }

    /// The trainer's counters and optimizer settings; the optimizer's slots are arrays.
    struct TrainerCounters: Codable, Equatable {
        var completedEpochs: Int
        var completedSteps: Int
        var optimizer: OptimizerSpec?
        var optimizerStepCount: Int
        var optimizerSlotCount: Int
    }

    var header: Header
    /// Per model in order: its weights, then its optimizer slots, then its evolution frames' images,
    /// then its reconstruction evolution frames' images.
    var arrays: [[Float]]
}

extension SessionSnapshot {
    /// The snapshot of `session` now.
    init(_ session: Session) {
        var arrays: [[Float]] = []
        var models: [ModelHeader] = []
        for state in session.models {
            let part = Self.part(of: state)
            models.append(part.header)
            arrays += part.arrays
        }
        header = Header(
            seed: session.seed,
            data: session.dataRequest.map {
                DataChoice(name: $0.name, trainCount: $0.trainCount, testCount: $0.testCount, binarization: $0.binarization)
            },
            dataFiles: session.dataFiles,
            models: models, currentIndex: session.currentIndex,
            checksums: session.checksums, inputChecksums: session.inputChecksums,
            savedPaths: session.savedPaths.sorted(),
            arrayLengths: arrays.map(\.count))
        self.arrays = arrays
    }

    /// One model's part of a snapshot: its header, and its weights, optimizer slots and
    /// evolution frames' images, in that order.
    static func part(of state: ModelState) -> (header: ModelHeader, arrays: [[Float]]) {
        var arrays = state.model.parameterValues
        let trainer = state.trainer.state
        arrays += trainer.optimizer?.state.slots ?? []
        for frame in state.evolution { arrays += frame.images }
        for frame in state.reconstructionEvolution { arrays += frame.images }
        let header = ModelHeader(
            name: state.name, spec: state.model.spec, objective: state.objective, warmedUp: state.warmedUp,
            evaluations: state.evaluations, likelihood: state.likelihood,
            trainer: TrainerCounters(completedEpochs: trainer.completedEpochs, completedSteps: trainer.completedSteps,
                                     optimizer: trainer.optimizer?.spec,
                                     optimizerStepCount: trainer.optimizer?.state.stepCount ?? 0,
                                     optimizerSlotCount: trainer.optimizer?.state.slots.count ?? 0),
            history: state.history, evolutionEpochs: state.evolution.map(\.epoch),
            reconstructionEvolutionEpochs: state.reconstructionEvolution.map(\.epoch))
        return (header, arrays)
    }

    /// A session in this snapshot's state. `loadData` reads the dataset again (to run more
    /// blocks); without it only what the manifest needs is restored.
    /// Whether a model spec read from a snapshot can be built without trapping or allocating
    /// more than the snapshot stores: sizes positive and bounded, and the weights its layers
    /// need at the least (products of neighbouring widths, or kernel² × channels) no more than
    /// the floats stored beside the header. A tampered entry with 8,192 × 8,192 layers or a
    /// negative latent size is a cache miss, not a trap in the engine.
    static func isPlausible(_ spec: ModelSpec, storedFloats: Int) -> Bool {
        let sizes = 1...65_536
        guard ([spec.latent] + spec.encoder + spec.decoder).allSatisfy(sizes.contains),
              spec.encoder.count <= 64, spec.decoder.count <= 64,
              (1...64).contains(spec.imageChannels), (1...4_096).contains(spec.imageHeight),
              (1...4_096).contains(spec.imageWidth), (1...64).contains(spec.kernel), (1...64).contains(spec.stride),
              (0...64).contains(spec.residualBlocks)
        else { return false }
        var weights = 0
        func add(_ a: Int, _ b: Int, _ c: Int = 1) -> Bool {
            let (product, overflow) = a.multipliedReportingOverflow(by: b)
            let (scaled, overflow2) = product.multipliedReportingOverflow(by: c)
            guard !overflow, !overflow2 else { return false }
            weights += scaled
            return weights <= storedFloats
        }
        switch spec.kind {
        case .mlp:
            let widths = [spec.imageChannels * spec.imageHeight * spec.imageWidth] + spec.encoder + [spec.latent]
                + spec.decoder + [spec.imageChannels * spec.imageHeight * spec.imageWidth]
            for (a, b) in zip(widths, widths.dropFirst()) where !add(a, b) { return false }
            // Each residual block holds two square layers of its hidden layer's width.
            for width in spec.encoder + spec.decoder where !add(2 * spec.residualBlocks, width, width) { return false }
        case .conv:
            // The encoder's convolutions from the image's channels on; the decoder's between its filter counts.
            let square = spec.kernel * spec.kernel
            let encoder = [spec.imageChannels] + spec.encoder
            for (a, b) in zip(encoder, encoder.dropFirst()) where !add(square, a, b) { return false }
            for (a, b) in zip(spec.decoder, spec.decoder.dropFirst()) where !add(square, a, b) { return false }
        }
        return true
    }

    func restore(datasets: DatasetLocations, notebookFolder: URL, loadData: Bool, compute: ComputeContext) throws -> Session {
        let session = Session(seed: header.seed, compute: compute)
        session.checksums = header.checksums
        session.inputChecksums = header.inputChecksums
        session.savedPaths = Set(header.savedPaths)
        if let choice = header.data {
            let request = DataRequest(name: choice.name, trainCount: choice.trainCount, testCount: choice.testCount,
                                      binarization: choice.binarization)
            session.dataRequest = request
            session.dataName = choice.name
            session.binarization = choice.binarization
            if loadData { session.data = try datasets.load(request) }
        }
        if let request = header.dataFiles {
            session.dataFiles = request
            session.dataName = request.name
            session.binarization = request.binarization
            if loadData { session.data = try request.load(notebookFolder: notebookFolder) }
        }
        var next = 0
        func take(_ count: Int) throws -> [[Float]] {
            guard next + count <= arrays.count else { throw SnapshotError.inconsistent("too few arrays") }
            defer { next += count }
            return Array(arrays[next..<(next + count)])
        }
        for saved in header.models {
            let model = VAE(spec: saved.spec, context: session.compute)
            guard model.setParameterValues(try take(model.parameters.count)) else {
                throw SnapshotError.inconsistent("weights do not fit the model '\(saved.name)'")
            }
            let trainer = Trainer(model: model, seed: header.seed)
            let counters = saved.trainer
            let slots = try take(counters.optimizerSlotCount)
            let optimizer = counters.optimizer.map {
                (spec: $0, state: OptimizerState(stepCount: counters.optimizerStepCount, slots: slots))
            }
            do {
                try trainer.restore(TrainerState(completedEpochs: counters.completedEpochs,
                                                 completedSteps: counters.completedSteps, optimizer: optimizer))
            } catch {
                throw SnapshotError.inconsistent("optimizer state does not fit the model '\(saved.name)'")
            }
            let state = ModelState(name: saved.name, model: model, trainer: trainer)
            state.objective = saved.objective
            state.warmedUp = saved.warmedUp
            state.evaluations = saved.evaluations
            state.likelihood = saved.likelihood
            state.history = saved.history
            for epoch in saved.evolutionEpochs {
                state.evolution.append((epoch, try take(Session.evolutionPoints)))
            }
            for epoch in saved.reconstructionEvolutionEpochs {
                state.reconstructionEvolution.append((epoch, try take(Session.evolutionReconstructions)))
            }
            session.models.append(state)
        }
        guard header.currentIndex.map({ session.models.indices.contains($0) }) ?? true else {
            throw SnapshotError.inconsistent("the current model is not among the models")
        }
        session.currentIndex = header.currentIndex
        guard next == arrays.count else { throw SnapshotError.inconsistent("arrays left over") }
        return session
    }
}

/// A snapshot that cannot be restored; the cache reports it and computes the block again.
enum SnapshotError: Error, CustomStringConvertible {
    case inconsistent(String)

    var description: String {
        switch self {
        case .inconsistent(let reason): "the snapshot is inconsistent: \(reason)"
        }
    }
}

/// The stored properties of a session, read by reflection: a test compares them with the
/// ones `SessionSnapshot` covers, so a property added to `Session` cannot slip past it.
public enum SnapshotCoverage {
    public static var sessionProperties: Set<String> {
        Set(Mirror(reflecting: Session(seed: 0, compute: .singleThread)).children.compactMap(\.label))
    }

    /// The stored properties of one model's state, likewise.
    public static var modelProperties: Set<String> {
        let model = VAE(spec: ModelSpec(encoder: [], latent: 1, decoder: []))
        return Set(Mirror(reflecting: ModelState(name: "", model: model, trainer: Trainer(model: model, seed: 0)))
            .children.compactMap(\.label))
    }
}
