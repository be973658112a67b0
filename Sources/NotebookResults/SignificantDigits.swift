import Foundation

/// Numbers such as losses written with a fixed least number of significant digits, trailing
/// zeros kept, so a column of them reads evenly and no digit that matters is rounded away.
///
/// Unlike a compact format, `0.16201` is written `0.1620` (four significant digits, not
/// `0.162`), and values of 1 and more keep at least two decimals: `244.15`, `1234.57`.
/// The text never depends on the machine's locale (always `.`, no grouping).
public enum SignificantDigits {
    /// The text written for NaN and infinities: a dash, as in a table cell with no value.
    public static let notANumber = "—"

    /// `value` with at least `digits` significant digits and at least two decimals.
    ///
    /// The number of decimals is `max(2, digits - integerDigits)`, where `integerDigits` is
    /// the position of the leading digit (2 for 12.3, 0 for 0.16, −2 for 0.0012), so:
    /// `244.1512` → `244.15`, `1234.5678` → `1234.57`, `12.3456` → `12.35`, `0.16201` →
    /// `0.1620`, `0.00123456` → `0.001235`. When rounding carries into a new leading digit
    /// (`9.99996`), one decimal fewer is written (`10.00`), never fewer than two.
    ///
    /// Magnitudes of 10¹⁵ and more, or below 10⁻⁶, are not ordinary for a loss and are
    /// written in exponent notation with `digits` significant digits (`1.235e-07`).
    /// NaN and infinities are written `—`; zero as `0` with `digits - 1` decimals (`0.000`),
    /// and `-0` without a minus sign.
    public static func format(_ value: Double, digits: Int = 4) -> String {
        guard value.isFinite else { return notANumber }
        let digits = max(1, digits)
        let magnitude = abs(value)
        if magnitude != 0 && (magnitude >= 1e15 || magnitude < 1e-6) {
            return String(format: "%.\(digits - 1)e", value)
        }
        let integerDigits = magnitude == 0 ? 1 : Int(floor(log10(magnitude))) + 1
        var decimals = max(2, digits - integerDigits)
        var text = String(format: "%.\(decimals)f", value)
        // Rounding up to the next power of ten (9.99996 → 10.0000) adds a significant digit.
        if decimals > 2, let rounded = Double(text), abs(rounded) >= pow(10, Double(integerDigits)) {
            decimals -= 1
            text = String(format: "%.\(decimals)f", value)
        }
        return magnitude == 0 ? String(text.drop { $0 == "-" }) : text
    }
}
