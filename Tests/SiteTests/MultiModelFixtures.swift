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
