import Notebook

extension CacheAuthenticationKey {
    /// A fixed key for tests that open a cache in process, so they never make or read the
    /// user's own key file.
    public static let forTests = CacheAuthenticationKey(hex: String(repeating: "5a", count: 32))!
}
