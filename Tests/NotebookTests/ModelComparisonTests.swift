import Foundation
import Notebook
import NotebookResults
import Testing

/// Several models in one notebook, honest objectives, and the study figures, run on small slices.
@Suite struct ModelComparisonTests {
    static let data = """
        seed 3
        data fashion-mnist train=200 test=40
        """

    static func outputs(_ result: RunResult, block: Int) -> [BlockOutput] { result.results[block].outputs }

    static func grids(_ outputs: [BlockOutput]) -> [ImageGridOutput] {
        outputs.compactMap { if case .imageGrid(let grid) = $0 { grid } else { nil } }
    }

    static func tables(_ outputs: [BlockOutput]) -> [TableOutput] {
        outputs.compactMap { if case .table(let table) = $0 { table } else { nil } }
    }

    /// A model trained after another is trained on its own streams: each model's bits are
    /// those of the same model trained alone.
    @Test func aSecondModelTrainsToTheBitsItHasAlone() throws {
        let second = """
            ```swift-vae
            model mlp encoder=[16] latent=3 decoder=[16] name=b
            train epochs=2 batch=50 beta=2
            evaluate test iwae=8
            show samples 4
            ```
            """
        let both = try ExecutorFigureTests.run("""
            ```swift-vae
            \(Self.data)
            model mlp encoder=[24] latent=2 decoder=[24] name=a
            train epochs=1 batch=40
            evaluate test
            ```

            \(second)
            """)
        let alone = try ExecutorFigureTests.run("```swift-vae\n\(Self.data)\n```\n\n" + second)
        #expect(both.results[1].metrics == alone.results[1].metrics)
        #expect(Self.grids(Self.outputs(both, block: 1)) == Self.grids(Self.outputs(alone, block: 1)))
        #expect(both.results[1].metrics.count >= 10)
        // Each metric names its model, for the exported losses.csv and metrics.json.
        #expect(both.results[0].metrics.allSatisfy { $0.model == "a" })
        #expect(both.results[1].metrics.allSatisfy { $0.model == "b" })
    }

    @Test func overlaidCurvesAndTheComparisonTable() throws {
        let result = try ExecutorFigureTests.run("""
            ```swift-vae
            \(Self.data)
            model mlp encoder=[16] latent=4 decoder=[16] name=plain
            train epochs=2 batch=50
            evaluate test iwae=4
            model mlp encoder=[16] latent=4 decoder=[16] name=beta4
            train epochs=2 batch=50 beta=4
            use plain
            train epochs=1 batch=50
            plot losses models=[plain, beta4]
            table models
            table losses
            ```
            """)
        let outputs = Self.outputs(result, block: 0)
        guard case .lineChart(let chart) = outputs.first(where: { if case .lineChart = $0 { true } else { false } }) else {
            Issue.record("no chart")
            return
        }
        #expect(chart.series.map(\.name) == ["plain train", "plain test", "beta4 train", "beta4 test"])
        #expect(chart.series.map(\.group) == ["plain", "plain", "beta4", "beta4"])
        #expect(chart.series.map(\.dashed) == [true, false, true, false])
        // `use plain` then training continued plain's run: three epochs for it, two for beta4.
        #expect(chart.series[0].points.map(\.x) == [1, 2, 3] && chart.series[2].points.map(\.x) == [1, 2])
        #expect(chart.yLabel == "−ELBO per image (nats)")

        let tables = Self.tables(outputs)
        let comparison = try #require(tables.first { $0.title.hasPrefix("Models compared") })
        #expect(comparison.columns == ["Model", "Parameters", "Epochs", "Test −ELBO", "Reconstruction", "KL",
                                       "Objective", "Test objective", "L_4", "Active units"])
        #expect(comparison.rows.map { $0[0] } == ["plain", "beta4"])
        #expect(comparison.rows.map { $0[2] } == ["3", "2"])
        #expect(comparison.rows[0][6] == "−ELBO" && comparison.rows[1][6] == "β = 4")
        #expect(comparison.rows[0][8] != "—" && comparison.rows[1][8] == "—")
        // plain's L_4 is of epoch 2, the rest of its row of epoch 3: the cell says so.
        #expect(comparison.rows[0][8].hasSuffix(" (epoch 2)"))
        #expect(comparison.rows.allSatisfy { $0[9].hasSuffix(" of 4") })
        // The −ELBO cell is reconstruction + KL, written with at least four significant digits.
        for row in comparison.rows {
            let elbo = try #require(Double(row[3])), reconstruction = try #require(Double(row[4])), kl = try #require(Double(row[5]))
            #expect(abs(elbo - (reconstruction + kl)) < 0.02)
            #expect(row[5].filter(\.isNumber).count >= 4)
        }
        // `table losses` is plain's, the current model's, with no objective columns: it trained the −ELBO.
        let losses = try #require(tables.last)
        #expect(losses.title == "Loss per epoch (per image, nats) of 'plain'")
        #expect(losses.columns.count == 7 && losses.rows.count == 3)
    }

    /// With β ≠ 1, a per-pixel mean or a warm-up, the −ELBO stays the headline number and the
    /// objective gets columns of its own, named for what it is.
    @Test func theObjectiveIsLabelledWithWhatItIs() throws {
        let result = try ExecutorFigureTests.run("""
            ```swift-vae
            \(Self.data)
            model mlp encoder=[16] latent=2 decoder=[16]
            train epochs=2 batch=50 beta=4 warmup=1
            table losses
            evaluate test
            ```
            """)
        let outputs = Self.outputs(result, block: 0)
        guard case .text(let summary) = outputs[2] else { Issue.record("no summary"); return }
        #expect(summary.contains("train −ELBO") && summary.contains("train objective (β = 4, KL warm-up)"))
        let tables = Self.tables(outputs)
        #expect(tables[0].columns.suffix(2) == ["Train objective (β = 4, KL warm-up)", "Test objective (β = 4, KL warm-up)"])
        #expect(tables[1].columns == ["Split", "−ELBO", "Reconstruction", "KL", "Objective (β = 4)"])
        let row = tables[1].rows[0]
        let elbo = try #require(Double(row[1])), reconstruction = try #require(Double(row[2]))
        let kl = try #require(Double(row[3])), objective = try #require(Double(row[4]))
        #expect(abs(elbo - (reconstruction + kl)) < 0.02)
        #expect(abs(objective - (reconstruction + 4 * kl)) < 0.05)
    }

    /// The warm-up and the fixed order change what training sees; both are seeded, so runs repeat.
    @Test func warmUpAndFixedOrderChangeTrainingDeterministically() throws {
        func metrics(_ options: String) throws -> [Metric] {
            try ExecutorFigureTests.run("""
                ```swift-vae
                \(Self.data)
                model mlp encoder=[16] latent=2 decoder=[16]
                train epochs=2 batch=50 \(options)
                ```
                """).results[0].metrics
        }
        let plain = try metrics("")
        let warm = try metrics("warmup=2")
        let ordered = try metrics("shuffle=false")
        #expect(plain != warm && plain != ordered && warm != ordered)
        #expect(try metrics("warmup=2") == warm)
        // A warm-up lowers the first epoch's KL weight, so its objective is below the −ELBO's.
        let firstObjective = try #require(warm.first { $0.name == "epoch 1 train loss" }?.value)
        let firstReconstruction = try #require(warm.first { $0.name == "epoch 1 train reconstruction" }?.value)
        let firstKL = try #require(warm.first { $0.name == "epoch 1 train KL" }?.value)
        #expect(firstObjective < firstReconstruction + firstKL)
    }

    @Test func studyFigures() throws {
        let result = try ExecutorFigureTests.run("""
            ```swift-vae
            \(Self.data)
            model mlp encoder=[16] latent=4 decoder=[16]
            train epochs=2 batch=50
            show reconstructions 4
            show reconstructions 4 sampled=true
            show traversal dims=[2,4] steps=5 range=2
            show traversal
            show interpolation pairs=2 steps=6
            plot kl
            ```
            """)
        let outputs = Self.outputs(result, block: 0)
        let grids = Self.grids(outputs)
        try #require(grids.count == 5)
        let (mean, sampled, chosen, byKL, interpolation) = (grids[0], grids[1], grids[2], grids[3], grids[4])
        #expect(mean.images.prefix(4) == sampled.images.prefix(4))
        #expect(mean.images.suffix(4) != sampled.images.suffix(4))
        #expect(sampled.rowLabels == ["original", "sampled"])
        #expect(chosen.rows == 2 && chosen.columns == 5 && chosen.rowLabels == ["z2", "z4"])
        #expect(byKL.rows == 4 && Set(byKL.rowLabels) == ["z1", "z2", "z3", "z4"])
        #expect(interpolation.rows == 2 && interpolation.columns == 6 && interpolation.rowLabels == ["1 → 2", "3 → 4"])
        // Each row starts and ends at the reconstructions (through the posterior mean) of its pair.
        for (row, image) in [(0, 0), (0, 1), (1, 2), (1, 3)] {
            let end = interpolation.images[row * 6 + (image % 2 == 0 ? 0 : 5)]
            let reconstruction = mean.images[4 + image]
            #expect(zip(end, reconstruction).allSatisfy { abs($0 - $1) < 1e-4 })
        }

        guard case .barChart(let bars) = outputs.last else { Issue.record("no KL bars"); return }
        #expect(bars.bars.count == 4)
        #expect(zip(bars.bars, bars.bars.dropFirst()).allSatisfy { $0.value >= $1.value })
        let active = try #require(result.results[0].metrics.first { $0.name == "active units" }?.value)
        #expect(bars.bars.filter(\.highlighted).count == Int(active))
        // The traversal's default rows are the dimensions with the most KL, largest first.
        #expect(byKL.rowLabels == bars.bars.map(\.label))
    }

    /// The PyTorch example saves sampled reconstructions of the first test images after every
    /// epoch; the reconstruction evolution shows them, the untrained model's first.
    @Test func reconstructionsOfEveryEpoch() throws {
        let result = try ExecutorFigureTests.run("""
            ```swift-vae
            \(Self.data)
            model mlp encoder=[16] latent=2 decoder=[16]
            train epochs=3 batch=50
            show evolution 6 of=reconstructions
            show evolution 6 rows=3 of=reconstructions
            show reconstructions 6
            ```
            """)
        let grids = Self.grids(Self.outputs(result, block: 0))
        try #require(grids.count == 3)
        let (all, three, reconstructions) = (grids[0], grids[1], grids[2])
        #expect(all.rowLabels == ["original", "untrained", "epoch 1", "epoch 2", "epoch 3"])
        #expect(all.columns == 6 && all.images.count == 30)
        #expect(three.rowLabels == ["original", "untrained", "epoch 2", "epoch 3"] || three.rowLabels == ["original", "untrained", "epoch 1", "epoch 3"])
        // The top row is the test images themselves, as `show reconstructions` shows them.
        #expect(Array(all.images.prefix(6)) == Array(reconstructions.images.prefix(6)))
        #expect(all.images[6..<12] != all.images[24..<30])
    }

    @Test func aFittedManifoldSpansWhereTheMeansLie() throws {
        let result = try ExecutorFigureTests.run("""
            ```swift-vae
            \(Self.data)
            model mlp encoder=[16] latent=2 decoder=[16]
            train epochs=1 batch=50
            show manifold 6 range=auto
            plot latent test count=40
            ```
            """)
        let outputs = Self.outputs(result, block: 0)
        guard case .imageGrid(let manifold) = outputs[3], case .scatter(let scatter) = outputs[4],
              let axes = manifold.axes else {
            Issue.record("no manifold or scatter")
            return
        }
        #expect(manifold.rows == 6 && manifold.caption.contains("fitted to the 1st–99th percentiles"))
        let inside = scatter.points.filter { axes.xRange.contains($0.x) && axes.yRange.contains($0.y) }
        #expect(inside.count >= 36)
        #expect(axes.xRange.upperBound - axes.xRange.lowerBound < 10)
    }
}
