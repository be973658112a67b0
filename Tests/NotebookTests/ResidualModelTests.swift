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
}
