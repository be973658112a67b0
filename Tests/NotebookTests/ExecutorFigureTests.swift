import Foundation
import Notebook
import NotebookResults
import Testing
import TestSupport

/// Figures of a small run, checked as data (the Site's tests check how they are drawn).
@Suite struct ExecutorFigureTests {
    static func run(_ body: String) throws -> RunResult {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("figures.md").path
        try body.write(toFile: path, atomically: true, encoding: .utf8)
        return try Executor(program: NotebookSource.compile(path), options: ExecutionOptions(blasThreads: 2),
                            progress: ProgressReporter(style: .quiet)).run()
    }

    static let twoDimensional = """
        # Figures

        ```swift-vae
        seed 5
        data fashion-mnist train=200 test=60
        model mlp encoder=[32] latent=2 decoder=[32] activation=elu init=glorot
        train steps=9 batch=50 lr=2e-3
        plot latent test count=40
        show manifold 5 range=1.5
        show evolution 4
        summary
        evaluate test
        ```
        """

    /// 9 steps of 4 a epoch: the third epoch ran one step, and the loss table says so.
    @Test func aPartialLastEpochIsLabelledInTheLossTable() throws {
        let outputs = try Self.run("""
            # Partial

            ```swift-vae
            seed 5
            data fashion-mnist train=200 test=60
            model mlp encoder=[16] latent=2 decoder=[16]
            train steps=9 batch=50
            table losses
            ```
            """).results[0].outputs
        guard case .table(let table) = outputs.last else { Issue.record("no loss table"); return }
        #expect(table.rows.map { $0[0] } == ["1", "2", "3 (1 of 4 steps)"])
    }

    @Test func stepsLatentManifoldAndEvolution() throws {
        let outputs = try Self.run(Self.twoDimensional).results[0].outputs
        guard case .text(let trained) = outputs[2] else { Issue.record("no training summary"); return }
        // 200 images at batch 50: 4 steps per epoch, so 9 steps are two full epochs and one step.
        #expect(trained.hasPrefix("trained 3 epochs (9 steps in all)"))

        guard case .scatter(let scatter) = outputs[3] else { Issue.record("no scatter"); return }
        #expect(scatter.points.count == 40)
        #expect(scatter.classNames.count == 10 && scatter.xLabel == "z₁")
        #expect(scatter.points.allSatisfy { $0.x.isFinite && $0.y.isFinite && (0..<10).contains($0.label) })

        guard case .imageGrid(let manifold) = outputs[4] else { Issue.record("no manifold"); return }
        #expect(manifold.rows == 5 && manifold.columns == 5 && manifold.images.count == 25)
        #expect(manifold.axes?.xRange == -1.5...1.5)

        guard case .imageGrid(let evolution) = outputs[5] else { Issue.record("no evolution"); return }
        #expect(evolution.rows == 4 && evolution.columns == 4 && evolution.images.count == 16)
        #expect(evolution.rowLabels == ["untrained", "epoch 1", "epoch 2", "epoch 3"])

        guard case .table(let summary) = outputs[6], case .table(let evaluation) = outputs[7] else {
            Issue.record("no summary or evaluation table")
            return
        }
        #expect(summary.rows.last == ["total", "", "51220"])
        #expect(evaluation.rows.count == 1 && evaluation.rows[0][0] == "test")
    }

    /// After many epochs the strip shows evenly spaced ones, the untrained model and the last
    /// epoch always, and says so; by default at most eleven rows.
    @Test func evolutionOfManyEpochsShowsEvenlySpacedRows() throws {
        let outputs = try Self.run("""
            ```swift-vae
            seed 5
            data fashion-mnist train=100 test=20
            model mlp encoder=[16] latent=2 decoder=[16]
            train epochs=12 batch=50 lr=2e-3
            show evolution 2 rows=4
            show evolution 3
            ```
            """).results[0].outputs
        let strips = outputs.compactMap { output -> ImageGridOutput? in
            if case .imageGrid(let grid) = output { return grid }
            return nil
        }
        try #require(strips.count == 2)
        let (four, byDefault) = (strips[0], strips[1])
        #expect(four.rowLabels == ["untrained", "epoch 4", "epoch 8", "epoch 12"])
        #expect(four.rows == 4 && four.images.count == 8)
        #expect(four.caption.contains("by the untrained model and after 3 of the 12 epochs, evenly spaced"))
        #expect(byDefault.rows == 11 && byDefault.rowLabels.first == "untrained" && byDefault.rowLabels.last == "epoch 12")
    }

    @Test func latentOfMoreThanTwoDimensionsIsProjected() throws {
        let body = Self.twoDimensional
            .replacingOccurrences(of: "latent=2", with: "latent=6")
            .replacingOccurrences(of: "show manifold 5 range=1.5\n", with: "")
        let outputs = try Self.run(body).results[0].outputs
        guard case .scatter(let scatter) = outputs[3] else { Issue.record("no scatter"); return }
        #expect(scatter.xLabel == "PC 1" && scatter.yLabel == "PC 2")
        #expect(scatter.caption.contains("principal components"))
    }
}

/// `evaluate iwae=K`: the importance-weighted estimate beside the −ELBO, on its own stream.
@Suite struct EvaluateImportanceWeightedTests {
    static func notebook(_ evaluate: String) -> String {
        """
        # IWAE

        ```swift-vae
        seed 9
        data fashion-mnist train=200 test=40
        model mlp encoder=[32] latent=2 decoder=[32]
        train epochs=2 batch=50
        \(evaluate)
        show samples 4
        ```
        """
    }

    @Test func theEstimateBoundsTheELBOAndDisturbsNoOtherDraw() throws {
        let plain = try ExecutorFigureTests.run(Self.notebook("evaluate test"))
        let weighted = try ExecutorFigureTests.run(Self.notebook("evaluate test iwae=64"))
        let metrics = Dictionary(uniqueKeysWithValues: weighted.results[0].metrics.map { ($0.name, $0.value) })
        let elbo = try #require(metrics["evaluate test loss"])
        let bound = try #require(metrics["evaluate test log-likelihood L_64"])
        // L_K ≥ ELBO in expectation: with 64 samples the estimate beats the one-sample −ELBO.
        #expect(bound > -elbo)
        #expect(bound < 0)
        guard case .table(let table) = weighted.results[0].outputs[3] else { Issue.record("no table"); return }
        // Grey pixels: a Bernoulli likelihood is no density on them, so the column claims no log p(x).
        #expect(table.columns.last == "L_64")
        // Everything else, the samples included, is what the plain notebook computed.
        #expect(Array(weighted.results[0].outputs.dropFirst(4)) == Array(plain.results[0].outputs.dropFirst(4)))
        #expect(weighted.results[0].metrics.filter { !$0.name.contains("L_64") } == plain.results[0].metrics)
    }
}
