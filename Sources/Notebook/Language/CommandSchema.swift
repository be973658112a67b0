import NotebookResults
import VAEEngine

/// The type of a command argument, with the range of values it accepts.
public enum ArgumentType: Sendable, Equatable {
    case integer(ClosedRange<Int>)
    case real(ClosedRange<Double>)
    case choice([String])
    case integerList(count: ClosedRange<Int>, each: ClosedRange<Int>)
    /// A file path, bare (`vae.ckpt`) or quoted (`"my weights.ckpt"`).
    case path

    var noun: String {
        switch self {
        case .integer(let range): return "an integer in \(range.lowerBound)...\(range.upperBound)"
        case .real(let range): return "a number in \(Self.format(range.lowerBound))...\(Self.format(range.upperBound))"
        case .choice(let choices): return "one of " + choices.joined(separator: ", ")
        case .integerList(let count, let each):
            return "a list like [512,256] of \(count.lowerBound)...\(count.upperBound) integers in \(each.lowerBound)...\(each.upperBound)"
        case .path: return "a file path"
        }
    }

    static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }
}

/// One positional argument or option of a command.
public struct ArgumentSchema: Sendable, Equatable {
    public var name: String
    public var type: ArgumentType
    /// The default as written, or nil when the argument is required.
    public var defaultValue: String?
    public var summary: String

    public init(_ name: String, _ type: ArgumentType, default defaultValue: String? = nil, _ summary: String) {
        self.name = name
        self.type = type
        self.defaultValue = defaultValue
        self.summary = summary
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
}

extension CommandSchema {
    static let activationNames = Activation.allCases.map(\.rawValue)

    /// Every command of the language, in the order the reference lists them.
    public static let all: [CommandSchema] = [
        CommandSchema(name: "param", summary: "Declares a parameter that `notebook run -p name=value` can override; use it as `$name`.",
                      positionals: [], options: [], example: "param epochs = 10"),
        CommandSchema(name: "seed", summary: "Sets the notebook's seed; every random draw derives from it.",
                      positionals: [ArgumentSchema("value", .integer(0...Int.max), "the seed")],
                      options: [], example: "seed 42"),
        CommandSchema(name: "data", summary: "Loads a dataset, optionally only its first images.",
                      positionals: [ArgumentSchema("dataset", .choice(["fashion-mnist", "mnist"]), "the dataset")],
                      options: [ArgumentSchema("train", .integer(1...60_000), default: "all", "training images to use"),
                                ArgumentSchema("test", .integer(1...10_000), default: "all", "test images to use"),
                                ArgumentSchema("binarize", .choice(["none", "static", "dynamic"]), default: "none",
                                               "pixels as grey levels, thresholded once, or sampled as 0/1 every step"),
                                ArgumentSchema("threshold", .real(0...1), default: "0.5", "the threshold of binarize=static")],
                      example: "data fashion-mnist train=2000 test=500"),
        CommandSchema(name: "model", summary: "Builds a VAE: an encoder to mean and log-variance, a decoder to pixel logits.",
                      positionals: [ArgumentSchema("kind", .choice(["mlp", "conv"]), "the architecture family")],
                      options: [ArgumentSchema("encoder", .integerList(count: 0...8, each: 1...8192),
                                               "hidden layer sizes (mlp) or filter counts (conv) of the encoder"),
                                ArgumentSchema("latent", .integer(1...1024), "size of the latent space"),
                                ArgumentSchema("decoder", .integerList(count: 0...8, each: 1...8192),
                                               "hidden layer sizes (mlp) or filter counts (conv) of the decoder"),
                                ArgumentSchema("kernel", .integer(1...7), default: "3", "convolution kernel size (conv)"),
                                ArgumentSchema("stride", .integer(1...4), default: "2", "convolution stride (conv)"),
                                ArgumentSchema("activation", .choice(activationNames), default: "relu", "hidden-layer activation"),
                                ArgumentSchema("init", .choice(Initializer.names), default: "he", "weight initializer")],
                      example: "model mlp encoder=[400] latent=20 decoder=[400]"),
        CommandSchema(name: "train", summary: "Trains the model for some epochs, evaluating on the test split after each.",
                      positionals: [],
                      options: [ArgumentSchema("epochs", .integer(1...100_000), default: "—", "passes over the training images (or give steps)"),
                                ArgumentSchema("steps", .integer(1...10_000_000), default: "—", "optimizer steps instead of epochs (the last epoch may be partial)"),
                                ArgumentSchema("batch", .integer(1...60_000), default: "128", "images per step"),
                                ArgumentSchema("lr", .real(1e-12...10), default: "1e-3", "learning rate"),
                                ArgumentSchema("optimizer", .choice(["adam", "sgd", "rmsprop"]), default: "adam", "the optimizer"),
                                ArgumentSchema("momentum", .real(0...1), default: "0", "SGD momentum"),
                                ArgumentSchema("loss", .choice(ReconstructionLoss.allCases.map(\.rawValue)), default: "bce", "reconstruction loss"),
                                ArgumentSchema("kl", .choice(KLEstimator.allCases.map(\.rawValue)), default: "analytic", "KL estimator"),
                                ArgumentSchema("beta", .real(0...1e6), default: "1", "weight of the KL term"),
                                ArgumentSchema("reduction", .choice(Objective.Reduction.allCases.map(\.rawValue)), default: "sum",
                                               "sum over pixels, or their mean")],
                      example: "train epochs=5 batch=128 lr=1e-3"),
        CommandSchema(name: "table losses", summary: "A table of the loss per epoch (train and test, reconstruction and KL).",
                      positionals: [], options: [], example: "table losses"),
        CommandSchema(name: "plot losses", summary: "A line chart of train and test loss per epoch.",
                      positionals: [], options: [], example: "plot losses"),
        CommandSchema(name: "show reconstructions", summary: "Images beside their reconstructions through the posterior mean.",
                      positionals: [ArgumentSchema("count", .integer(1...100), default: "10", "how many images")],
                      options: [ArgumentSchema("from", .choice(Command.Split.allCases.map(\.rawValue)), default: "test", "which split")],
                      example: "show reconstructions 10 from=test"),
        CommandSchema(name: "show samples", summary: "Images decoded from latent points drawn from the prior N(0, I).",
                      positionals: [ArgumentSchema("count", .integer(1...400), default: "25", "how many samples")],
                      options: [], example: "show samples 25"),
        CommandSchema(name: "plot latent", summary: "Images encoded to their posterior means, coloured by class; a PCA projection when the latent has more than two dimensions.",
                      positionals: [ArgumentSchema("split", .choice(Command.Split.allCases.map(\.rawValue)), default: "test", "which split")],
                      options: [ArgumentSchema("count", .integer(1...60_000), default: "5000", "how many images (the first of the split)")],
                      example: "plot latent test count=5000"),
        CommandSchema(name: "show manifold", summary: "A grid of images decoded from evenly spaced points of a 2-D latent space.",
                      positionals: [ArgumentSchema("size", .integer(2...40), default: "20", "images per side")],
                      options: [ArgumentSchema("range", .real(0.1...10), default: "2", "the grid spans [-range, range] on both axes")],
                      example: "show manifold 20 range=2"),
        CommandSchema(name: "show evolution", summary: "The same latent points decoded after the epochs so far, one row per epoch; after many epochs, evenly spaced ones (the first and the last always).",
                      positionals: [ArgumentSchema("count", .integer(1...16), default: "8", "images per row")],
                      options: [ArgumentSchema("rows", .integer(2...1000), default: "10", "at most this many epochs")],
                      example: "show evolution 8 rows=12"),
        CommandSchema(name: "summary", summary: "The model's layers with output shapes and parameter counts, like Keras' model.summary().",
                      positionals: [], options: [], example: "summary"),
        CommandSchema(name: "evaluate", summary: "The loss on a whole split: −ELBO, reconstruction and KL per image.",
                      positionals: [ArgumentSchema("split", .choice(Command.Split.allCases.map(\.rawValue)), default: "test", "which split")],
                      options: [], example: "evaluate test"),
        CommandSchema(name: "save weights", summary: "Writes the model's weights to a checkpoint file (relative to the notebook).",
                      positionals: [ArgumentSchema("path", .path, "the checkpoint file")],
                      options: [], example: "save weights vae.ckpt"),
        CommandSchema(name: "load weights", summary: "Reads weights from a checkpoint made for the same architecture.",
                      positionals: [ArgumentSchema("path", .path, "the checkpoint file")],
                      options: [], example: "load weights vae.ckpt"),
    ]

    /// The first words of all commands (`show`, `train`, …).
    static var commandWords: [String] {
        var seen: [String] = []
        for schema in all where !seen.contains(schema.words[0]) { seen.append(schema.words[0]) }
        return seen
    }
}
