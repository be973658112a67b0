import Foundation

/// How the KL term of the ELBO is estimated.
public enum KLEstimator: String, Sendable, Codable, CaseIterable {
    /// Closed form for a diagonal Gaussian against N(0, I): −½ Σ (1 + log σ² − μ² − σ²).
    case analytic
    /// The single-sample estimate log p(z) − log q(z|x) at the drawn z (the TensorFlow tutorial).
    case monteCarlo = "monte-carlo"
}
