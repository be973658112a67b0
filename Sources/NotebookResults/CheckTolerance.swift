/// How far a re-run may drift from the record before `notebook check` calls it a change.
///
/// Used only when the run's configuration differs from the recorded one (another CPU, BLAS
/// kernel or thread count, another engine version); on the same configuration every output
/// must match exactly. Set for the whole notebook in the front matter
///
/// ```
/// ---
/// check:
///   tolerance: 1e-3
///   pixel-tolerance: 0.01
/// ---
/// ```
///
/// and for one block in its info string: ```` ```swift-vae {tolerance=1e-2} ````.
public struct CheckTolerance: Sendable, Equatable, Codable {
    /// Numbers (losses, metrics, scatter statistics) match when
    /// |actual − expected| ≤ relative × max(1, |expected|).
    public var relative: Double
    /// Image statistics and thumbnails (intensities in 0…1) match within this absolute difference.
    public var pixel: Double

    public init(relative: Double = CheckTolerance.default.relative, pixel: Double = CheckTolerance.default.pixel) {
        self.relative = relative
        self.pixel = pixel
    }

    /// Loose enough for another BLAS kernel's rounding after a few epochs, tight enough that a
    /// changed learning rate, seed or subset is far outside it.
    public static let `default` = CheckTolerance(relative: 1e-3, pixel: 0.02)

    /// The option names, in front matter (under `check:`) and in block attributes.
    public static let optionNames = ["tolerance", "pixel-tolerance"]

    /// Sets the option `name` from its text; nil when the text is not a number in 0...1.
    public mutating func set(_ name: String, from text: String) -> String? {
        guard let value = Double(text), value.isFinite, value >= 0, value <= 1 else {
            return "'\(name)' must be a number from 0 to 1, such as 1e-3; got '\(text)'"
        }
        if name == "tolerance" { relative = value } else { pixel = value }
        return nil
    }
}
