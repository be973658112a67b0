/// The YAML front matter block at the top of a notebook, as Quarto, Jekyll and Pandoc read it:
///
/// ```
/// ---
/// title: A first VAE
/// check:
///   tolerance: 1e-3
/// params:
///   epochs: 10
/// ---
/// ```
///
/// The Markdown stage parses it as YAML and keeps every mapping key with its dotted path
/// (`check.tolerance`), its shape and the positions of key and value, so the Language
/// stage can check the keys this tool reads and point at a bad one. Keys this tool does not
/// use (`author`, `format`, …) are kept and ignored. What made the block unreadable (YAML
/// syntax, duplicate keys, no closing `---`) is kept in `problems`, reported by the
/// Language stage with the other errors.
public struct FrontMatter: Sendable, Equatable, Codable {
    public struct Entry: Sendable, Equatable, Codable {
        /// Dotted key path, e.g. `check.tolerance`.
        public var key: String
        /// The scalar value as YAML reads it (quotes removed); empty for a mapping or a list.
        public var value: String
        /// Where the key starts.
        public var keyLocation: SourceLocation
        /// Where the value starts (the key's location when there is no value).
        public var valueLocation: SourceLocation
        /// A single value, a mapping (its keys follow as entries of their own) or a list.
        public var shape: Shape

        public enum Shape: String, Sendable, Equatable, Codable {
            case scalar, mapping, list
        }

        public init(key: String, value: String, keyLocation: SourceLocation, valueLocation: SourceLocation,
                    shape: Shape = .scalar) {
            self.key = key
            self.value = value
            self.keyLocation = keyLocation
            self.valueLocation = valueLocation
            self.shape = shape
        }

        private enum CodingKeys: String, CodingKey { case key, value, keyLocation, valueLocation, shape }

        // Results written before `shape` existed still decode, as scalars.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            key = try container.decode(String.self, forKey: .key)
            value = try container.decode(String.self, forKey: .value)
            keyLocation = try container.decode(SourceLocation.self, forKey: .keyLocation)
            valueLocation = try container.decode(SourceLocation.self, forKey: .valueLocation)
            shape = try container.decodeIfPresent(Shape.self, forKey: .shape) ?? .scalar
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(key, forKey: .key)
            try container.encode(value, forKey: .value)
            try container.encode(keyLocation, forKey: .keyLocation)
            try container.encode(valueLocation, forKey: .valueLocation)
            if shape != .scalar { try container.encode(shape, forKey: .shape) }
        }
    }

    /// Why the front matter could not be read, where.
    public struct Problem: Sendable, Equatable, Codable {
        public var message: String
        public var location: SourceLocation
        /// How many characters to underline.
        public var length: Int

        public init(message: String, location: SourceLocation, length: Int = 1) {
            self.message = message
            self.location = location
            self.length = length
        }
    }

    /// Every mapping key in document order, nested ones with their dotted path after their parent.
    public var entries: [Entry]
    /// What made the front matter unreadable; empty when it was read.
    public var problems: [Problem]

    public static let empty = FrontMatter(entries: [])

    public func value(_ key: String) -> Entry? { entries.last { $0.key == key } }

    public init(entries: [Entry], problems: [Problem] = []) {
        self.entries = entries
        self.problems = problems
    }

    private enum CodingKeys: String, CodingKey { case entries, problems }

    // Results written before `problems` existed still decode.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        entries = try container.decode([Entry].self, forKey: .entries)
        problems = try container.decodeIfPresent([Problem].self, forKey: .problems) ?? []
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(entries, forKey: .entries)
        if !problems.isEmpty { try container.encode(problems, forKey: .problems) }
    }
}
