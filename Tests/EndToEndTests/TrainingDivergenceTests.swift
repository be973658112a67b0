import Foundation
import Testing
import TestSupport

/// Training whose loss becomes NaN or infinite stops with the command's place and the step.
@Suite struct TrainingDivergenceTests {
    @Test func divergingTrainingPointsAtTheTrainCommandAndWritesNoPage() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        // Plain SGD at the largest learning rate the language allows, on summed per-image
        // losses in the hundreds: the weights overflow within a few steps.
        let notebook = """
            # Diverging

            ```swift-vae
            seed 1
            data fashion-mnist train=300 test=100
            model mlp encoder=[32] latent=2 decoder=[32]
            train epochs=1 batch=50 optimizer=sgd lr=10
            show samples 4
            ```
            """
        try notebook.write(to: folder.appendingPathComponent("diverging.md"), atomically: true, encoding: .utf8)

        let outcome = try NotebookBinary.run(["run", "diverging.md", "--output", "out", "--quiet"], in: folder)
        #expect(outcome.status == 1)
        #expect(outcome.standardError.hasPrefix("diverging.md:7:1: error: training diverged at step "),
                "stderr: \(outcome.standardError)")
        #expect(outcome.standardError.contains("try a smaller learning rate"))
        #expect(outcome.standardError.contains("the loss became NaN") || outcome.standardError.contains("the loss became +∞"),
                "stderr: \(outcome.standardError)")
        #expect(!outcome.standardError.contains("nan;") && !outcome.standardError.contains("inf;"))
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("out").path))
    }
}
