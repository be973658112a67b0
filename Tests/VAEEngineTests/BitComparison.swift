/// Where two arrays first differ in any bit, or nil. (`#expect(a == b)` on arrays of
/// thousands of values would describe a failure through a collection difference that
/// takes minutes.)
func firstBitDifference(_ a: [Float], _ b: [Float]) -> String? {
    guard a.count == b.count else { return "\(a.count) values against \(b.count)" }
    guard let i = a.indices.first(where: { a[$0].bitPattern != b[$0].bitPattern }) else { return nil }
    return "[\(i)]: \(a[i]) against \(b[i])"
}
