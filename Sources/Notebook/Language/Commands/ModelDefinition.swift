import NotebookResults
import VAEEngine

/// `model`: builds a VAE, which becomes the current model; earlier models stay, for `use`.
struct ModelDefinition: CommandDefinition {
    let schema = CommandSchema(
        name: "model", summary: "Builds a VAE (an encoder to mean and log-variance, a decoder to pixel logits); it becomes the current model, and earlier ones stay available to `use` and comparisons.",
        positionals: [ArgumentSchema("kind", .choice(["mlp", "conv"]), "the architecture family")],
        options: [ArgumentSchema("encoder", .integerList(count: 0...8, each: 1...8192),
                                 "hidden layer sizes (mlp) or filter counts (conv) of the encoder"),
                  ArgumentSchema("latent", .integer(1...1024), "size of the latent space"),
                  ArgumentSchema("decoder", .integerList(count: 0...8, each: 1...8192),
                                 "hidden layer sizes (mlp) or filter counts (conv) of the decoder"),
                  ArgumentSchema("kernel", .integer(1...7), default: "3", "convolution kernel size (conv)"),
                  ArgumentSchema("stride", .integer(1...4), default: "2", "convolution stride (conv)"),
                  ArgumentSchema("residual", .integer(0...8), default: "0",
                                 "residual blocks after every hidden layer (mlp): each adds act(x·W₁ᵀ + b₁)·W₂ᵀ + b₂ to its input x, keeping the layer's width"),
                  ArgumentSchema("activation", .choice(Activation.allCases.map(\.rawValue)), default: "relu",
                                 "hidden-layer activation"),
                  ArgumentSchema("init", .choice(Initializer.names), default: "he", "weight initializer"),
                  ArgumentSchema("name", .name, absent: "—", "what tables, legends and `use` call it (left out, the N-th model built is model-N)")],
        example: "model mlp encoder=[400] latent=20 decoder=[400] name=baseline")

    func build(_ arguments: CheckedArguments, _ line: inout LineContext) -> (any Command)? {
        // The schema's choices are the engine's names, so these conversions cannot fail.
        let kind = ModelSpec.Kind(rawValue: arguments.word("kind"))!
        let spec = ModelSpec(kind: kind, encoder: arguments.integers("encoder"), latent: arguments.integer("latent"),
                             decoder: arguments.integers("decoder"),
                             activation: Activation(rawValue: arguments.word("activation"))!,
                             initializer: Initializer(name: arguments.word("init"))!,
                             kernel: arguments.integer("kernel"), stride: arguments.integer("stride"),
                             imageHeight: line.state.imageSize?.rows ?? 28, imageWidth: line.state.imageSize?.columns ?? 28,
                             residualBlocks: arguments.integer("residual"))
        if kind == .mlp {
            for option in ["kernel", "stride"] {
                if let span = arguments.span(of: option) {
                    return line.fail("'\(option)' applies only to conv models", at: span)
                }
            }
            if spec.residualBlocks > 0, spec.encoder.isEmpty, spec.decoder.isEmpty, let span = arguments.span(of: "residual") {
                return line.fail("'residual' needs at least one hidden layer to follow; give encoder=[…] or decoder=[…] a size",
                                 at: span)
            }
        } else if let span = arguments.span(of: "residual") {
            return line.fail("'residual' applies only to mlp models", at: span)
        } else if let problem = ConvolutionalArchitecture.problem(with: spec, kernel: spec.kernel, stride: spec.stride) {
            // Say where the image size comes from when a `data` line gives it.
            let source = line.state.imageSize.map { size in
                "; 'data' at \(size.location.line):\(size.location.column) gives \(size.text) images"
            } ?? ""
            return line.failCommand(problem + source)
        }
        let name = arguments.value("name")?.word ?? line.state.nextDefaultName
        if let problem = MemoryCheck.problemBuilding(spec, named: name) { return line.failCommand(problem) }
        if line.state.model(named: name) != nil {
            let message = "a model named '\(name)' is built already; give this one another name=…"
            if let span = arguments.span(of: "name") { return line.fail(message, at: span) }
            return line.failCommand(message)
        }
        return ModelCommand(spec: spec, name: name)
    }

    /// A model, current from here on: the one built, or for a failed line one of unknown
    /// architecture under the name it asked for (or the earlier model of that name).
    func declare(_ arguments: CheckedArguments, built: (any Command)?, in state: inout StaticState) {
        if let model = built as? ModelCommand {
            state.models.append(.init(name: model.name, spec: model.spec, line: state.line))
            state.currentIndex = state.models.count - 1
            return
        }
        let name = arguments.value("name")?.word ?? state.nextDefaultName
        if let index = state.models.firstIndex(where: { $0.name == name }) {
            state.currentIndex = index
        } else {
            state.models.append(.init(name: name, spec: nil))
            state.currentIndex = state.models.count - 1
        }
    }
}

/// Builds and initializes a model and makes it the current one.
public struct ModelCommand: Command, Equatable {
    public var spec: ModelSpec
    public var name: String

    public init(spec: ModelSpec, name: String) {
        self.spec = spec
        self.name = name
    }

    public var effect: CommandEffect { .changesSession }

    public func run(in context: ExecutionContext) -> [BlockOutput] {
        let session = context.session
        let model = VAE(spec: spec, context: session.compute)
        // Every model starts from the notebook's seed: two models of one architecture start
        // alike, and a model trains to the same bits whatever was built before it.
        model.initialize(seed: session.seed)
        let state = ModelState(name: name, model: model, trainer: Trainer(model: model, seed: session.seed))
        state.evolution = [(0, context.figures.evolutionFrame(model: model, seed: session.seed,
                                                               count: Session.evolutionPoints))]
        session.models.append(state)
        session.currentIndex = session.models.count - 1
        let named = session.models.count > 1 || name != "model-1" ? " '\(name)'" : ""
        let blocks = spec.residualBlocks == 0 ? ""
            : " \(spec.residualBlocks) residual block\(spec.residualBlocks == 1 ? "" : "s") per hidden layer and"
        return [.text("\(spec.kind.rawValue.uppercased()) VAE\(named) with\(blocks) \(model.parameterCount.formatted()) parameters")]
    }
}
