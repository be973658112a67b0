import NotebookResults
import VAEEngine

/// The state a notebook builds up as its blocks run: data, model, trainer and history.
final class Session {
    var seed: UInt64
    var data: DatasetSplits?
    var dataName: String?
    /// The `data` command that loaded `data`, so a restored session can read it again.
    var dataRequest: DataRequest?
    var binarization: Binarization = .none
    /// The objective of the latest training, used by `evaluate`.
    var objective = Objective()
    /// Decoded images of the fixed evolution points, one frame per finished epoch.
    var evolution: [(epoch: Int, images: [[Float]])] = []
    /// How many `evaluate` commands ran, to key their noise streams.
    var evaluations = 0
    var model: VAE?
    var trainer: Trainer?
    /// Every finished epoch since the current model was built.
    var history: [EpochRecord] = []
    /// How many latent points each evolution frame decodes.
    static let evolutionPoints = 16
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

    init(seed: UInt64) {
        self.seed = seed
    }

    /// Takes every property of `other`: a session restored from the cache in this one's place.
    func replaceState(with other: Session) {
        seed = other.seed
        data = other.data
        dataName = other.dataName
        dataRequest = other.dataRequest
        binarization = other.binarization
        objective = other.objective
        evolution = other.evolution
        evaluations = other.evaluations
        model = other.model
        trainer = other.trainer
        history = other.history
        checksums = other.checksums
        inputChecksums = other.inputChecksums
        savedPaths = other.savedPaths
        metrics = other.metrics
    }
}
