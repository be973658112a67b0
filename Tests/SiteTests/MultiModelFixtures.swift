import Foundation
import NotebookResults

/// Figures of a VAE study that trains several models in one notebook.
enum MultiModelFixtures {
    /// Train (dashed) and test (solid) loss per epoch of three models, β = 1, 4 and 8,
    /// 12 epochs each; made from smooth curves, so the numbers look like a real run.
    static let overlayChart: LineChartOutput = {
        var series: [LineChartOutput.Series] = []
        for (model, beta) in [("beta1", 1.0), ("beta4", 4.0), ("beta8", 8.0)] {
            for (split, offset, dashed) in [("train", 0.0, true), ("test", 3.5, false)] {
                let points = (1...12).map { epoch -> LineChartOutput.Point in
                    let e = Double(epoch)
                    let loss = 240 + 6 * beta + offset * (1 + e / 12) + 70 * exp(-e / 2.5)
                    return .init(x: e, y: (loss * 100).rounded() / 100)
                }
                series.append(.init(name: "\(model) \(split)", points: points, group: model, dashed: dashed))
            }
        }
        return LineChartOutput(title: "Loss per epoch, three β", xLabel: "epoch", yLabel: "loss (nats)",
                               series: series)
    }()

    /// KL per latent dimension of a 64-dimensional model, sorted from largest down: nine active
    /// units above 0.01 nats, the rest collapsed to the prior.
    static let klPerDimension: BarChartOutput = {
        let values = (0..<64).map { index -> Double in
            if index < 9 { return 3.2 * exp(-Double(index) / 3) + 0.05 }
            return 0.004 * exp(-Double(index - 9) / 12)
        }
        let active = [17, 3, 40, 8, 61, 25, 0, 33, 12]
        let order: [Int] = active + (0..<64).filter { !active.contains($0) }
        let bars = zip(order, values).map { dimension, value in
            BarChartOutput.Bar(label: "z\(dimension)", value: (value * 1e6).rounded() / 1e6, highlighted: value > 0.01)
        }
        return BarChartOutput(title: "KL per latent dimension", caption: "Sorted; 9 of 64 units active (KL > 0.01 nats).",
                              xLabel: "latent dimension", yLabel: "KL (nats)", bars: bars,
                              threshold: .init(value: 0.01, label: "active: KL > 0.01"))
    }()

    /// Five bars, one not finite, a label to escape, and a threshold.
    static let smallBarChart = BarChartOutput(
        title: "KL <per> unit", caption: "Two active.", xLabel: "unit", yLabel: "KL",
        bars: [.init(label: "z1", value: 2.5, highlighted: true), .init(label: "z<2>", value: 1.25, highlighted: true),
               .init(label: "z3", value: .nan), .init(label: "z4", value: 0.125), .init(label: "z5", value: 0)],
        threshold: .init(value: 0.5, label: "active & above"))
}

/// The widest outputs the tutorial notebooks make, as a page at 1200 px must show them whole:
/// `beta-vae.md`'s ten-column models table, the Keras notebook's nine-column loss table over
/// 300 epochs, and training summaries longer than a line.
enum WideOutputFixtures {
    /// `table models` of four β-VAEs with an objective column and an `L_100` estimate.
    static let modelsTable = TableOutput(
        title: "Models compared (per test image, nats)",
        columns: ["Model", "Parameters", "Epochs", "Test −ELBO", "Reconstruction", "KL", "Objective",
                  "Test objective", "log p(x) ≥ L_100", "Active units"],
        rows: [
            ["beta05", "652,824", "20", "245.31", "221.42", "23.89", "β = 0.5", "233.37", "240.12", "17 of 20"],
            ["beta1", "652,824", "20", "242.07", "225.90", "16.17", "−ELBO", "", "237.55", "13 of 20"],
            ["beta4", "652,824", "20", "251.22", "244.36", "6.863", "β = 4", "271.81", "244.01", "7 of 20"],
            ["beta1-warm", "652,824", "20", "243.51", "226.02", "17.49", "KL warm-up", "243.51", "238.90", "20 of 20"],
        ])

    /// `table losses` of the Keras example: the −ELBO and its parts, then its objective (a per-pixel
    /// mean with β = 0.0005) in two columns of their own, for 300 epochs.
    static let kerasLossTable: TableOutput = {
        let objective = "objective (β = 0.0005, per-pixel mean)"
        let rows = (1...300).map { epoch -> [String] in
            let e = Double(epoch)
            let reconstruction: Double = 130 + 60 * exp(-e / 20)
            let kl: Double = 6.5 + 1.5 * exp(-e / 40)
            let losses: [Double] = [reconstruction + kl, reconstruction, kl, reconstruction + kl + 3.1,
                                    reconstruction + 3, kl + 0.1, reconstruction / 784, (reconstruction + 3) / 784]
            return [String(epoch)] + losses.map { SignificantDigits.format($0) }
        }
        return TableOutput(title: "Loss per epoch (per image, nats)",
                           columns: ["Epoch", "Train −ELBO", "Train reconstruction", "Train KL", "Test −ELBO",
                                     "Test reconstruction", "Test KL", "Train \(objective)", "Test \(objective)"],
                           rows: rows)
    }()

    static let warmUpSummary = "'beta1-warm': trained 20 epochs (9380 steps in all): train −ELBO 241.23, "
        + "test −ELBO 243.51; train objective (KL warm-up) 241.23"
    static let kerasSummary = "trained 300 epochs (180000 steps in all): train −ELBO 136.52, test −ELBO 139.64; "
        + "train objective (β = 0.0005, per-pixel mean) 0.1662"

    /// A page with the four outputs above in three cells, and a small table that fits the column.
    static let run: RunResult = {
        let sources = [
            "model mlp encoder=[400] latent=20 decoder=[400] init=pytorch name=beta1-warm\ntrain epochs=$epochs batch=128 warmup=$warmup",
            "plot losses models=[beta05, beta1, beta4, beta1-warm]\ntable models",
            "train epochs=$epochs batch=100 lr=1e-3 optimizer=adam-keras loss=bce-clipped reduction=mean beta=0.0005\ntable losses",
            "summary",
        ]
        var segments: [Document.Segment] = [.html("<h1>Wide outputs</h1>\n<p>Tables and summaries wider than the text column.</p>\n")]
        for (index, source) in sources.enumerated() {
            segments.append(.code(Fixtures.codeBlock("swift-vae", source, index: index, line: 5 + 5 * index)))
        }
        return RunResult(
            document: Document(path: "notebooks/wide.md", title: "Wide outputs",
                               summary: "Tables and summaries wider than the text column.", segments: segments),
            results: [
                BlockResult(blockIndex: 0, outputs: [.text(warmUpSummary)], seconds: 60),
                BlockResult(blockIndex: 1, outputs: [.table(modelsTable)], seconds: 3),
                BlockResult(blockIndex: 2, outputs: [.text(kerasSummary), .table(kerasLossTable)], seconds: 900),
                BlockResult(blockIndex: 3, outputs: [.table(Fixtures.modelSummary)], seconds: 0.01),
            ],
            manifest: Fixtures.demoRun.manifest)
    }()
}
