import Foundation

/// Locale-independent number text for figures, tables and footers.
///
/// Pages must not change with the machine's language settings, so numbers are
/// formatted with `String(format:)` and no locale (always `.` as the decimal point,
/// no grouping), then trimmed.

/// `value` with up to four significant digits and no trailing zeros: `250`, `0.5`,
/// `0.1235`, `1235`, `12350`. Very large or small magnitudes use exponent notation
/// (`1.5e+07`, `2e-05`); `-0` is written `0`.
public func formatCompactNumber(_ value: Double) -> String {
    guard value.isFinite else { return value.isNaN ? "NaN" : (value > 0 ? "inf" : "-inf") }
    if value == 0 { return "0" }
    let exponent = Int(floor(log10(abs(value))))
    if exponent >= 7 || exponent < -4 {
        let text = String(format: "%.3e", value)
        guard let marker = text.firstIndex(of: "e") else { return text }
        return trimmingFractionZeros(String(text[..<marker])) + text[marker...]
    }
    return formatFixedNumber(value, decimals: max(0, 3 - exponent))
}

/// `value` rounded to `decimals` places, with trailing fraction zeros removed.
public func formatFixedNumber(_ value: Double, decimals: Int) -> String {
    guard value.isFinite else { return formatCompactNumber(value) }
    let text = trimmingFractionZeros(String(format: "%.\(max(0, decimals))f", value))
    return text == "-0" ? "0" : text
}

/// A coordinate for SVG markup: at most two decimals, trimmed (`12`, `12.5`, `12.25`).
func formatCoordinate(_ value: Double) -> String {
    formatFixedNumber(value, decimals: 2)
}

/// Removes trailing zeros after a decimal point, and the point itself if nothing follows it.
private func trimmingFractionZeros(_ text: String) -> String {
    guard text.contains(".") else { return text }
    var trimmed = Substring(text)
    while trimmed.last == "0" { trimmed.removeLast() }
    if trimmed.last == "." { trimmed.removeLast() }
    return String(trimmed)
}
