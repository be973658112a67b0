import NotebookResults
import Foundation
import VAEEngine

/// Turns training history and model outputs into figure data (numbers and pixels, not SVG).
///
/// Every random draw a figure makes comes from its own stream, so figures never
/// change what training sees, and figures of the same kind show the same points
/// at every stage of training, which makes progress visible.
struct FigureMaker {
    /// A loss as a table shows it: at least four significant digits (0.1620, 244.15, 12.345).
    static func format(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "—" }
        return SignificantDigits.format(value)
    }

    /// The −ELBO per image in nats: the summed reconstruction plus the unweighted KL,
    /// whatever the training optimised.
    static func negativeELBO(reconstruction: Double?, kl: Double?) -> Double? {
        guard let reconstruction, let kl else { return nil }
        return reconstruction + kl
    }

    /// What the training optimised when it is not the −ELBO, for labels (`β = 4, per-pixel mean`);
    /// nil when it is the −ELBO.
    static func objectiveName(_ objective: Objective, warmup: Bool) -> String? {
        var parts: [String] = []
        if objective.beta != 1 { parts.append("β = \(compact(Double(objective.beta)))") }
        if objective.reduction == .mean { parts.append("per-pixel mean") }
        if warmup { parts.append("KL warm-up") }
        return parts.isEmpty ? nil : "objective (" + parts.joined(separator: ", ") + ")"
    }

    func trainingSummary(_ records: [EpochRecord], objective: Objective, warmup: Bool, model: String?) -> BlockOutput {
        guard let last = records.last else { return .text("no epochs") }
        var text = (model.map { "'\($0)': " } ?? "")
            + "trained \(records.count) epoch\(records.count == 1 ? "" : "s") (\(last.steps) steps in all): "
            + "train −ELBO \(Self.format(Self.negativeELBO(reconstruction: last.trainReconstruction, kl: last.trainKL)))"
        if let test = Self.negativeELBO(reconstruction: last.testReconstruction, kl: last.testKL) {
            text += ", test −ELBO \(Self.format(test))"
        }
        if let name = Self.objectiveName(objective, warmup: warmup) {
            text += "; train \(name) \(Self.format(last.train))"
        }
        return .text(text)
    }

    func lossTable(_ state: ModelState) -> BlockOutput {
        let objective = Self.objectiveName(state.objective, warmup: state.warmedUp)
        let rows = state.history.map { record in
            // A partial epoch says so: its losses average fewer steps than a whole one's.
            var row = [String(record.epoch) + (record.partial.map { " (\($0.text))" } ?? ""),
                       Self.format(Self.negativeELBO(reconstruction: record.trainReconstruction, kl: record.trainKL)),
                       Self.format(record.trainReconstruction), Self.format(record.trainKL),
                       Self.format(Self.negativeELBO(reconstruction: record.testReconstruction, kl: record.testKL)),
                       Self.format(record.testReconstruction), Self.format(record.testKL)]
            if objective != nil { row += [Self.format(record.train), Self.format(record.test)] }
            return row
        }
        var columns = ["Epoch", "Train −ELBO", "Train reconstruction", "Train KL",
                       "Test −ELBO", "Test reconstruction", "Test KL"]
        if let objective { columns += ["Train \(objective)", "Test \(objective)"] }
        return .table(TableOutput(title: "Loss per epoch (per image, nats)" + Self.modelSuffix(state),
                                  columns: columns, rows: rows))
    }

    /// " of 'name'" for a model the notebook named, so a lone model's titles stay as they were.
    static func modelSuffix(_ state: ModelState) -> String {
        state.name.hasPrefix("model-") ? "" : " of '\(state.name)'"
    }

    /// The −ELBO per epoch on the training or the test images.
    static func negativeELBOPoints(_ history: [EpochRecord], test: Bool) -> [LineChartOutput.Point] {
        history.compactMap { record in
            negativeELBO(reconstruction: test ? record.testReconstruction : record.trainReconstruction,
                         kl: test ? record.testKL : record.trainKL)
                .map { LineChartOutput.Point(x: Double(record.epoch), y: $0) }
        }
    }

    func lossChart(_ state: ModelState) -> BlockOutput {
        var series = [LineChartOutput.Series(name: "train", points: Self.negativeELBOPoints(state.history, test: false))]
        let testPoints = Self.negativeELBOPoints(state.history, test: true)
        if !testPoints.isEmpty { series.append(.init(name: "test", points: testPoints)) }
        return .lineChart(LineChartOutput(title: "Loss per epoch" + Self.modelSuffix(state), xLabel: "epoch",
                                          yLabel: "−ELBO per image (nats)", series: series))
    }

    /// Several models' curves overlaid: a colour per model, train dashed, test solid.
    func lossChart(comparing states: [ModelState]) -> BlockOutput {
        var series: [LineChartOutput.Series] = []
        for state in states {
            let train = Self.negativeELBOPoints(state.history, test: false)
            let test = Self.negativeELBOPoints(state.history, test: true)
            series.append(.init(name: "\(state.name) train", points: train, group: state.name, dashed: true))
            if !test.isEmpty { series.append(.init(name: "\(state.name) test", points: test, group: state.name, dashed: false)) }
        }
        return .lineChart(LineChartOutput(title: "Loss per epoch: " + states.map(\.name).joined(separator: ", "),
                                          xLabel: "epoch", yLabel: "−ELBO per image (nats)", series: series))
    }

    /// One row per model: size, training, the test −ELBO and its parts, the objective where
    /// it differs, the last log-likelihood estimate and the active units on the test split.
    func modelTable(_ states: [ModelState], test: ImageDataset, binarization: Binarization) -> BlockOutput {
        let showsObjective = states.contains { Self.objectiveName($0.objective, warmup: $0.warmedUp) != nil }
        let likelihoodSamples = Set(states.compactMap { $0.likelihood?.samples })
        var columns = ["Model", "Parameters", "Epochs", "Test −ELBO", "Reconstruction", "KL"]
        if showsObjective { columns += ["Objective", "Test objective"] }
        columns += [likelihoodSamples.count == 1 ? "log p(x) ≥ L_\(likelihoodSamples.first!)" : "log p(x) ≥ L_K",
                    "Active units"]
        let rows = states.map { state -> [String] in
            let last = state.history.last
            var row = [state.name, state.model.parameterCount.formatted(), String(last?.epoch ?? 0),
                       Self.format(Self.negativeELBO(reconstruction: last?.testReconstruction, kl: last?.testKL)),
                       Self.format(last?.testReconstruction), Self.format(last?.testKL)]
            if showsObjective {
                let name = Self.objectiveName(state.objective, warmup: state.warmedUp)
                row += [name.map { String($0.dropFirst("objective (".count).dropLast()) } ?? "−ELBO",
                        name == nil ? "" : Self.format(last?.test)]
            }
            let likelihood = state.likelihood.map {
                Self.format($0.value) + (likelihoodSamples.count > 1 ? " (K = \($0.samples))" : "")
                    + ($0.split == .train ? " (train)" : "")
            }
            row.append(likelihood ?? "—")
            let diagnostics = try? LatentDiagnostics.compute(model: state.model, data: test)
            row.append(diagnostics.map { "\($0.activeUnits) of \(state.model.spec.latent)" } ?? "—")
            return row
        }
        return .table(TableOutput(title: "Models compared (per test image, nats)", columns: columns, rows: rows))
    }

    /// The latent dimensions (0-based) from the most KL to the least; ties in dimension order.
    static func dimensionsByKL(_ diagnostics: LatentDiagnostics) -> [Int] {
        let kl = diagnostics.klPerDimension
        return kl.indices.sorted { kl[$0] > kl[$1] || (kl[$0] == kl[$1] && $0 < $1) }
    }

    /// The KL of each latent dimension, largest first, active units highlighted.
    func klBars(_ diagnostics: LatentDiagnostics, split: Split, model: String?) -> BlockOutput {
        let bars = Self.dimensionsByKL(diagnostics).map { index in
            BarChartOutput.Bar(label: "z\(index + 1)", value: diagnostics.klPerDimension[index],
                               highlighted: diagnostics.isActive[index])
        }
        let latent = diagnostics.klPerDimension.count
        return .barChart(BarChartOutput(
            title: "KL per latent dimension" + (model.map { " of '\($0)'" } ?? ""),
            caption: "Mean KL(q(z_j|x) ‖ N(0, 1)) over \(diagnostics.count) \(split.rawValue) images, sorted; "
                + "\(diagnostics.activeUnits) of \(latent) dimensions are active (coloured): the variance over the images "
                + "of their posterior mean exceeds \(Self.compact(diagnostics.threshold)). Total KL \(Self.format(diagnostics.totalKL)) nats.",
            xLabel: "latent dimension", yLabel: "KL (nats)", bars: bars, threshold: nil))
    }

    /// The first `count` images of a split above their reconstructions, ten to a row:
    /// decoded from the posterior mean, or with `sampledWithSeed` from z = μ + σ·ε, ε drawn
    /// from the stream `("reconstruction-sample", 0)`.
    func reconstructions(model: VAE, data: ImageDataset, count: Int, split: Split, sampledWithSeed seed: UInt64? = nil) -> BlockOutput {
        let shown = min(count, data.count)
        let originals = BatchLoader.matrix(data, indices: Array(0..<shown))
        let reconstructed: Matrix
        if let seed {
            reconstructed = model.decodeProbabilities(sampledLatent(model: model, images: originals, seed: seed,
                                                                    purpose: "reconstruction-sample"))
        } else {
            reconstructed = model.reconstruct(originals)
        }
        let perRow = min(shown, 10)
        let pairRows = (shown + perRow - 1) / perRow
        var images: [[Float]] = []
        var labels: [String] = []
        for pairRow in 0..<pairRows {
            let range = (pairRow * perRow)..<min((pairRow + 1) * perRow, shown)
            images += range.map { row(originals, $0) }
            images += range.map { row(reconstructed, $0) }
            labels += ["original", seed == nil ? "reconstruction" : "sampled"]
        }
        let how = seed == nil ? "through the posterior mean" : "decoded from one z drawn from the posterior q(z|x) each"
        return .imageGrid(ImageGridOutput(
            title: seed == nil ? "Reconstructions" : "Reconstructions (sampled z)",
            caption: "The first \(shown) \(split.rawValue) images (odd rows) and their reconstructions \(how) (even rows).",
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
    /// The evaluation table: the −ELBO and its parts, the objective when training optimised
    /// something else, and with an importance-weighted estimate its L_K.
    func evaluation(_ totals: LossTotals, split: Split, objective: Objective, estimate: ImportanceWeightedEstimate?,
                    model: String?) -> BlockOutput {
        var columns = ["Split", "−ELBO", "Reconstruction", "KL"]
        var row = [split.rawValue,
                   Self.format(Self.negativeELBO(reconstruction: totals.meanReconstruction, kl: totals.meanKL)),
                   Self.format(totals.meanReconstruction), Self.format(totals.meanKL)]
        if let name = Self.objectiveName(objective, warmup: false) {
            columns.append(name.prefix(1).uppercased() + name.dropFirst())
            row.append(Self.format(totals.meanTotal))
        }
        if let estimate {
            columns.append("log p(x) ≥ L_\(estimate.samples)")
            row.append(Self.format(estimate.meanLogLikelihoodBound))
        }
        return .table(TableOutput(title: "Evaluation" + (model.map { " of '\($0)'" } ?? "")
                                    + " on \(totals.count) \(split.rawValue) images (per image, nats)",
                                  columns: columns, rows: [row]))
    }

    /// The first `count` images of a split encoded to their means; the plane of the first two
    /// principal components when the latent has more than two dimensions.
    func latentScatter(model: VAE, data: ImageDataset, count: Int, split: Split) -> BlockOutput {
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

    /// Decodes a `size × size` grid of points over `xRange × yRange` (top row at the top of `yRange`).
    func manifold(model: VAE, size: Int, xRange: ClosedRange<Double>, yRange: ClosedRange<Double>,
                  fitted: String? = nil) -> BlockOutput {
        let points = Matrix(rows: size * size, columns: 2)
        func coordinate(_ index: Int, _ range: ClosedRange<Double>) -> Double {
            range.lowerBound + (range.upperBound - range.lowerBound) * Double(index) / Double(size - 1)
        }
        for row in 0..<size {
            for column in 0..<size {
                points[row * size + column, 0] = Float(coordinate(column, xRange))
                points[row * size + column, 1] = Float(coordinate(size - 1 - row, yRange))
            }
        }
        let decoded = model.decodeProbabilities(points)
        let span = xRange == yRange && xRange.lowerBound == -xRange.upperBound
            ? "spanning [−\(Self.compact(xRange.upperBound)), \(Self.compact(xRange.upperBound))] on both axes"
            : "spanning z₁ ∈ [\(Self.compact(xRange.lowerBound)), \(Self.compact(xRange.upperBound))], "
                + "z₂ ∈ [\(Self.compact(yRange.lowerBound)), \(Self.compact(yRange.upperBound))]"
        return .imageGrid(ImageGridOutput(
            title: "Latent manifold",
            caption: "Images decoded from a \(size)×\(size) grid of latent points \(span)\(fitted ?? "").",
            rows: size, columns: size, imageWidth: model.spec.imageWidth, imageHeight: model.spec.imageHeight,
            images: (0..<(size * size)).map { row(decoded, $0) },
            axes: GridAxes(xLabel: "z₁", yLabel: "z₂", xRange: xRange, yRange: yRange)))
    }

    /// The manifold over the window where `data`'s posterior means lie: per axis from the
    /// 1st to the 99th percentile, so a few outlying images do not shrink the picture.
    func manifold(model: VAE, size: Int, fittedTo data: ImageDataset) -> BlockOutput {
        let means = model.encodeMeans(BatchLoader.matrix(data, indices: Array(0..<data.count)))
        func window(_ column: Int) -> ClosedRange<Double> {
            let values = (0..<means.rows).map { Double(means[$0, column]) }.sorted()
            let low = values[Int((Double(values.count - 1) * 0.01).rounded())]
            let high = values[Int((Double(values.count - 1) * 0.99).rounded())]
            let rounded = (Self.roundOutward(low, down: true), Self.roundOutward(high, down: false))
            return rounded.0 < rounded.1 ? rounded.0...rounded.1 : (rounded.0 - 0.5)...(rounded.1 + 0.5)
        }
        return manifold(model: model, size: size, xRange: window(0), yRange: window(1),
                        fitted: ", fitted to the 1st–99th percentiles of the posterior means of \(data.count) \(data.name) images")
    }

    /// `value` rounded away from the window's middle to a tenth, so tick labels stay short.
    static func roundOutward(_ value: Double, down: Bool) -> Double {
        (down ? (value * 10).rounded(.down) : (value * 10).rounded(.up)) / 10
    }

    /// Latent traversals around the posterior mean of test image `image`: one row per
    /// dimension (0-based), that dimension moved over mean ± `range` in `steps` points.
    /// Without `dimensions`, the ten dimensions with the most KL on `data`, largest first.
    func traversal(model: VAE, data: ImageDataset, dimensions: [Int]?, steps: Int,
                   range: Double, image: Int) throws -> BlockOutput {
        let latent = model.spec.latent
        let chosen: [Int]
        if let dimensions {
            chosen = dimensions
        } else {
            let diagnostics = try LatentDiagnostics.compute(model: model, data: data)
            chosen = Array(Self.dimensionsByKL(diagnostics).prefix(10))
        }
        let mean = model.encodeMeans(BatchLoader.matrix(data, indices: [image]))
        let points = Matrix(rows: chosen.count * steps, columns: latent)
        for (row, dimension) in chosen.enumerated() {
            for step in 0..<steps {
                let offset = -range + 2 * range * Double(step) / Double(steps - 1)
                for j in 0..<latent { points[row * steps + step, j] = mean[0, j] }
                points[row * steps + step, dimension] = mean[0, dimension] + Float(offset)
            }
        }
        let decoded = model.decodeProbabilities(points)
        return .imageGrid(ImageGridOutput(
            title: "Latent traversal",
            caption: "Test image \(image + 1) encoded to its posterior mean, then one dimension per row moved from "
                + "−\(Self.compact(range)) to +\(Self.compact(range)) around it, the others held"
                + (dimensions == nil ? "; the \(chosen.count) dimensions with the most KL, largest first." : "."),
            rows: chosen.count, columns: steps, imageWidth: model.spec.imageWidth, imageHeight: model.spec.imageHeight,
            images: (0..<(chosen.count * steps)).map { row(decoded, $0) },
            rowLabels: chosen.map { "z\($0 + 1)" }))
    }

    /// Rows decoding the line between the posterior means of test images 2i and 2i+1 (0-based).
    func interpolation(model: VAE, data: ImageDataset, pairs: Int, steps: Int) -> BlockOutput {
        let latent = model.spec.latent
        let means = model.encodeMeans(BatchLoader.matrix(data, indices: Array(0..<(2 * pairs))))
        let points = Matrix(rows: pairs * steps, columns: latent)
        for pair in 0..<pairs {
            for step in 0..<steps {
                let t = Float(step) / Float(steps - 1)
                for j in 0..<latent {
                    points[pair * steps + step, j] = (1 - t) * means[2 * pair, j] + t * means[2 * pair + 1, j]
                }
            }
        }
        let decoded = model.decodeProbabilities(points)
        return .imageGrid(ImageGridOutput(
            title: "Latent interpolation",
            caption: "Each row decodes \(steps) evenly spaced points on the line between the posterior means of two test "
                + "images (1 and 2, 3 and 4, …), ends included.",
            rows: pairs, columns: steps, imageWidth: model.spec.imageWidth, imageHeight: model.spec.imageHeight,
            images: (0..<(pairs * steps)).map { row(decoded, $0) },
            rowLabels: (0..<pairs).map { "\(2 * $0 + 1) → \(2 * $0 + 2)" }))
    }

    /// The fixed evolution points `("evolution", 0)` decoded by the model as it is now.
    func evolutionFrame(model: VAE, seed: UInt64, count: Int) -> [[Float]] {
        var stream = RandomStream(seed: seed, purpose: "evolution", index: 0)
        let latent = Matrix(rows: count, columns: model.spec.latent)
        stream.fillGaussian(latent.data, count: latent.count)
        let decoded = model.decodeProbabilities(latent)
        return (0..<count).map { row(decoded, $0) }
    }

    /// Test images `indices` reconstructed from z = μ + σ·ε with ε from the stream
    /// `("evolution-reconstruction", 0)`: the same ε every epoch, as a tutorial that saves its
    /// sampled reconstructions after each epoch shows them, minus the noise between epochs.
    func reconstructionFrame(model: VAE, data: ImageDataset, indices: [Int], seed: UInt64) -> [[Float]] {
        let images = BatchLoader.matrix(data, indices: indices)
        let decoded = model.decodeProbabilities(sampledLatent(model: model, images: images, seed: seed,
                                                              purpose: "evolution-reconstruction"))
        return indices.indices.map { row(decoded, $0) }
    }

    /// z = μ + σ·ε for each image, ε from the stream `(purpose, 0)`.
    func sampledLatent(model: VAE, images: Matrix, seed: UInt64, purpose: String) -> Matrix {
        let moments = model.posteriorMoments(images)
        let latent = model.spec.latent, count = images.rows
        var stream = RandomStream(seed: seed, purpose: purpose, index: 0)
        let noise = Matrix(rows: count, columns: latent)
        stream.fillGaussian(noise.data, count: noise.count)
        let points = Matrix(rows: count, columns: latent)
        for image in 0..<count {
            for j in 0..<latent {
                let mean = moments[image, j], logVariance = moments[image, latent + j]
                points[image, j] = mean + exp(0.5 * logVariance) * noise[image, j]
            }
        }
        return points
    }

    /// The first test images above their reconstructions by the untrained model and after
    /// the epochs so far (at most `rows` frames, evenly spaced).
    func reconstructionEvolution(_ frames: [(epoch: Int, images: [[Float]])], originals data: ImageDataset,
                                 count: Int, rows: Int, model: VAE) -> BlockOutput {
        let shown = Self.evenlySpaced(frames.count, atMost: rows).map { frames[$0] }
        let originals = BatchLoader.matrix(data, indices: Array(0..<count))
        let trained = frames.filter { $0.epoch > 0 }.count
        let which = shown.count == frames.count ? "after each epoch"
            : "after \(shown.filter { $0.epoch > 0 }.count) of the \(trained) epochs, evenly spaced"
        return .imageGrid(ImageGridOutput(
            title: "Reconstructions during training",
            caption: "The first \(count) test images (top row), then their reconstructions from one z drawn from the "
                + "posterior (the same ε every time) by the untrained model and \(which).",
            rows: shown.count + 1, columns: count, imageWidth: model.spec.imageWidth, imageHeight: model.spec.imageHeight,
            images: (0..<count).map { row(originals, $0) } + shown.flatMap { $0.images.prefix(count) },
            rowLabels: ["original"] + shown.map { $0.epoch == 0 ? "untrained" : "epoch \($0.epoch)" }))
    }

    func evolution(_ frames: [(epoch: Int, images: [[Float]])], count: Int, rows: Int, model: VAE) -> BlockOutput {
        let shown = Self.evenlySpaced(frames.count, atMost: rows).map { frames[$0] }
        let trained = frames.filter { $0.epoch > 0 }.count
        let which = shown.count == frames.count
            ? "by the untrained model and after each epoch"
            : "by the untrained model and after \(shown.filter { $0.epoch > 0 }.count) of the \(trained) epochs, evenly spaced"
        return .imageGrid(ImageGridOutput(
            title: "Training evolution",
            caption: "The same \(count) latent points z ~ N(0, I) decoded \(which), untrained at the top.",
            rows: shown.count, columns: count, imageWidth: model.spec.imageWidth, imageHeight: model.spec.imageHeight,
            images: shown.flatMap { $0.images.prefix(count) }, rowLabels: shown.map { $0.epoch == 0 ? "untrained" : "epoch \($0.epoch)" }))
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
