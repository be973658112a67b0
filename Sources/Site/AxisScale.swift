import Foundation

/// The range and tick marks of one chart axis, chosen to be "nice" numbers.
///
/// Ticks step by 1, 2 or 5 times a power of ten, and the axis runs from the tick at
/// or below the smallest value to the tick at or above the largest, so every tick
/// label is short and round (`0, 5, 10, 15, 20` or `0.1, 0.2, 0.3`).
public struct AxisScale: Sendable, Equatable {
    /// The value at the start of the axis (the first tick).
    public var lower: Double
    /// The value at the end of the axis (the last tick).
    public var upper: Double
    /// The distance between two ticks.
    public var step: Double
    /// The tick values from `lower` to `upper`, rounded to the step's precision.
    public var ticks: [Double]

    /// The number of fraction digits needed to write any tick exactly.
    public var labelDecimals: Int { max(0, -Int(floor(log10(step) + 1e-9))) }

    /// The tick label for `value` (one of `ticks`), without a locale.
    public func label(for value: Double) -> String {
        labelDecimals > 6 ? formatCompactNumber(value) : formatFixedNumber(value, decimals: labelDecimals)
    }

    /// An axis covering `minimum...maximum` with at most about `targetTickCount` intervals.
    ///
    /// - Parameters:
    ///   - integerSteps: when the data are whole numbers (epochs, steps), ticks are
    ///     whole numbers too: the step is never below 1.
    /// Equal bounds are widened (by 1 for integer data, else by 10% of the value, or 1
    /// around zero); non-finite bounds give the axis `0...1`.
    public init(minimum: Double, maximum: Double, targetTickCount: Int = 5, integerSteps: Bool = false) {
        var low = minimum
        var high = maximum
        if !low.isFinite || !high.isFinite {
            low = 0
            high = 1
        }
        if low > high { swap(&low, &high) }
        if low == high {
            let widening = integerSteps ? 1 : (low == 0 ? 1 : abs(low) * 0.1)
            low -= widening
            high += widening
        }
        let roughStep = (high - low) / Double(max(1, targetTickCount))
        let magnitude = pow(10, floor(log10(roughStep)))
        var step = [1.0, 2.0, 5.0, 10.0].map { $0 * magnitude }.first { $0 >= roughStep * (1 - 1e-9) } ?? 10 * magnitude
        if integerSteps { step = max(1, step.rounded()) }

        let firstIndex = floor(low / step + 1e-9)
        let lastIndex = ceil(high / step - 1e-9)
        let decimals = max(0, -Int(floor(log10(step) + 1e-9)))
        let rounding = pow(10, Double(min(decimals, 15)))
        let ticks = stride(from: firstIndex, through: lastIndex, by: 1).map { index in
            let value = (index * step * rounding).rounded() / rounding
            return value == 0 ? 0 : value // no negative zero
        }
        self.lower = ticks.first ?? low
        self.upper = ticks.last ?? high
        self.step = step
        self.ticks = ticks
    }

    /// The position of `value` along an axis drawn from `start` to `end` (pixels).
    func position(of value: Double, from start: Double, to end: Double) -> Double {
        guard upper > lower else { return start }
        return start + (value - lower) / (upper - lower) * (end - start)
    }
}
