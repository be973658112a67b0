import Testing
import VAEEngine

/// Finite-difference checks of the analytic gradients of a whole VAE pass.
///
/// The loss is computed with a fixed ε so it is a deterministic function of
/// the weights; every weight's analytic gradient is compared with the central
/// difference (L(w + h) − L(w − h)) / 2h.
@Suite struct GradientCheckTests {
    /// A tiny 2×3-pixel VAE so every weight can be perturbed.
    func tinyModel(activation: Activation, seed: UInt64 = 7, residualBlocks: Int = 0) -> VAE {
        let spec = ModelSpec(encoder: [5], latent: 2, decoder: [4], activation: activation,
                             initializer: .glorot(.uniform), imageChannels: 1, imageHeight: 2, imageWidth: 3,
                             residualBlocks: residualBlocks)
        let model = VAE(spec: spec)
        model.initialize(seed: seed)
        // Non-zero biases so ReLU units are not all at the same side of their kink.
        var stream = RandomStream(seed: seed, purpose: "test-bias")
        for parameter in model.parameters where parameter.name.hasSuffix("bias") {
            for i in 0..<parameter.count { parameter.value.data[i] = 0.3 * stream.nextGaussian() }
        }
        return model
    }

    func images() -> Matrix {
        Matrix(rows: 3, columns: 6, values: [0.0, 0.2, 1.0, 0.9, 0.5, 0.1,
                                              1.0, 1.0, 0.0, 0.3, 0.7, 0.0,
                                              0.4, 0.0, 0.6, 1.0, 0.2, 0.8])
    }

    /// The fixed ε used for every evaluation.
    static let noiseValues: [Float] = [0.3, -1.1, 0.7, 0.2, -0.4, 1.5]

    func lossValue(_ model: VAE, _ objective: Objective) -> Double {
        let totals = model.loss(images: images(), objective: objective) { buffer, count in
            for i in 0..<count { buffer[i] = Self.noiseValues[i] }
        }
        return totals.total / Double(totals.count)
    }

    /// Returns the worst mismatch between analytic and numeric gradients over all weights.
    func worstMismatch(activation: Activation, objective: Objective,
                       residualBlocks: Int = 0) -> (name: String, analytic: Double, numeric: Double)? {
        let model = tinyModel(activation: activation, residualBlocks: residualBlocks)
        _ = model.trainingStep(images: images(), objective: objective) { buffer, count in
            for i in 0..<count { buffer[i] = Self.noiseValues[i] }
        }
        let analytic = model.parameters.map { $0.gradient.values }
        // Central differences at two step sizes: where they disagree, the perturbation
        // crosses a ReLU kink and the function is not differentiable there (CS231n's
        // "kinks"); such weights are skipped, but must stay rare.
        func numericGradient(_ parameter: Parameter, _ i: Int, _ h: Float) -> Double {
            let original = parameter.value.data[i]
            parameter.value.data[i] = original + h
            let plus = lossValue(model, objective)
            parameter.value.data[i] = original - h
            let minus = lossValue(model, objective)
            parameter.value.data[i] = original
            return (plus - minus) / Double(2 * h)
        }
        var worst: (name: String, analytic: Double, numeric: Double, error: Double)?
        var kinks = 0, checked = 0
        for (p, parameter) in model.parameters.enumerated() {
            for i in 0..<parameter.count {
                let numeric = numericGradient(parameter, i, 1e-2)
                let finer = numericGradient(parameter, i, 5e-3)
                checked += 1
                if abs(numeric - finer) > 1e-3 * max(1, abs(numeric)) {
                    kinks += 1
                    continue
                }
                let exact = Double(analytic[p][i])
                let error = abs(numeric - exact) / max(1, abs(exact))
                if error > (worst?.error ?? 0) {
                    worst = ("\(parameter.name)[\(i)]", exact, numeric, error)
                }
            }
        }
        if kinks * 20 > checked { return ("\(kinks) of \(checked) weights sit on a kink", 0, 0) }
        guard let worst, worst.error > 3e-3 else { return nil }
        return (worst.name, worst.analytic, worst.numeric)
    }

    @Test("Dense + ReLU + BCE + analytic KL matches finite differences")
    func reluBCEAnalytic() {
        let mismatch = worstMismatch(activation: .relu, objective: Objective(reconstruction: .bce, kl: .analytic))
        #expect(mismatch == nil, "worst gradient mismatch: \(String(describing: mismatch))")
    }

    @Test("a VAE with residual blocks after its hidden layers matches finite differences",
          arguments: [Activation.tanh, .relu])
    func residualBlocks(activation: Activation) {
        let mismatch = worstMismatch(activation: activation, objective: Objective(reconstruction: .bce, kl: .analytic),
                                     residualBlocks: 2)
        #expect(mismatch == nil, "\(activation): worst mismatch \(String(describing: mismatch))")
    }

    @Test("every activation, loss, KL estimator and reduction matches finite differences",
          arguments: Activation.allCases, [
              Objective(reconstruction: .bce, kl: .analytic),
              Objective(reconstruction: .bce, kl: .monteCarlo),
              Objective(reconstruction: .bceClipped, kl: .analytic, beta: 0.0005, reduction: .mean),
              Objective(reconstruction: .mse, kl: .analytic, beta: 2),
          ])
    func everyVariant(activation: Activation, objective: Objective) {
        let mismatch = worstMismatch(activation: activation, objective: objective)
        #expect(mismatch == nil, "\(activation) \(objective): worst mismatch \(String(describing: mismatch))")
    }
}
