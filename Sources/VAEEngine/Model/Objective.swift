/// The training objective: the negative ELBO with its choices spelled out.
///
/// `loss per image = reconstruction · r + β · KL`, where `r` is 1 for `sum`
/// (summed over pixels, as the PyTorch and TensorFlow tutorials do) and
/// `1/pixels` for `mean` (Keras' per-pixel mean). Batches average over images.
public struct Objective: Sendable, Equatable, Codable {
    public var reconstruction: ReconstructionLoss
    public var kl: KLEstimator
    public var beta: Float
    public var reduction: Reduction

    public enum Reduction: String, Sendable, Codable, CaseIterable { case sum, mean }

    public init(reconstruction: ReconstructionLoss = .bce, kl: KLEstimator = .analytic,
                beta: Float = 1, reduction: Reduction = .sum) {
        self.reconstruction = reconstruction
        self.kl = kl
        self.beta = beta
        self.reduction = reduction
    }
}

/// Loss figures summed over the images seen; divide by `count` for per-image values.
public struct LossTotals: Sendable, Equatable {
    public var reconstruction: Double = 0
    public var kl: Double = 0
    /// The objective as optimized (reduction and β applied).
    public var total: Double = 0
    public var count: Int = 0

    public init() {}

    public mutating func add(_ other: LossTotals) {
        reconstruction += other.reconstruction
        kl += other.kl
        total += other.total
        count += other.count
    }

    public var meanTotal: Double { count == 0 ? .nan : total / Double(count) }
    public var meanReconstruction: Double { count == 0 ? .nan : reconstruction / Double(count) }
    public var meanKL: Double { count == 0 ? .nan : kl / Double(count) }
}
