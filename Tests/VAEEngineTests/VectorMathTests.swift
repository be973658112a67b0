import Foundation
import Testing
import VAEEngine

/// The vectorized approximations agree with libm to a few units in the last place.
@Suite struct VectorMathTests {
    /// Relative error in units of Float's epsilon.
    func ulps(_ approximate: Float, _ exact: Double) -> Double {
        abs(Double(approximate) - exact) / (max(abs(exact), Double(Float.leastNormalMagnitude)) * Double(Float.ulpOfOne))
    }

    func worst(over inputs: [Float], _ function: (VectorMath.Vector) -> VectorMath.Vector,
               _ exact: (Double) -> Double) -> Double {
        var worst = 0.0
        var index = 0
        while index + 8 <= inputs.count {
            let lanes = VectorMath.Vector(inputs[index..<(index + 8)])
            let result = function(lanes)
            for lane in 0..<8 { worst = max(worst, ulps(result[lane], exact(Double(lanes[lane])))) }
            index += 8
        }
        return worst
    }

    static func grid(from lower: Float, to upper: Float, count: Int) -> [Float] {
        (0..<count).map { lower + (upper - lower) * Float($0) / Float(count - 1) }
    }

    @Test func expMatchesLibm() {
        #expect(worst(over: Self.grid(from: -87, to: 88, count: 80_000), VectorMath.exp, Foundation.exp) < 4)
    }

    @Test func logMatchesLibm() {
        let inputs = Self.grid(from: 1e-30, to: 1, count: 40_000) + Self.grid(from: 1, to: 1e6, count: 40_000)
        #expect(worst(over: inputs.filter { $0 > 0 }, VectorMath.log, Foundation.log) < 4)
    }

    @Test func log1pKeepsPrecisionForSmallArguments() {
        let inputs = Self.grid(from: 0, to: 1, count: 40_000) + (0..<64).map { Float(pow(2.0, -Double($0) / 2)) }
        #expect(worst(over: inputs, VectorMath.log1p, Foundation.log1p) < 4)
    }

    @Test func expSaturatesWithoutNaN() {
        let result = VectorMath.exp(VectorMath.Vector(-1000, -100, -88, 0, 88, 89, 100, 1000))
        for lane in 0..<8 { #expect(result[lane].isFinite && result[lane] >= 0) }
    }
}
