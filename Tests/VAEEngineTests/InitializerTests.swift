import Testing
import VAEEngine

/// Initializers draw with the variance their papers (and Keras/PyTorch) specify.
@Suite struct InitializerTests {
    func moments(_ initializer: Initializer, fanIn: Int, fanOut: Int) -> (mean: Double, variance: Double, maximum: Float) {
        let count = 200_000
        let weights = UnsafeMutablePointer<Float>.allocate(capacity: count)
        defer { weights.deallocate() }
        var stream = RandomStream(seed: 4, purpose: "init")
        initializer.fill(weights, count: count, fanIn: fanIn, fanOut: fanOut, stream: &stream)
        var sum = 0.0, squares = 0.0, maximum: Float = 0
        for i in 0..<count {
            sum += Double(weights[i])
            squares += Double(weights[i]) * Double(weights[i])
            maximum = max(maximum, abs(weights[i]))
        }
        let mean = sum / Double(count)
        return (mean, squares / Double(count) - mean * mean, maximum)
    }

    static let rules: [(Initializer, Double)] = [
        (.he(.normal), 0.02), (.he(.uniform), 0.02),
        (.glorot(.normal), 2.0 / 150), (.glorot(.uniform), 2.0 / 150),
        (.lecun(.normal), 0.01), (.lecun(.uniform), 0.01),
        (.pytorch, 1.0 / 300),
    ]

    @Test("variance matches the rule", arguments: rules)
    func varianceMatches(_ initializer: Initializer, _ expected: Double) {
        let (mean, variance, _) = moments(initializer, fanIn: 100, fanOut: 50)
        #expect(abs(mean) < 0.002)
        #expect(abs(variance / expected - 1) < 0.02, "\(initializer): variance \(variance), expected \(expected)")
    }

    @Test func truncatedNormalStaysWithinTwoStandardDeviations() {
        let (_, _, maximum) = moments(.he(.normal), fanIn: 100, fanOut: 50)
        let limit = Float(2 * (2.0 / 100).squareRoot() / 0.879_625_720_8)
        #expect(maximum <= limit)
    }

    @Test func namesParse() {
        for name in Initializer.names { #expect(Initializer(name: name) != nil, "\(name)") }
        #expect(Initializer(name: "xavier-ish") == nil)
    }
}
