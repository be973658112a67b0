import Foundation
import Notebook
import NotebookResults
import Testing

/// Every loss figure says what its numbers are: a −ELBO in nats only where the reconstruction
/// is a log-likelihood, the objective trained in columns of its own, and a bound on log p(x)
/// only where there is a normalized density to bound.
@Suite struct LossLabelTests {
    static func notebook(data: String = "data fashion-mnist train=200 test=40", train: String, then: String) -> String {
        """
        ```swift-vae
        seed 4
        \(data)
        model mlp encoder=[16] latent=2 decoder=[16]
        train \(train)
        table losses
        plot losses
        evaluate test
        table models
        \(then)
        ```
        """
    }

    /// With loss=mse, squared error + KL is the objective trained, never called a −ELBO or given nats.
    @Test func aSquaredErrorIsLabelledAsTheObjectiveItIs() throws {
        let result = try ExecutorFigureTests.run(Self.notebook(train: "epochs=1 batch=50 loss=mse", then: ""))
        let outputs = ModelComparisonTests.outputs(result, block: 0)
        guard case .text(let summary) = outputs[2], case .lineChart(let chart) = outputs[4] else {
            Issue.record("unexpected outputs \(outputs)"); return
        }
        #expect(summary.contains("train objective (squared error + KL)"))
        #expect(!summary.contains("ELBO"))
        #expect(chart.yLabel == "objective (squared error + KL) per image")
        let tables = ModelComparisonTests.tables(outputs)
        let (losses, evaluation, models) = (tables[0], tables[1], tables[2])
        #expect(losses.title == "Loss per epoch (per image; KL in nats)")
        #expect(losses.columns == ["Epoch", "Train objective (squared error + KL)", "Train squared error", "Train KL",
                                   "Test objective (squared error + KL)", "Test squared error", "Test KL"])
        #expect(evaluation.title == "Evaluation on 40 test images (per image)")
        #expect(evaluation.columns == ["Split", "Objective (squared error + KL)", "Squared error", "KL"])
        #expect(evaluation.caption?.contains("not a −ELBO") == true)
        #expect(models.title == "Models compared (per test image)")
        #expect(models.columns.contains("Test objective"))
        let row = models.rows[0]
        #expect(row[models.columns.firstIndex(of: "Test −ELBO")!] == "—")
        #expect(row[models.columns.firstIndex(of: "Objective")!] == "squared error + KL")
        for table in tables { #expect(!table.columns.contains { $0.contains("ELBO") && $0 != "Test −ELBO" }) }
    }

    /// L_K of a squared error bounds nothing: asking for it is an error at `iwae`, before anything runs.
    @Test func anImportanceWeightedBoundOfASquaredErrorIsACompileError() {
        let errors = NotebookCompilerTests.errors(NotebookCompilerTests.block(
            NotebookCompilerTests.prelude + "train epochs=1 loss=mse\nevaluate test iwae=8"))
        #expect(errors == ["nb.md:8:20: error: iwae=K estimates log p(x), but 'model-1' is trained with loss=mse, "
                           + "a squared error that is no likelihood; leave iwae out, or train with loss=bce"])
        // The loss of the model's latest training decides: trained again with bce, it has a bound.
        #expect(NotebookCompilerTests.errors(NotebookCompilerTests.block(
            NotebookCompilerTests.prelude + "train epochs=1 loss=mse\ntrain epochs=1\nevaluate test iwae=8")).isEmpty)
    }

    /// β ≠ 1 with a per-pixel mean (Keras): the −ELBO keeps its columns and the objective has its own.
    @Test func theObjectiveAndTheELBOAreSeparateColumns() throws {
        let result = try ExecutorFigureTests.run(Self.notebook(
            train: "epochs=1 batch=50 loss=bce-clipped reduction=mean beta=0.0005", then: ""))
        let tables = ModelComparisonTests.tables(ModelComparisonTests.outputs(result, block: 0))
        #expect(tables[1].columns == ["Split", "−ELBO", "Reconstruction", "KL", "Objective (β = 0.0005, per-pixel mean)"])
        #expect(tables[2].columns.prefix(8) == ["Model", "Parameters", "Epochs", "Test −ELBO", "Reconstruction", "KL",
                                                "Objective", "Test objective"])
        let row = tables[2].rows[0]
        #expect(row[6] == "β = 0.0005, per-pixel mean")
        #expect(row[3] != row[7])
    }

    /// On grey pixels a Bernoulli "likelihood" is not normalized: L_K is shown but claims no log p(x).
    @Test(arguments: [(false, "L_8"), (true, "log p(x) ≥ L_8")])
    func aBoundOnGreyPixelsSaysItIsNoLogLikelihood(binarized: Bool, column: String) throws {
        let data = "data fashion-mnist train=200 test=40" + (binarized ? " binarize=static" : "")
        let result = try ExecutorFigureTests.run(Self.notebook(data: data, train: "epochs=1 batch=50",
                                                               then: "evaluate test iwae=8\ntable models"))
        let tables = ModelComparisonTests.tables(ModelComparisonTests.outputs(result, block: 0))
        let (evaluation, models) = (tables[3], tables[4])
        #expect(evaluation.columns.last == column)
        #expect(models.columns.dropLast().last == column)
        for table in [evaluation, models] {
            #expect(table.caption?.contains("not a normalized density") == !binarized, "\(table.caption ?? "")")
        }
    }
}
