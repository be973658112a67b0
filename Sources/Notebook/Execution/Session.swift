import NotebookResults
import VAEEngine

/// The state a notebook builds up as its blocks run: the data and every model built so far.
final class Session {
    var seed: UInt64
    var data: DatasetSplits?
    var dataName: String?
    /// The `data` command that loaded `data`, so a restored session can read it again.
    var dataRequest: DataRequest?
    /// The `data idx`/`data npy` command that loaded `data` instead, likewise.
    var dataFiles: DataFilesRequest?
    var binarization: Binarization = .none
    /// Every model built so far, in the order the notebook built them.
    var models: [ModelState] = []
    /// The position in `models` of the model figure and training commands act on.
    var currentIndex: Int?
    /// How many latent points each evolution frame decodes.
    static let evolutionPoints = 16
    /// How many test images each reconstruction evolution frame reconstructs (the first ones).
    static let evolutionReconstructions = 8
    /// Dataset file → SHA-256 of every dataset loaded, for the manifest.
    var checksums: [String: String] = [:]
    /// Checkpoint path (as written in the notebook) → SHA-256 of every checkpoint loaded
    /// that this run did not write itself.
    var inputChecksums: [String: String] = [:]
    /// Checkpoint paths this run has saved: loading one of them back reads an output of the
    /// run, not an input, so its bits follow the engine's and it is not part of the manifest.
    var savedPaths: Set<String> = []
    /// Unrounded numbers of the block now running.
    var metrics: [Metric] = []

    /// How the engine runs this session's models: the run's thread count.
    let compute: ComputeContext

    init(seed: UInt64, compute: ComputeContext) {
        self.seed = seed
        self.compute = compute
    }

    /// The model figure and training commands act on (the compiler has checked there is one).
    var current: ModelState { models[currentIndex!] }

    /// Makes `splits` the data every later command reads, remembering which `data` line
    /// loaded it (`request` for a named dataset, `files` for the user's own) so a restored
    /// session can read it again.
    func useData(_ splits: DatasetSplits, name: String, binarization: Binarization,
                 request: DataRequest? = nil, files: DataFilesRequest? = nil) {
        data = splits
        dataName = name
        dataRequest = request
        dataFiles = files
        self.binarization = binarization
        checksums.merge(splits.checksums) { _, new in new }
    }

    /// The model called `name` (the compiler has checked it exists).
    func model(named name: String) -> ModelState { models.first { $0.name == name }! }

    /// The loaded data (the compiler has checked a `data` command came first).
    var splits: DatasetSplits { data! }

    func split(_ split: Split) -> ImageDataset { split == .test ? splits.test : splits.train }
}

/// One model of a notebook with everything it has been through: its own optimizer state,
/// history, evolution frames and evaluations, so models built side by side never share draws.
final class ModelState {
    let name: String
    let model: VAE
    let trainer: Trainer
    /// The objective of the latest training, used by `evaluate`.
    var objective = Objective()
    /// Whether any training used a KL warm-up, so tables name the objective honestly.
    var warmedUp = false
    /// Every finished epoch of this model.
    var history: [EpochRecord] = []
    /// Decoded images of the fixed evolution points: the untrained model (epoch 0), then one
    /// frame per finished epoch.
    var evolution: [(epoch: Int, images: [[Float]])] = []
    /// The first test images reconstructed through a fixed sampled z: before the model's first
    /// training (epoch 0), then one frame per finished epoch.
    var reconstructionEvolution: [(epoch: Int, images: [[Float]])] = []
    /// How many `evaluate` commands ran on this model, to key their noise streams.
    var evaluations = 0
    /// The latest importance-weighted estimate: samples K and the mean L_K per image.
    var likelihood: LikelihoodEstimate?

    init(name: String, model: VAE, trainer: Trainer) {
        self.name = name
        self.model = model
        self.trainer = trainer
    }
}

/// An `evaluate … iwae=K` result kept for `table models`.
struct LikelihoodEstimate: Codable, Equatable {
    var split: Split
    var samples: Int
    var value: Double
    /// The model's epoch when it was estimated, so a table beside later numbers says it is older
    /// (nil in snapshots made before it was kept).
    var epoch: Int?
}

/// The two parts of a dataset a command can read.
public enum Split: String, Sendable, Equatable, Codable, CaseIterable { case train, test }
