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
}
