import Notebook
import NotebookResults
import Testing
import VAEEngine

/// `model mlp … residual=N`: the spec it builds, and cache keys that stay as they were for
/// notebooks without residual blocks.
@Suite struct ResidualModelTests {
    static func modelCommand(_ line: String) throws -> LocatedCommand {
        let program = try NotebookCompilerTests.compile(NotebookCompilerTests.block("seed 1\n" + line))
        return try #require(program.blocks[0].commands.first { $0.command is ModelCommand })
    }

    @Test func residualSetsTheBlocksOfTheSpec() throws {
        let located = try Self.modelCommand("model mlp encoder=[16] latent=2 decoder=[16] residual=2")
        #expect((located.command as? ModelCommand)?.spec.residualBlocks == 2)
        let plain = try Self.modelCommand("model mlp encoder=[16] latent=2 decoder=[16]")
        #expect((plain.command as? ModelCommand)?.spec.residualBlocks == 0)
        // A model with blocks is another cache key; residual=0 is the plain model's.
        #expect(located.canonical != plain.canonical)
        #expect(try Self.modelCommand("model mlp encoder=[16] latent=2 decoder=[16] residual=0").canonical == plain.canonical)
    }

    /// The canonical forms engines before residual blocks gave (Swift's default reflection of
    /// the command): the state keys of every existing notebook's cache entries hash them.
    @Test func canonicalFormsWithoutBlocksAreThoseOfEarlierEngines() throws {
        let mlp = try Self.modelCommand("model mlp encoder=[400, 12] latent=20 decoder=[400] activation=elu init=glorot")
        #expect(mlp.canonical == "Notebook.ModelCommand(spec: VAEEngine.ModelSpec(kind: VAEEngine.ModelSpec.Kind.mlp, "
            + "encoder: [400, 12], latent: 20, decoder: [400], activation: VAEEngine.Activation.elu, "
            + "initializer: VAEEngine.Initializer.glorot(VAEEngine.Initializer.Distribution.uniform), kernel: 3, "
            + "stride: 2, imageChannels: 1, imageHeight: 28, imageWidth: 28), name: \"model-1\")")
        let conv = ModelCommand(spec: ModelSpec(kind: .conv, encoder: [4, 8], latent: 3, decoder: [8, 4], initializer: .pytorch,
                                                kernel: 5, stride: 1, imageHeight: 14, imageWidth: 14), name: "model-1")
        #expect(LocatedCommand(command: conv, location: SourceLocation(file: "nb.md", line: 1, column: 1), text: "").canonical
            == "Notebook.ModelCommand(spec: VAEEngine.ModelSpec(kind: VAEEngine.ModelSpec.Kind.conv, encoder: [4, 8], "
            + "latent: 3, decoder: [8, 4], activation: VAEEngine.Activation.relu, initializer: VAEEngine.Initializer.pytorch, "
            + "kernel: 5, stride: 1, imageChannels: 1, imageHeight: 14, imageWidth: 14), name: \"model-1\")")
    }

    /// The canonical form lists the spec's fields by hand; a field added to `ModelSpec` or
    /// `ModelCommand` must be added there too (or it would be missing from the cache keys).
    @Test func theCanonicalFormNamesEveryField() {
        let spec = ModelSpec(encoder: [8], latent: 2, decoder: [8], residualBlocks: 1)
        let command = ModelCommand(spec: spec, name: "m")
        #expect(Mirror(reflecting: command).children.map(\.label) == ["spec", "name"])
        let labels = Mirror(reflecting: spec).children.compactMap(\.label)
        for label in labels { #expect(command.debugDescription.contains("\(label): "), "\(label)") }
        #expect(command.debugDescription.contains("residualBlocks: 1"))
    }
}
