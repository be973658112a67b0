import NotebookResults
import Foundation
import VAEEngine

/// Turns training history and model outputs into figure data (numbers and pixels, not SVG).
///
/// Every random draw a figure makes comes from its own stream, so figures never
/// change what training sees, and figures of the same kind show the same points
/// at every stage of training, which makes progress visible.
struct FigureMaker {
    /// Losses are shown with two decimals: per-image losses are in the hundreds.
    static func format(_ value: Double?) -> String {
        guard let value else { return "—" }
        return String(format: "%.2f", value)
    }

    func trainingSummary(_ records: [EpochRecord]) -> BlockOutput {
        guard let last = records.last else { return .text("no epochs") }
        var text = "trained \(records.count) epoch\(records.count == 1 ? "" : "s") (\(last.steps) steps in all): "
            + "train loss \(Self.format(last.train))"
        if let test = last.test { text += ", test loss \(Self.format(test))" }
        return .text(text)
    }

    func lossTable(_ history: [EpochRecord]) -> BlockOutput {
        let rows = history.map { record in
            [String(record.epoch), Self.format(record.train), Self.format(record.trainReconstruction),
             Self.format(record.trainKL), Self.format(record.test), Self.format(record.testReconstruction),
             Self.format(record.testKL)]
        }
        return .table(TableOutput(title: "Loss per epoch (per image)",
                                  columns: ["Epoch", "Train loss", "Train reconstruction", "Train KL",
                                            "Test loss", "Test reconstruction", "Test KL"],
                                  rows: rows))
    }

    func lossChart(_ history: [EpochRecord]) -> BlockOutput {
        var series = [LineChartOutput.Series(name: "train",
                                             points: history.map { .init(x: Double($0.epoch), y: $0.train) })]
        let testPoints = history.compactMap { record in record.test.map { LineChartOutput.Point(x: Double(record.epoch), y: $0) } }
        if !testPoints.isEmpty { series.append(.init(name: "test", points: testPoints)) }
        return .lineChart(LineChartOutput(title: "Loss per epoch", xLabel: "epoch",
                                          yLabel: "loss per image (−ELBO)", series: series))
    }

    /// The first `count` images of a split above their reconstructions, ten to a row.
    func reconstructions(model: VAE, data: ImageDataset, count: Int, split: Command.Split) -> BlockOutput {
        let shown = min(count, data.count)
        let originals = BatchLoader.matrix(data, indices: Array(0..<shown))
        let reconstructed = model.reconstruct(originals)
        let perRow = min(shown, 10)
        let pairRows = (shown + perRow - 1) / perRow
        var images: [[Float]] = []
        var labels: [String] = []
        for pairRow in 0..<pairRows {
            let range = (pairRow * perRow)..<min((pairRow + 1) * perRow, shown)
            images += range.map { row(originals, $0) }
            images += range.map { row(reconstructed, $0) }
            labels += ["original", "reconstruction"]
        }
        return .imageGrid(ImageGridOutput(
            title: "Reconstructions",
            caption: "The first \(shown) \(split.rawValue) images (odd rows) and their reconstructions through the posterior mean (even rows).",
            rows: 2 * pairRows, columns: perRow, imageWidth: data.width, imageHeight: data.height,
            images: images, rowLabels: labels))
    }

    /// Decodes `count` latent points drawn from N(0, I) by the stream `("samples", 0)`.
    func samples(model: VAE, count: Int, seed: UInt64) -> BlockOutput {
        var stream = RandomStream(seed: seed, purpose: "samples", index: 0)
        let latent = Matrix(rows: count, columns: model.spec.latent)
        stream.fillGaussian(latent.data, count: latent.count)
        let decoded = model.decodeProbabilities(latent)
        let columns = count <= 10 ? count : Int(Double(count).squareRoot().rounded(.up))
        let rows = (count + columns - 1) / columns
        return .imageGrid(ImageGridOutput(
            title: "Samples",
            caption: "\(count) images decoded from latent points z ~ N(0, I); the same points in every sample figure of this notebook.",
            rows: rows, columns: columns, imageWidth: model.spec.imageWidth, imageHeight: model.spec.imageHeight,
            images: (0..<count).map { row(decoded, $0) }))
    }

    private func row(_ matrix: Matrix, _ index: Int) -> [Float] {
        Array(UnsafeBufferPointer(start: matrix.data + index * matrix.columns, count: matrix.columns))
    }

    /// Keras-style summary: each layer with its output shape and parameter count.
    func summary(_ model: VAE) -> BlockOutput {
        func shape(_ dims: [Int]) -> String { "(" + dims.map(String.init).joined(separator: ", ") + ")" }
        var rows: [[String]] = []
        let spec = model.spec
        rows.append(["input", shape([spec.imageChannels, spec.imageHeight, spec.imageWidth]), "0"])
        for (index, layer) in model.encoder.layers.enumerated() {
            rows.append(["encoder.\(index): \(layer.kind)", shape(layer.outputShape),
                         String(layer.parameters.reduce(0) { $0 + $1.count })])
        }
        rows.append(["μ, log σ² → z = μ + σ·ε", shape([spec.latent]), "0"])
        for (index, layer) in model.decoder.layers.enumerated() {
            rows.append(["decoder.\(index): \(layer.kind)", shape(layer.outputShape),
                         String(layer.parameters.reduce(0) { $0 + $1.count })])
        }
        rows.append(["total", "", String(model.parameterCount)])
        return .table(TableOutput(title: "Model summary (\(spec.kind.rawValue), \(model.parameterCount) parameters)",
                                  columns: ["Layer", "Output shape", "Parameters"], rows: rows))
    }

    /// The evaluation table; with an importance-weighted estimate, its L_K in a column of its own.
    func evaluation(_ totals: LossTotals, split: Command.Split, dataName: String,
                    estimate: ImportanceWeightedEstimate? = nil) -> BlockOutput {
        var columns = ["Split", "Loss (−ELBO)", "Reconstruction", "KL"]
        var row = [split.rawValue, Self.format(totals.meanTotal), Self.format(totals.meanReconstruction),
                   Self.format(totals.meanKL)]
        if let estimate {
            columns.append("log p(x) ≥ L_\(estimate.samples)")
            row.append(Self.format(estimate.meanLogLikelihoodBound))
        }
        return .table(TableOutput(title: "Evaluation on \(totals.count) \(split.rawValue) images (per image)",
                                  columns: columns, rows: [row]))
    }

    /// The first `count` images of a split encoded to their means; the plane of the first two
    /// principal components when the latent has more than two dimensions.
    func latentScatter(model: VAE, data: ImageDataset, count: Int, split: Command.Split) -> BlockOutput {
        let shown = min(count, data.count)
        let means = model.encodeMeans(BatchLoader.matrix(data, indices: Array(0..<shown)))
        let latent = model.spec.latent
        var coordinates: [(Double, Double)]
        var axisNames = ("z₁", "z₂")
        var projection = ""
        if latent == 1 {
            coordinates = (0..<shown).map { (Double(means[$0, 0]), 0) }
            axisNames = ("z₁", "")
        } else if latent == 2 {
            coordinates = (0..<shown).map { (Double(means[$0, 0]), Double(means[$0, 1])) }
        } else {
            let components = PrincipalComponents(means, count: 2)
            coordinates = (0..<shown).map { row in
                (components.project(means, row: row, component: 0), components.project(means, row: row, component: 1))
            }
            axisNames = ("PC 1", "PC 2")
            projection = " projected onto their first two principal components (PCA of the \(latent)-D means)"
        }
        let points = coordinates.enumerated().map { index, point in
            ScatterOutput.Point(x: point.0, y: point.1, label: Int(data.labels[index]))
        }
        return .scatter(ScatterOutput(
            title: latent > 2 ? "Latent space (PCA projection)" : "Latent space",
            caption: "Posterior means of the first \(shown) \(split.rawValue) images\(projection), coloured by class.",
            xLabel: axisNames.0, yLabel: axisNames.1, points: points, classNames: data.classNames))
    }

    /// Decodes a `size × size` grid of points over [-range, range]² (top row at +range).
    func manifold(model: VAE, size: Int, range: Double) -> BlockOutput {
        let points = Matrix(rows: size * size, columns: 2)
        func coordinate(_ index: Int) -> Double { -range + 2 * range * Double(index) / Double(size - 1) }
        for row in 0..<size {
            for column in 0..<size {
                points[row * size + column, 0] = Float(coordinate(column))
                points[row * size + column, 1] = Float(coordinate(size - 1 - row))
            }
        }
        let decoded = model.decodeProbabilities(points)
        return .imageGrid(ImageGridOutput(
            title: "Latent manifold",
            caption: "Images decoded from a \(size)×\(size) grid of latent points spanning [−\(Self.compact(range)), \(Self.compact(range))] on both axes.",
            rows: size, columns: size, imageWidth: model.spec.imageWidth, imageHeight: model.spec.imageHeight,
            images: (0..<(size * size)).map { row(decoded, $0) },
            axes: GridAxes(xLabel: "z₁", yLabel: "z₂", xRange: -range...range, yRange: -range...range)))
    }

    /// The fixed evolution points `("evolution", 0)` decoded by the model as it is now.
    func evolutionFrame(model: VAE, seed: UInt64, count: Int) -> [[Float]] {
        var stream = RandomStream(seed: seed, purpose: "evolution", index: 0)
        let latent = Matrix(rows: count, columns: model.spec.latent)
        stream.fillGaussian(latent.data, count: latent.count)
        let decoded = model.decodeProbabilities(latent)
        return (0..<count).map { row(decoded, $0) }
    }

    func evolution(_ frames: [(epoch: Int, images: [[Float]])], count: Int, rows: Int, model: VAE) -> BlockOutput {
        let shown = Self.evenlySpaced(frames.count, atMost: rows).map { frames[$0] }
        let which = shown.count == frames.count
            ? "after each epoch"
            : "after \(shown.count) of the \(frames.count) epochs, evenly spaced"
        return .imageGrid(ImageGridOutput(
            title: "Training evolution",
            caption: "The same \(count) latent points z ~ N(0, I) decoded \(which), first epoch at the top.",
            rows: shown.count, columns: count, imageWidth: model.spec.imageWidth, imageHeight: model.spec.imageHeight,
            images: shown.flatMap { $0.images.prefix(count) }, rowLabels: shown.map { "epoch \($0.epoch)" }))
    }

    /// At most `limit` indices of `0..<count`, evenly spaced, the first and the last included:
    /// a 100-epoch run shows epochs 1, 12, 23, …, 100 rather than a hundred rows.
    static func evenlySpaced(_ count: Int, atMost limit: Int) -> [Int] {
        guard count > limit else { return Array(0..<count) }
        return (0..<limit).map { ($0 * (count - 1) + (limit - 1) / 2) / (limit - 1) }
    }

    static func compact(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%g", value)
    }
}
