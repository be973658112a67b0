import Testing
import VAEEngine

@Suite struct RandomStreamTests {
    @Test func sameKeyGivesSameDraws() {
        var a = RandomStream(seed: 42, purpose: "noise", index: 3)
        var b = RandomStream(seed: 42, purpose: "noise", index: 3)
        let first = (0..<100).map { _ in a.nextUInt32() }
        let second = (0..<100).map { _ in b.nextUInt32() }
        #expect(first == second)
    }

    @Test func differentPurposeIndexOrSeedGiveDifferentDraws() {
        func draws(_ seed: UInt64, _ purpose: String, _ index: UInt64) -> [UInt32] {
            var stream = RandomStream(seed: seed, purpose: purpose, index: index)
            return (0..<8).map { _ in stream.nextUInt32() }
        }
        let base = draws(1, "noise", 0)
        #expect(base != draws(2, "noise", 0))
        #expect(base != draws(1, "shuffle", 0))
        #expect(base != draws(1, "noise", 1))
    }

    @Test func gaussianHasUnitMomentsAndUniformStaysInRange() {
        var stream = RandomStream(seed: 9, purpose: "moments")
        let count = 200_000
        var sum = 0.0, squares = 0.0
        for _ in 0..<count {
            let x = Double(stream.nextGaussian())
            sum += x
            squares += x * x
        }
        let mean = sum / Double(count)
        #expect(abs(mean) < 0.01)
        #expect(abs(squares / Double(count) - mean * mean - 1) < 0.02)
        for _ in 0..<10_000 {
            let u = stream.nextUniform()
            #expect(u >= 0 && u < 1)
        }
    }

    @Test func permutationIsAPermutation() {
        var stream = RandomStream(seed: 3, purpose: "shuffle", index: 1)
        let order = stream.permutation(1000)
        #expect(order.sorted() == Array(0..<1000))
        #expect(order != Array(0..<1000))
    }

    /// Filling a buffer (whole blocks drawn on as many threads as BLAS uses) gives exactly
    /// the draws one call at a time gives, from a fresh stream, with a spare value pending,
    /// and mid-block; and the stream continues identically afterwards.
    @Test func fillingMatchesDrawingOneByOne() {
        for (skippedWords, skippedGaussians, count) in [(0, 0, 2560), (0, 1, 2561), (3, 0, 1001), (0, 0, 3), (1, 1, 4099)] {
            var one = RandomStream(seed: 7, purpose: "noise", index: 11)
            var filled = one
            for _ in 0..<skippedWords { _ = one.nextUInt32(); _ = filled.nextUInt32() }
            for _ in 0..<skippedGaussians { _ = one.nextGaussian(); _ = filled.nextGaussian() }
            let expected = (0..<count).map { _ in one.nextGaussian() }
            let buffer = UnsafeMutablePointer<Float>.allocate(capacity: count)
            defer { buffer.deallocate() }
            filled.fillGaussian(buffer, count: count)
            let actual = Array(UnsafeBufferPointer(start: buffer, count: count))
            #expect(actual.map(\.bitPattern) == expected.map(\.bitPattern), "count \(count)")
            #expect(filled.nextGaussian().bitPattern == one.nextGaussian().bitPattern)
            #expect(filled.nextUInt32() == one.nextUInt32())
        }
    }
}
