import Foundation
import Testing
import VAEEngine

/// Each optimizer's update against the formula as PyTorch / Keras document it, step by step.
@Suite struct OptimizerTests {
    /// A one-weight parameter with a fixed gradient sequence.
    func run(_ spec: OptimizerSpec, gradients: [Float], start: Float = 1) -> [Float] {
        let parameter = Parameter(name: "w", shape: [1], rows: 1, columns: 1)
        parameter.value.data[0] = start
        let optimizer = spec.make(for: [parameter], context: .singleThread)
        var trajectory: [Float] = []
        for gradient in gradients {
            parameter.gradient.data[0] = gradient
            optimizer.step()
            trajectory.append(parameter.value.data[0])
        }
        return trajectory
    }

    static let gradients: [Float] = [0.5, -0.25, 1.5, 0.1, -2.0]

    @Test func adamMatchesTheBiasCorrectedFormula() {
        let (rate, b1, b2, eps): (Double, Double, Double, Double) = (0.01, 0.9, 0.999, 1e-8)
        var (w, m, v) = (1.0, 0.0, 0.0)
        var expected: [Float] = []
        for (t, g) in Self.gradients.map(Double.init).enumerated() {
            m = b1 * m + (1 - b1) * g
            v = b2 * v + (1 - b2) * g * g
            let mHat = m / (1 - pow(b1, Double(t + 1))), vHat = v / (1 - pow(b2, Double(t + 1)))
            w -= rate * mHat / (vHat.squareRoot() + eps)
            expected.append(Float(w))
        }
        let actual = run(.adam(learningRate: 0.01), gradients: Self.gradients)
        for (a, e) in zip(actual, expected) { #expect(abs(a - e) < 1e-6, "\(actual) vs \(expected)") }
    }

    /// Keras' Adam (`keras.optimizers.Adam`, ε = `K.epsilon()` = 1e-7):
    /// lr_t = lr·√(1 − β₂ᵗ)/(1 − β₁ᵗ), p ← p − lr_t·m/(√v + ε), ε on the uncorrected root.
    @Test func kerasAdamMatchesKerasFormula() {
        let (rate, b1, b2, eps): (Double, Double, Double, Double) = (0.01, 0.9, 0.999, 1e-7)
        var (w, m, v) = (1.0, 0.0, 0.0)
        var expected: [Float] = []
        for (t, g) in Self.gradients.map(Double.init).enumerated() {
            let step = Double(t + 1)
            let rateT = rate * (1 - pow(b2, step)).squareRoot() / (1 - pow(b1, step))
            m = b1 * m + (1 - b1) * g
            v = b2 * v + (1 - b2) * g * g
            w -= rateT * m / (v.squareRoot() + eps)
            expected.append(Float(w))
        }
        let actual = run(.kerasAdam(learningRate: 0.01), gradients: Self.gradients)
        for (a, e) in zip(actual, expected) { #expect(abs(a - e) < 1e-6, "\(actual) vs \(expected)") }
    }

    /// The mechanism of issue 18 in miniature: a weight that sees a gradient of the size a
    /// per-pixel mean loss gives (1e-7) once in a while, and nothing in between. PyTorch's
    /// Adam moves it by most of the learning rate at every such event; Keras' ε, on the
    /// uncorrected root, holds it to a fraction, as the Keras tutorial's training does.
    @Test func kerasEpsilonDampsRareTinyGradients() {
        var gradients = [Float](repeating: 0, count: 3000)
        for event in stride(from: 1000, to: 3000, by: 250) { gradients[event] = 1e-7 }
        let pytorch = 1 - run(.adam(learningRate: 1e-3), gradients: gradients).last!
        let keras = 1 - run(.kerasAdam(learningRate: 1e-3), gradients: gradients).last!
        // In doubles: 0.051 against 0.0069 after eight events.
        #expect(pytorch > 0.03)
        #expect(keras < pytorch / 4)
        #expect(keras > 0)
    }

    @Test func sgdWithMomentumMatchesPyTorch() {
        var (w, velocity) = (1.0, 0.0)
        var expected: [Float] = []
        for g in Self.gradients.map(Double.init) {
            velocity = 0.9 * velocity + g
            w -= 0.1 * velocity
            expected.append(Float(w))
        }
        let actual = run(.sgd(learningRate: 0.1, momentum: 0.9), gradients: Self.gradients)
        for (a, e) in zip(actual, expected) { #expect(abs(a - e) < 1e-6) }
    }

    @Test func rmspropMatchesKeras() {
        var (w, meanSquare) = (1.0, 0.0)
        var expected: [Float] = []
        for g in Self.gradients.map(Double.init) {
            meanSquare = 0.9 * meanSquare + 0.1 * g * g
            w -= 0.01 * g / (meanSquare.squareRoot() + 1e-7)
            expected.append(Float(w))
        }
        let actual = run(.rmsprop(learningRate: 0.01), gradients: Self.gradients)
        for (a, e) in zip(actual, expected) { #expect(abs(a - e) < 1e-5) }
    }

    /// Adam's vector loop and its scalar tail agree: a 13-weight parameter crosses both.
    @Test func adamVectorAndTailAgree() {
        let parameter = Parameter(name: "w", shape: [13], rows: 1, columns: 13)
        for i in 0..<13 { parameter.value.data[i] = 1; parameter.gradient.data[i] = 0.5 }
        let optimizer = Adam(parameters: [parameter], learningRate: 0.01)
        for _ in 0..<3 { optimizer.step() }
        let values = parameter.value.values
        #expect(values.allSatisfy { $0 == values[0] })
        #expect(values[0] < 1)
    }
}
