import NotebookResults
import VAEEngine

/// `model`: builds a VAE; it replaces any earlier model, which must then be trained again.
struct ModelDefinition: CommandDefinition {
    let schema = CommandSchema(
        name: "model", summary: "Builds a VAE: an encoder to mean and log-variance, a decoder to pixel logits.",
        positionals: [ArgumentSchema("kind", .choice(["mlp", "conv"]), "the architecture family")],
        options: [ArgumentSchema("encoder", .integerList(count: 0...8, each: 1...8192),
                                 "hidden layer sizes (mlp) or filter counts (conv) of the encoder"),
                  ArgumentSchema("latent", .integer(1...1024), "size of the latent space"),
                  ArgumentSchema("decoder", .integerList(count: 0...8, each: 1...8192),
                                 "hidden layer sizes (mlp) or filter counts (conv) of the decoder"),
                  ArgumentSchema("kernel", .integer(1...7), default: "3", "convolution kernel size (conv)"),
                  ArgumentSchema("stride", .integer(1...4), default: "2", "convolution stride (conv)"),
                  ArgumentSchema("activation", .choice(Activation.allCases.map(\.rawValue)), default: "relu",
                                 "hidden-layer activation"),
                  ArgumentSchema("init", .choice(Initializer.names), default: "he", "weight initializer")],
        example: "model mlp encoder=[400] latent=20 decoder=[400]")

    func build(_ arguments: CheckedArguments, _ line: inout LineContext) -> Command? {
        // The schema's choices are the engine's names, so these conversions cannot fail.
        let kind = ModelSpec.Kind(rawValue: arguments.word("kind"))!
        let spec = ModelSpec(kind: kind, encoder: arguments.integers("encoder"), latent: arguments.integer("latent"),
                             decoder: arguments.integers("decoder"),
                             activation: Activation(rawValue: arguments.word("activation"))!,
                             initializer: Initializer(name: arguments.word("init"))!,
                             kernel: arguments.integer("kernel"), stride: arguments.integer("stride"))
        if kind == .mlp {
            for option in ["kernel", "stride"] {
                if let span = arguments.span(of: option) {
                    return line.fail("'\(option)' applies only to conv models", at: span)
                }
            }
        } else if let problem = ConvolutionalArchitecture.problem(with: spec, kernel: spec.kernel, stride: spec.stride) {
            return line.failCommand(problem)
        }
        line.state.model = spec
        line.state.hasTrained = false
        return .model(spec)
    }
}
