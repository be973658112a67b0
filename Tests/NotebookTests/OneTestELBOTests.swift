import Foundation
import Notebook
import NotebookResults
import Testing

/// A model's test −ELBO is one number on its page: the training summary, `evaluate test` and
/// `table models` estimate it alike (one z per image, on the stream of its last test pass).
@Suite struct OneTestELBOTests {
    @Test func theSummaryEvaluateAndTheModelsTableAgree() throws {
        let result = try ExecutorFigureTests.run("""
            ```swift-vae
            seed 6
            data fashion-mnist train=200 test=40
            model mlp encoder=[16] latent=2 decoder=[16] name=a
            train epochs=2 batch=50
            evaluate test
            model mlp encoder=[16] latent=3 decoder=[16] name=b
            train epochs=1 batch=50
            table models
            ```
            """)
        let block = result.results[0]
        let metric = { (name: String, model: String) in
            block.metrics.first { $0.name == name && $0.model == model }?.value
        }
        // The evaluation is the last test pass, to the bit.
        #expect(metric("evaluate test reconstruction", "a") == metric("epoch 2 test reconstruction", "a"))
        #expect(metric("evaluate test KL", "a") == metric("epoch 2 test KL", "a"))
        guard case .text(let summary) = block.outputs[2] else { Issue.record("no summary"); return }
        let summaryTest = try #require(summary.components(separatedBy: "test −ELBO ").last)
        let tables = ModelComparisonTests.tables(block.outputs)
        let (evaluation, models) = (tables[0], tables[1])
        #expect(evaluation.rows[0][1] == summaryTest)
        #expect(models.rows[0][3] == summaryTest)
        // The other model too: its table row is its own summary's number.
        guard case .text(let other) = block.outputs[5] else { Issue.record("no summary of b"); return }
        #expect(models.rows[1][3] == other.components(separatedBy: "test −ELBO ").last)
        #expect(models.caption?.contains("one z drawn from q(z|x) per image") == true)
        #expect(evaluation.caption?.contains("one z drawn from q(z|x) per image") == true)
    }
}
