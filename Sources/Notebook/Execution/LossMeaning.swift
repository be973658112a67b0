import VAEEngine

/// What a model's loss numbers are, so that no label claims more than they are.
///
/// The reconstruction term is a negative log-likelihood only for a Bernoulli decoder (`bce`,
/// `bce-clipped`): then reconstruction + KL is the −ELBO, in nats. With `loss=mse` it is a
/// summed squared error, so reconstruction + KL is an objective with no unit and bounds no
/// log-likelihood. β ≠ 1, a per-pixel mean or a KL warm-up make what training minimised
/// differ from reconstruction + KL; that objective then gets columns of its own.
struct LossMeaning: Equatable {
    var objective: Objective
    var warmedUp: Bool

    init(_ objective: Objective, warmedUp: Bool = false) {
        self.objective = objective
        self.warmedUp = warmedUp
    }

    init(_ state: ModelState) { self.init(state.objective, warmedUp: state.warmedUp) }

    /// Whether reconstruction + KL is a −ELBO: the reconstruction a negative log-likelihood.
    var isELBO: Bool { objective.reconstruction != .mse }

    /// The reconstruction term's name in labels.
    var reconstructionName: String { isELBO ? "reconstruction" : "squared error" }

    /// What training minimised when it is not the −ELBO, for labels: `objective (β = 4,
    /// per-pixel mean)`, `objective (squared error + KL)`; nil when it is the −ELBO.
    var objectiveName: String? {
        var parts: [String] = []
        if !isELBO { parts.append(objective.beta == 1 ? "squared error + KL" : "squared error + β·KL") }
        if objective.beta != 1 { parts.append("β = \(FigureMaker.compact(Double(objective.beta)))") }
        if objective.reduction == .mean { parts.append("per-pixel mean") }
        if warmedUp { parts.append("KL warm-up") }
        return parts.isEmpty ? nil : "objective (" + parts.joined(separator: ", ") + ")"
    }

    /// The number a chart or summary follows per epoch: the −ELBO, or for `mse` the objective
    /// trained (the only sum of its terms that means something).
    func headline(reconstruction: Double?, kl: Double?, objective: Double?) -> Double? {
        isELBO ? FigureMaker.negativeELBO(reconstruction: reconstruction, kl: kl) : objective
    }

    /// The headline's name: `−ELBO`, or the objective's.
    var headlineName: String { isELBO ? "−ELBO" : objectiveName! }

    /// The unit a title may claim for every number of a table: nats only when there is no
    /// squared error among them.
    static func unit(_ meanings: [LossMeaning]) -> String {
        meanings.allSatisfy(\.isELBO) ? ", nats" : ""
    }
}
