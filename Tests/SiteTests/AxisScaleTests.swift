import Foundation
import Site
import Testing

@Suite struct AxisScaleTests {
    struct Case: Sendable, CustomStringConvertible {
        var minimum: Double
        var maximum: Double
        var integerSteps = false
        var ticks: [Double]
        var labels: [String]
        var description: String { "\(minimum)...\(maximum)" }
    }

    static let cases: [Case] = [
        Case(minimum: 1, maximum: 20, integerSteps: true, ticks: [0, 5, 10, 15, 20], labels: ["0", "5", "10", "15", "20"]),
        Case(minimum: 1, maximum: 3, integerSteps: true, ticks: [1, 2, 3], labels: ["1", "2", "3"]),
        Case(minimum: 0.12, maximum: 0.48, ticks: [0.1, 0.2, 0.3, 0.4, 0.5], labels: ["0.1", "0.2", "0.3", "0.4", "0.5"]),
        Case(minimum: 151, maximum: 182.5, ticks: [150, 160, 170, 180, 190], labels: ["150", "160", "170", "180", "190"]),
        Case(minimum: 100, maximum: 260, ticks: [100, 150, 200, 250, 300], labels: ["100", "150", "200", "250", "300"]),
        Case(minimum: -0.3, maximum: 0.2, ticks: [-0.3, -0.2, -0.1, 0, 0.1, 0.2],
             labels: ["-0.3", "-0.2", "-0.1", "0", "0.1", "0.2"]),
        Case(minimum: 0.0012, maximum: 0.0031, ticks: [0.001, 0.0015, 0.002, 0.0025, 0.003, 0.0035],
             labels: ["0.001", "0.0015", "0.002", "0.0025", "0.003", "0.0035"]),
        Case(minimum: 0, maximum: 25_000, ticks: [0, 5000, 10000, 15000, 20000, 25000],
             labels: ["0", "5000", "10000", "15000", "20000", "25000"]),
        // Equal values are widened around the value.
        Case(minimum: 3, maximum: 3, ticks: [2.6, 2.8, 3, 3.2, 3.4], labels: ["2.6", "2.8", "3", "3.2", "3.4"]),
        Case(minimum: 1, maximum: 1, integerSteps: true, ticks: [0, 1, 2], labels: ["0", "1", "2"]),
        Case(minimum: 0, maximum: 0, ticks: [-1, -0.5, 0, 0.5, 1], labels: ["-1", "-0.5", "0", "0.5", "1"]),
    ]

    @Test(arguments: cases)
    func ticksAreNiceNumbers(_ example: Case) {
        let axis = AxisScale(minimum: example.minimum, maximum: example.maximum, targetTickCount: 5,
                             integerSteps: example.integerSteps)
        #expect(axis.ticks == example.ticks)
        #expect(axis.ticks.map(axis.label(for:)) == example.labels)
        #expect(axis.lower <= example.minimum && axis.upper >= example.maximum)
        // Steps are 1, 2 or 5 times a power of ten.
        let mantissa = axis.step / pow(10, floor(log10(axis.step)))
        #expect([1.0, 2.0, 5.0].contains { abs($0 - mantissa) < 1e-9 })
    }

    @Test func integerDataGetsWholeTicks() {
        let axis = AxisScale(minimum: 1, maximum: 2, targetTickCount: 6, integerSteps: true)
        #expect(axis.ticks.allSatisfy { $0 == $0.rounded() })
        #expect(axis.step == 1)
    }

    @Test func nonFiniteBoundsGiveTheUnitAxis() {
        let axis = AxisScale(minimum: .nan, maximum: .infinity)
        #expect(axis.lower == 0)
        #expect(axis.upper == 1)
    }

    @Test(arguments: [(250.0, "250"), (0.5, "0.5"), (0.123456, "0.1235"), (1234.5678, "1235"),
                      (-0.0, "0"), (12345.0, "12345"), (2e-5, "2e-05"), (1.5e7, "1.5e+07"), (.nan, "NaN")])
    func compactNumbers(value: Double, text: String) {
        #expect(formatCompactNumber(value) == text)
    }
}
