import NotebookResults

/// The type of a command argument, with the range of values it accepts.
public enum ArgumentType: Sendable, Equatable {
    case integer(ClosedRange<Int>)
    case real(ClosedRange<Double>)
    case choice([String])
    case integerList(count: ClosedRange<Int>, each: ClosedRange<Int>)
    /// A file path, bare (`vae.ckpt`) or quoted (`"my weights.ckpt"`).
    case path
    /// A name the notebook gives something (a model): a letter, then letters, digits, `-` or `_`.
    case name
    /// A list of names like `[beta1, beta4]`.
    case nameList(count: ClosedRange<Int>)
    /// A list of labels like `[cat, dog, "T-shirt/top"]`: words, numbers or quoted text.
    case labelList(count: ClosedRange<Int>)
    /// `true` or `false`.
    case boolean
    /// A number in the range, or the word `auto` (the command then chooses from the data).
    case realOrAuto(ClosedRange<Double>)

    var noun: String {
        switch self {
        case .integer(let range): return "an integer in \(range.lowerBound)...\(range.upperBound)"
        case .real(let range): return "a number in \(Self.format(range.lowerBound))...\(Self.format(range.upperBound))"
        case .choice(let choices): return "one of " + choices.joined(separator: ", ")
        case .integerList(let count, let each):
            return "a list like [512,256] of \(count.lowerBound)...\(count.upperBound) integers in \(each.lowerBound)...\(each.upperBound)"
        case .path: return "a file path"
        case .name: return "a name (a letter, then letters, digits, - or _)"
        case .nameList(let count): return "a list of \(count.lowerBound)...\(count.upperBound) names like [a, b]"
        case .labelList(let count):
            return "a list of \(count.lowerBound)...\(count.upperBound) labels like [cat, dog, \"T-shirt/top\"]"
        case .boolean: return "true or false"
        case .realOrAuto(let range): return "auto or a number in \(Self.format(range.lowerBound))...\(Self.format(range.upperBound))"
        }
    }

    static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }
}

/// What a command does when an argument is left out.
public enum ArgumentDefault: Sendable, Equatable {
    /// The argument must be written.
    case required
    /// Left out, the argument has this value, written as in a notebook (`128`, `1e-3`, `he`);
    /// builders read it from here, so a default is written once.
    case value(String)
    /// Left out, the argument is absent and the command does without it; the text only
    /// says so in the reference (`all`, `—`).
    case absent(String)
}

/// One positional argument or option of a command.
public struct ArgumentSchema: Sendable, Equatable {
    public var name: String
    public var type: ArgumentType
    public var omitted: ArgumentDefault
    public var summary: String

    /// `default:` gives the value used when the argument is left out, `absent:` the reference's
    /// word for "not used"; with neither the argument is required.
    public init(_ name: String, _ type: ArgumentType, default defaultValue: String? = nil,
                absent: String? = nil, _ summary: String) {
        precondition(defaultValue == nil || absent == nil, "'\(name)' has both a default and an absent text")
        self.name = name
        self.type = type
        self.omitted = defaultValue.map(ArgumentDefault.value) ?? absent.map(ArgumentDefault.absent) ?? .required
        self.summary = summary
    }

    /// The default as the reference writes it, or nil when the argument is required.
    public var defaultValue: String? {
        switch omitted {
        case .required: return nil
        case .value(let text), .absent(let text): return text
        }
    }
}

/// What a command accepts; the single source of truth for parsing, checking and the reference.
public struct CommandSchema: Sendable, Equatable {
    /// One or two words: `seed`, `show samples`.
    public var name: String
    public var summary: String
    public var positionals: [ArgumentSchema]
    public var options: [ArgumentSchema]
    public var example: String

    public var words: [String] { name.split(separator: " ").map(String.init) }

    /// The positional argument or option called `name`.
    func argument(named name: String) -> ArgumentSchema? {
        positionals.first { $0.name == name } ?? options.first { $0.name == name }
    }
}

extension CommandSchema {
    /// Every command of the language, in the order the reference lists them (see `CommandRegistry`).
    public static let all: [CommandSchema] = CommandRegistry.commands.map { $0.schema }

    /// The first words of all commands (`show`, `train`, …).
    static var commandWords: [String] {
        var seen: [String] = []
        for schema in all where !seen.contains(schema.words[0]) { seen.append(schema.words[0]) }
        return seen
    }
}
