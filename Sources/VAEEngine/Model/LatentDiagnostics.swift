import Foundation

/// How much each latent dimension is used: its KL over the data, and whether it is active.
///
/// A dimension is active when the variance over the data of its posterior mean, Var_x(μ_j(x)),
/// exceeds a threshold (0.01 in Burda, Grosse & Salakhutdinov 2016): an inactive dimension's
/// q(z_j|x) hardly depends on x, so the decoder cannot read anything from it. The KL of a
/// dimension is the analytic KL(q(z_j|x) ‖ N(0, 1)) = ½(μ² + σ² − 1 − log σ²), averaged over
/// the data; the dimensions' KLs add up to the objective's analytic KL term per image.
///
/// Everything is computed from the posterior moments alone (no sampling), in Double.
public struct LatentDiagnostics: Sendable, Equatable {
    /// Images the figures were computed over.
    public var count: Int
    /// Mean over the data of KL(q(z_j|x) ‖ N(0, 1)) for each dimension j, in nats.
    public var klPerDimension: [Double]
    /// Var_x(μ_j(x)) for each dimension: the population variance (divided by the image count,
    /// as numpy's `var`), of the posterior means.
    public var posteriorMeanVariance: [Double]
    /// The variance a dimension's posterior mean must exceed to count as active.
    public var threshold: Double

    public init(count: Int, klPerDimension: [Double], posteriorMeanVariance: [Double], threshold: Double) {
        self.count = count
        self.klPerDimension = klPerDimension
        self.posteriorMeanVariance = posteriorMeanVariance
        self.threshold = threshold
    }

    /// Whether each dimension is active (`posteriorMeanVariance[j] > threshold`).
    public var isActive: [Bool] { posteriorMeanVariance.map { $0 > threshold } }
    /// The indices of the active dimensions, ascending.
    public var activeDimensions: [Int] { isActive.indices.filter { isActive[$0] } }
    /// The number of active units.
    public var activeUnits: Int { activeDimensions.count }
    /// The KL summed over dimensions: the analytic KL term per image.
    public var totalKL: Double { klPerDimension.reduce(0, +) }

    /// Encodes `data` in batches and gathers the figures.
    ///
    /// The variance is accumulated with Welford's update in image order, which stays accurate
    /// when the means are far from zero and makes the result independent of `batchSize` up to
    /// the encoder's rounding.
    ///
    /// - Parameters:
    ///   - data: the images as training holds them (the `.dynamic` binarization is not applied:
    ///     the encoder sees grey pixels, as its expectation over the binarizations' inputs).
    ///   - threshold: the activity threshold on Var_x(μ_j(x)), 0.01 by default (Burda et al.).
    /// - Throws: `DiagnosticsError` when the data is empty, its images do not have the model's
    ///   pixel count, or the batch size is below 1.
    public static func compute(model: VAE, data: ImageDataset, threshold: Double = 0.01,
                               batchSize: Int = 500) throws -> LatentDiagnostics {
        guard batchSize >= 1 else { throw DiagnosticsError("the batch size must be at least 1") }
        guard data.count > 0 else { throw DiagnosticsError("\(data.name) has no images") }
        let pixels = model.spec.pixels, size = model.spec.latent
        guard data.pixelsPerImage == pixels else {
            throw DiagnosticsError("\(data.name) has \(data.pixelsPerImage) pixels per image, the model takes \(pixels)")
        }
        var klSums = [Double](repeating: 0, count: size)
        var meanOfMeans = [Double](repeating: 0, count: size)
        var squaredDeviations = [Double](repeating: 0, count: size)   // Welford's M2
        var seen = 0
        let batch = Matrix(rows: 0, columns: pixels)
        let all = Array(0..<data.count)
        var start = 0
        while start < data.count {
            let indices = all[start..<min(start + batchSize, data.count)]
            // Loaded in the layout the encoder takes, so the model need not transpose it.
            BatchLoader.load(data, indices: indices, into: batch, layout: model.inputLayout, context: model.context)
            // Held while it is read: the pointer alone would not keep the matrix alive.
            let posterior = model.posteriorMoments(batch)
            defer { withExtendedLifetime(posterior) {} }
            let moments = posterior.data
            for row in 0..<indices.count {
                seen += 1
                for j in 0..<size {
                    let mean = Double(moments[row * 2 * size + j])
                    let logVariance = Double(moments[row * 2 * size + size + j])
                    klSums[j] += 0.5 * (mean * mean + exp(logVariance) - 1 - logVariance)
                    let delta = mean - meanOfMeans[j]
                    meanOfMeans[j] += delta / Double(seen)
                    squaredDeviations[j] += delta * (mean - meanOfMeans[j])
                }
            }
            start += indices.count
        }
        let count = Double(seen)
        return LatentDiagnostics(count: seen, klPerDimension: klSums.map { $0 / count },
                                 posteriorMeanVariance: squaredDeviations.map { $0 / count }, threshold: threshold)
    }
}
