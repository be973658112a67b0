/// Numeric comparison helpers shared by the test targets.

/// Whether `a` and `b` agree within `atol + rtol * |b|` (numpy's `isclose`).
public func isClose(_ a: Double, _ b: Double, rtol: Double = 1e-5, atol: Double = 1e-8) -> Bool {
    if a.isNaN || b.isNaN { return false }
    return abs(a - b) <= atol + rtol * abs(b)
}

/// Whether every pair of `a` and `b` agrees within tolerance; false when lengths differ.
public func allClose(_ a: [Float], _ b: [Float], rtol: Double = 1e-5, atol: Double = 1e-8) -> Bool {
    guard a.count == b.count else { return false }
    return zip(a, b).allSatisfy { isClose(Double($0), Double($1), rtol: rtol, atol: atol) }
}
