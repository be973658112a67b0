import Testing
import VAEEngine

@Suite struct BinarizationTests {
    static let image = ImageDataset(name: "greys/test", width: 4, height: 2,
                                    pixels: [0, 1, 64, 127, 128, 200, 254, 255],
                                    labels: [3], classNames: ["a", "b", "c", "d"])

    @Test func thresholdHalfMatchesTheTFTutorial() {
        let result = Binarization.binarized(Self.image, threshold: 0.5)
        // 127/255 = 0.498 stays 0, 128/255 = 0.502 becomes 1.
        #expect(result.pixels == [0, 0, 0, 0, 255, 255, 255, 255])
        #expect(result.name == Self.image.name && result.labels == [3] && result.classNames == Self.image.classNames)
        #expect(result.width == 4 && result.height == 2)
        #expect(result.image(0) == [0, 0, 0, 0, 1, 1, 1, 1])
    }

    @Test func otherThresholds() {
        #expect(Binarization.binarized(Self.image, threshold: 0).pixels == [0, 255, 255, 255, 255, 255, 255, 255])
        #expect(Binarization.binarized(Self.image, threshold: 0.25).pixels == [0, 0, 255, 255, 255, 255, 255, 255])
        #expect(Binarization.binarized(Self.image, threshold: 1).pixels == [0, 0, 0, 0, 0, 0, 0, 0])
        #expect(Binarization.threshold(0.5).applied(to: Self.image) == Binarization.binarized(Self.image, threshold: 0.5))
    }

    @Test func appliedOnlyThresholdsForStaticBinarization() {
        #expect(Binarization.none.applied(to: Self.image) == Self.image)
        #expect(Binarization.dynamic.applied(to: Self.image) == Self.image)
        #expect(Binarization.threshold(0.5).applied(to: Self.image) == Binarization.binarized(Self.image, threshold: 0.5))
    }

    static func sample(_ input: [Float], seed: UInt64, index: UInt64 = 0) -> [Float] {
        var values = input
        var stream = RandomStream(seed: seed, purpose: "binarize", index: index)
        values.withUnsafeMutableBufferPointer {
            Binarization.sampleBernoulli($0.baseAddress!, count: $0.count, stream: &stream)
        }
        return values
    }

    @Test func dynamicIsDeterministicForTheSameStream() {
        let greys = Self.image.image(0) + Self.image.image(0)
        #expect(Self.sample(greys, seed: 7) == Self.sample(greys, seed: 7))
        let many = [Float](repeating: 0.5, count: 256)
        #expect(Self.sample(many, seed: 7) != Self.sample(many, seed: 7, index: 1))
    }

    @Test func dynamicGivesOnlyZeroAndOne() {
        let greys = (0..<4096).map { Float($0 % 256) / 255 }
        let result = Self.sample(greys, seed: 3)
        #expect(result.allSatisfy { $0 == 0 || $0 == 1 })
        // Black stays black and white stays white.
        for (grey, bit) in zip(greys, result) where grey == 0 || grey == 1 {
            #expect(bit == grey)
        }
    }

    @Test func dynamicMeanIsTheGreyLevel() {
        let count = 200_000
        for byte in [13, 77, 128, 230] as [UInt8] {
            let p = Float(byte) / 255
            let result = Self.sample([Float](repeating: p, count: count), seed: UInt64(byte))
            let mean = Double(result.reduce(0, +)) / Double(count)
            let standardError = (Double(p) * (1 - Double(p)) / Double(count)).squareRoot()
            #expect(abs(mean - Double(p)) < 5 * standardError, "grey \(byte): mean \(mean)")
        }
    }

    @Test func dynamicAdvancesTheStreamByOneDrawPerValue() {
        var values: [Float] = [0, 1, 0.5]
        var stream = RandomStream(seed: 1, purpose: "binarize")
        var reference = RandomStream(seed: 1, purpose: "binarize")
        values.withUnsafeMutableBufferPointer {
            Binarization.sampleBernoulli($0.baseAddress!, count: 3, stream: &stream)
        }
        for _ in 0..<3 { _ = reference.nextUniform() }
        #expect(stream.nextUInt32() == reference.nextUInt32())
    }
}
