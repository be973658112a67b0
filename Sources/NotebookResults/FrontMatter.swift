/// The YAML front matter block at the top of a notebook, as Quarto, Jekyll and Pandoc read it:
///
/// ```
/// ---
/// title: A first VAE
/// check:
///   tolerance: 1e-3
/// ---
/// ```
///
/// Only the subset notebooks need is read: `key: value` lines, nested one level deeper by
/// indentation, and comments. Keys are kept with their dotted path (`check.tolerance`) and
/// the position of the value, so the Language stage can check them and point at a bad one.
/// Keys this tool does not use (`title`, `author`, …) are kept and ignored.
public struct FrontMatter: Sendable, Equatable, Codable {
    public struct Entry: Sendable, Equatable, Codable {
        /// Dotted key path, e.g. `check.tolerance`.
        public var key: String
        /// The scalar value with surrounding quotes removed; empty for a parent key.
        public var value: String
        /// Where the key starts.
        public var keyLocation: SourceLocation
        /// Where the value starts (the key's location when there is no value).
        public var valueLocation: SourceLocation

        public init(key: String, value: String, keyLocation: SourceLocation, valueLocation: SourceLocation) {
            self.key = key
            self.value = value
            self.keyLocation = keyLocation
            self.valueLocation = valueLocation
        }
    }

    /// The `key: value` lines; other lines (list items, block scalars) are skipped, since
    /// only keys this tool reads are checked.
    public var entries: [Entry]

    public static let empty = FrontMatter(entries: [])

    public func value(_ key: String) -> Entry? { entries.last { $0.key == key } }

    public init(entries: [Entry]) { self.entries = entries }
}
