import VAEEngine

/// The state a notebook builds up as its blocks run: data, model, trainer and history.
final class Session {
    var seed: UInt64
    var data: DatasetSplits?
    var dataName: String?
    var binarization: Binarization = .none
    /// The objective of the latest training, used by `evaluate`.
    var objective = Objective()
    /// How many `evaluate` commands ran, to key their noise streams.
    var evaluations = 0
    var model: VAE?
    var trainer: Trainer?
    /// Every finished epoch since the current model was built.
    var history: [EpochRecord] = []
    /// Dataset file → SHA-256 of every dataset loaded, for the manifest.
    var checksums: [String: String] = [:]

    init(seed: UInt64) {
        self.seed = seed
    }
}
