import Foundation
import Notebook
import NotebookResults
import Testing
import TestSupport

/// Figures draw from their own streams: adding them never changes what training computes.
@Suite struct FigureIndependenceTests {
    /// Runs a notebook in-process and returns the bytes of the checkpoint it saved.
    func trainedWeights(_ body: String, in folder: URL, named name: String) throws -> Data {
        let path = folder.appendingPathComponent(name).path
        try body.write(toFile: path, atomically: true, encoding: .utf8)
        let program = try NotebookSource.compile(path)
        _ = try Executor(program: program, options: ExecutionOptions(blasThreads: 2),
                         progress: ProgressReporter(style: .quiet)).run()
        return try Data(contentsOf: folder.appendingPathComponent(name + ".ckpt"))
    }

    static func notebook(figures: String, checkpoint: String) -> String {
        """
        # Figures do not perturb training

        ```swift-vae
        seed 11
        data fashion-mnist train=256 test=64
        model mlp encoder=[32] latent=2 decoder=[32]
        train epochs=1 batch=32 lr=1e-3
        ```

        ```swift-vae
        \(figures)
        ```

        ```swift-vae
        train epochs=2 batch=32 lr=1e-3
        save weights \(checkpoint)
        ```
        """
    }

    @Test func figuresBetweenTrainingBlocksLeaveTheWeightsUnchanged() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let plain = try trainedWeights(Self.notebook(figures: "summary", checkpoint: "plain.md.ckpt"),
                                       in: folder, named: "plain.md")
        let figures = """
            show samples 16
            show reconstructions 8 from=train
            evaluate test
            table losses
            plot losses
            """
        let withFigures = try trainedWeights(Self.notebook(figures: figures, checkpoint: "figures.md.ckpt"),
                                             in: folder, named: "figures.md")
        #expect(plain == withFigures)
        #expect(plain.count > 1000)
    }

    @Test func aDifferentSeedChangesTheWeights() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let first = try trainedWeights(Self.notebook(figures: "summary", checkpoint: "a.md.ckpt"), in: folder, named: "a.md")
        let second = try trainedWeights(Self.notebook(figures: "summary", checkpoint: "b.md.ckpt")
            .replacingOccurrences(of: "seed 11", with: "seed 12"), in: folder, named: "b.md")
        #expect(first != second)
    }
}
