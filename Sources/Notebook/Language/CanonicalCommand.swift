import Foundation

/// A command as the language defines it, independent of how it was written and of the Swift
/// types that run it: its schema name and every argument whose value is not the default, as
/// `key=value` in schema order, with `$param` substituted and numbers in one round-trip form.
///
/// It is what the cache keys hash (so spacing, comments, option order, writing out a default
/// or adding a new argument with a default change no key, and neither does renaming a Swift
/// type or property), what a continued training compares, and what a re-run's reason names
/// ("'train' lr changed: 0.001 → 0.002"). A changed default is a language change:
/// `CanonicalCommand.languageVersion` is part of every key.
public struct CanonicalCommand: Sendable, Equatable, Codable {
    /// One argument that is not at its default.
    public struct Argument: Sendable, Equatable, Codable {
        public var name: String
        public var value: String

        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    /// The schema's name: `train`, `show samples`.
    public var name: String
    public var arguments: [Argument]

    /// Bumped when a default or the meaning of an argument changes, so no cached result of the
    /// old meaning is taken for the new one.
    public static let languageVersion = "notebook-language/1"

    public init(name: String, arguments: [Argument]) {
        self.name = name
        self.arguments = arguments
    }

    /// `train epochs=3 lr=0.002`.
    public var text: String {
        ([name] + arguments.map { "\($0.name)=\($0.value)" }).joined(separator: " ")
    }

    /// The command without the arguments `names` (a training plan without its length).
    public func removing(_ names: Set<String>) -> CanonicalCommand {
        CanonicalCommand(name: name, arguments: arguments.filter { !names.contains($0.name) })
    }

    /// The value of argument `name`, or nil when it is at its default.
    public func value(of name: String) -> String? { arguments.first { $0.name == name }?.value }

    /// The value of argument `name` as the command runs with it: written, else the schema's
    /// default; nil when the argument is absent (it has no default).
    public func effectiveValue(of name: String) -> String? {
        if let written = value(of: name) { return written }
        guard let argument = CommandSchema.all.first(where: { $0.name == self.name })?.argument(named: name),
              let defaultValue = argument.typedDefault else { return nil }
        return Self.format(defaultValue, as: argument.type)
    }

    /// The canonical form of checked arguments: positionals then options, in schema order,
    /// those equal to their default left out.
    init(schema: CommandSchema, arguments: CheckedArguments) {
        var kept: [Argument] = []
        for argument in schema.positionals + schema.options {
            guard let value = arguments.value(argument.name) else { continue }
            let text = Self.format(value, as: argument.type)
            if let defaultValue = argument.typedDefault, Self.format(defaultValue, as: argument.type) == text { continue }
            kept.append(Argument(name: argument.name, value: text))
        }
        self.init(name: schema.name, arguments: kept)
    }

    /// One text per value: integers in decimal, reals in Swift's shortest round-trip form
    /// (`0.001`, `1e-07`; an integer written for a real reads as the real), lists without
    /// spaces, and words quoted when they hold anything but letters, digits and `-_./`.
    static func format(_ value: TypedValue, as type: ArgumentType) -> String {
        switch value {
        case .integer(let number):
            if case .real = type { return format(.real(Double(number)), as: type) }
            if case .realOrAuto = type { return format(.real(Double(number)), as: type) }
            return String(number)
        case .real(let number): return "\(number)"
        case .word(let word): return quoted(word)
        case .integers(let numbers): return "[" + numbers.map(String.init).joined(separator: ",") + "]"
        case .words(let words): return "[" + words.map(quoted).joined(separator: ",") + "]"
        case .boolean(let flag): return flag ? "true" : "false"
        case .auto: return "auto"
        }
    }

    private static func quoted(_ word: String) -> String {
        let plain = !word.isEmpty && word.unicodeScalars.allSatisfy {
            ($0.isASCII && CharacterSet.alphanumerics.contains($0)) || "-_./".unicodeScalars.contains($0)
        }
        guard !plain else { return word }
        return "\"" + word.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
