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

    func trainingSummary(_ records: [EpochRecord], objective: Objective, warmup: Bool, model: String?) -> BlockOutput {
        guard let last = records.last else { return .text("no epochs") }
        let meaning = LossMeaning(objective, warmedUp: warmup)
        var text = (model.map { "'\($0)': " } ?? "")
            + "trained \(records.count) epoch\(records.count == 1 ? "" : "s") (\(last.steps) steps in all): "
        if meaning.isELBO {
            text += "train −ELBO \(Self.format(Self.negativeELBO(reconstruction: last.trainReconstruction, kl: last.trainKL)))"
            if let test = Self.negativeELBO(reconstruction: last.testReconstruction, kl: last.testKL) {
                text += ", test −ELBO \(Self.format(test))"
            }
            if let name = meaning.objectiveName {
                text += "; train \(name) \(Self.format(last.train))"
            }
        } else {
            // A squared error plus KL is no −ELBO: the summary names the objective it is.
            text += "train \(meaning.headlineName) \(Self.format(last.train))"
            if let test = last.test { text += ", test \(Self.format(test))" }
        }
        return .text(text)
    }

    func lossTable(_ state: ModelState) -> BlockOutput {
        let meaning = LossMeaning(state)
        let objective = meaning.objectiveName
        let rows = state.history.map { record in
            // A partial epoch says so: its losses average fewer steps than a whole one's.
            var row = [String(record.epoch) + (record.partial.map { " (\($0.text))" } ?? "")]
            if meaning.isELBO {
                row += [Self.format(Self.negativeELBO(reconstruction: record.trainReconstruction, kl: record.trainKL)),
                        Self.format(record.trainReconstruction), Self.format(record.trainKL),
                        Self.format(Self.negativeELBO(reconstruction: record.testReconstruction, kl: record.testKL)),
                        Self.format(record.testReconstruction), Self.format(record.testKL)]
                if objective != nil { row += [Self.format(record.train), Self.format(record.test)] }
            } else {
                row += [Self.format(record.train), Self.format(record.trainReconstruction), Self.format(record.trainKL),
                        Self.format(record.test), Self.format(record.testReconstruction), Self.format(record.testKL)]
            }
            return row
        }
        var columns = ["Epoch"]
        if meaning.isELBO {
            columns += ["Train −ELBO", "Train reconstruction", "Train KL", "Test −ELBO", "Test reconstruction", "Test KL"]
            if let objective { columns += ["Train \(objective)", "Test \(objective)"] }
        } else {
            columns += ["Train \(meaning.headlineName)", "Train squared error", "Train KL",
                        "Test \(meaning.headlineName)", "Test squared error", "Test KL"]
        }
        return .table(TableOutput(title: "Loss per epoch (per image\(meaning.isELBO ? ", nats" : "; KL in nats"))"
                                    + Self.modelSuffix(state),
                                  columns: columns, rows: rows))
    }

    /// " of 'name'" for a model the notebook named, so a lone model's titles stay as they were.
    static func modelSuffix(_ state: ModelState) -> String {
        state.name.hasPrefix("model-") ? "" : " of '\(state.name)'"
    }

    /// The headline loss per epoch (the −ELBO, or for `mse` the objective) on the training or the test images.
    static func headlinePoints(_ history: [EpochRecord], meaning: LossMeaning, test: Bool) -> [LineChartOutput.Point] {
        history.compactMap { record in
            meaning.headline(reconstruction: test ? record.testReconstruction : record.trainReconstruction,
                             kl: test ? record.testKL : record.trainKL, objective: test ? record.test : record.train)
                .map { LineChartOutput.Point(x: Double(record.epoch), y: $0) }
        }
    }

    /// The y label of a loss chart: the −ELBO in nats, or the objective of `mse` models, which has no unit.
    static func lossAxisLabel(_ meanings: [LossMeaning]) -> String {
        if meanings.allSatisfy(\.isELBO) { return "−ELBO per image (nats)" }
        let names = Set(meanings.filter { !$0.isELBO }.map(\.headlineName))
        let objective = names.count == 1 ? names.first! : "objective (squared error + KL)"
        if meanings.allSatisfy({ !$0.isELBO }) { return "\(objective) per image" }
        return "per image: −ELBO (nats), or for loss=mse the \(objective)"
    }

    func lossChart(_ state: ModelState) -> BlockOutput {
        let meaning = LossMeaning(state)
        var series = [LineChartOutput.Series(name: "train", points: Self.headlinePoints(state.history, meaning: meaning, test: false))]
        let testPoints = Self.headlinePoints(state.history, meaning: meaning, test: true)
        if !testPoints.isEmpty { series.append(.init(name: "test", points: testPoints)) }
        return .lineChart(LineChartOutput(title: "Loss per epoch" + Self.modelSuffix(state), xLabel: "epoch",
                                          yLabel: Self.lossAxisLabel([meaning]), series: series))
    }

    /// Several models' curves overlaid: a colour per model, train dashed, test solid.
    func lossChart(comparing states: [ModelState]) -> BlockOutput {
        var series: [LineChartOutput.Series] = []
        for state in states {
            let meaning = LossMeaning(state)
            let train = Self.headlinePoints(state.history, meaning: meaning, test: false)
            let test = Self.headlinePoints(state.history, meaning: meaning, test: true)
            series.append(.init(name: "\(state.name) train", points: train, group: state.name, dashed: true))
            if !test.isEmpty { series.append(.init(name: "\(state.name) test", points: test, group: state.name, dashed: false)) }
        }
        return .lineChart(LineChartOutput(title: "Loss per epoch: " + states.map(\.name).joined(separator: ", "),
                                          xLabel: "epoch", yLabel: Self.lossAxisLabel(states.map(LossMeaning.init)),
                                          series: series))
    }

    /// Whether a Bernoulli likelihood would meet grey pixels in `data`: neither binarized when
    /// loaded nor per pass, and some pixel neither 0 nor 1. On such pixels the Bernoulli
    /// "likelihood" is not a normalized density, so a bound on it is no log-likelihood.
    static func hasGreyPixels(_ data: ImageDataset, binarization: Binarization) -> Bool {
        binarization == .none && data.pixels.contains { $0 != 0 && $0 != 255 }
    }

    /// What the caption says of L_K on grey pixels.
    static let greyPixelsNote = "The pixels are grey, not binarized: a Bernoulli likelihood is not a normalized density "
        + "on them, so L_K bounds no log-likelihood; it compares models on the same images only."

    /// How the test −ELBO of a model is estimated, for captions.
    static func estimateNote(kl: Set<KLEstimator>) -> String {
        let klText = kl == [.analytic] ? "the KL in closed form"
            : kl == [.monteCarlo] ? "the KL from that same z" : "the KL in closed form or from that z (kl=monte-carlo)"
        return "Reconstruction with one z drawn from q(z|x) per image, \(klText), on the random stream of the "
            + "model's last test pass: the number its training summary and `evaluate test` print."
    }

    /// One row per model: size, training, the test −ELBO and its parts, the objective where
    /// it differs, the last log-likelihood estimate and the active units on the test split.
    ///
    /// The test numbers are one evaluation of the model as it is now, on the stream of its last
    /// test pass (`testPassStream`), so they are those of its training summary and of `evaluate
    /// test`, and still true of a model whose weights were loaded since.
    func modelTable(_ states: [ModelState], test: ImageDataset, binarization: Binarization) -> BlockOutput {
        let meanings = states.map(LossMeaning.init)
        let showsObjective = meanings.contains { $0.objectiveName != nil }
        let likelihoods = zip(states, meanings).map { state, meaning in meaning.isELBO ? state.likelihood : nil }
        let likelihoodSamples = Set(likelihoods.compactMap { $0?.samples })
        let grey = Self.hasGreyPixels(test, binarization: binarization)
        let bound = grey ? "L_" : "log p(x) ≥ L_"
        var columns = ["Model", "Parameters", "Epochs", "Test −ELBO", "Reconstruction", "KL"]
        if showsObjective { columns += ["Objective", "Test objective"] }
        columns += [likelihoodSamples.count == 1 ? bound + String(likelihoodSamples.first!) : bound + "K", "Active units"]
        let rows = zip(states, zip(meanings, likelihoods)).map { state, pair -> [String] in
            let (meaning, likelihood) = pair
            let totals = state.trainer.evaluate(on: test, objective: state.objective,
                                                streamIndex: Self.testPassStream(state), binarization: binarization)
            var row = [state.name, state.model.parameterCount.formatted(), String(state.history.last?.epoch ?? 0),
                       meaning.isELBO ? Self.format(Self.negativeELBO(reconstruction: totals.meanReconstruction, kl: totals.meanKL)) : "—",
                       Self.format(totals.meanReconstruction), Self.format(totals.meanKL)]
            if showsObjective {
                let name = meaning.objectiveName
                row += [name.map { String($0.dropFirst("objective (".count).dropLast()) } ?? "−ELBO",
                        name == nil ? "" : Self.format(totals.meanTotal)]
            }
            // An L_K of an earlier epoch says so: it is not of the model the other columns describe.
            let epoch = state.history.last?.epoch ?? 0
            let shown = likelihood.map {
                Self.format($0.value) + (likelihoodSamples.count > 1 ? " (K = \($0.samples))" : "")
                    + ($0.split == .train ? " (train)" : "")
                    + ($0.epoch.map { $0 == epoch ? "" : " (epoch \($0))" } ?? "")
            }
            row.append(shown ?? "—")
            let diagnostics = try? LatentDiagnostics.compute(model: state.model, data: test)
            row.append(diagnostics.map { "\($0.activeUnits) of \(state.model.spec.latent)" } ?? "—")
            return row
        }
        var notes = ["On \(test.count.formatted()) test images. " + Self.estimateNote(kl: Set(states.map(\.objective.kl)))]
        if meanings.contains(where: { !$0.isELBO }) {
            notes.append("A model trained with loss=mse has no −ELBO and no L_K: its reconstruction is a squared error, "
                         + "not a log-likelihood; its test objective is squared error + KL, with no unit.")
        }
        if !likelihoodSamples.isEmpty {
            notes.append("L_K: the latest `evaluate … iwae=K`, K importance samples per image.")
            if grey { notes.append(Self.greyPixelsNote) }
        }
        return .table(TableOutput(title: "Models compared (per test image\(LossMeaning.unit(meanings)))", columns: columns,
                                  rows: rows, caption: notes.joined(separator: " ")))
    }

    /// The stream index of a model's last test pass (its last epoch; 0 before any, a stream
    /// no test pass uses), which `evaluate test` and `table models` evaluate on again, so a
    /// model's test −ELBO is one number on its page.
    static func testPassStream(_ state: ModelState) -> UInt64 {
        UInt64(state.history.last?.epoch ?? 0)
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

    /// The evaluation table: the −ELBO and its parts (for `mse` the objective and its parts), the
    /// objective when training optimised something else, and with an importance-weighted
    /// estimate its L_K; the caption says how each is estimated.
    func evaluation(_ totals: LossTotals, split: Split, objective: Objective, estimate: ImportanceWeightedEstimate?,
                    greyPixels: Bool, model: String?) -> BlockOutput {
        let meaning = LossMeaning(objective)
        var columns = ["Split"]
        var row = [split.rawValue]
        if meaning.isELBO {
            columns += ["−ELBO", "Reconstruction", "KL"]
            row += [Self.format(Self.negativeELBO(reconstruction: totals.meanReconstruction, kl: totals.meanKL)),
                    Self.format(totals.meanReconstruction), Self.format(totals.meanKL)]
            if let name = meaning.objectiveName {
                columns.append(name.prefix(1).uppercased() + name.dropFirst())
                row.append(Self.format(totals.meanTotal))
            }
        } else {
            let name = meaning.headlineName
            columns += [name.prefix(1).uppercased() + name.dropFirst(), "Squared error", "KL"]
            row += [Self.format(totals.meanTotal), Self.format(totals.meanReconstruction), Self.format(totals.meanKL)]
        }
        if let estimate {
            columns.append((greyPixels ? "L_" : "log p(x) ≥ L_") + String(estimate.samples))
            row.append(Self.format(estimate.meanLogLikelihoodBound))
        }
        var notes: [String] = []
        if split == .test {
            notes.append(Self.estimateNote(kl: [objective.kl]))
        } else {
            notes.append("One z drawn from q(z|x) per image, on a random stream of this evaluation's own.")
        }
        if !meaning.isELBO {
            notes.append("With loss=mse the reconstruction is a squared error, not a log-likelihood: squared error + KL is "
                         + "the objective trained, not a −ELBO, and has no unit; no L_K bounds it.")
        }
        if let estimate {
            notes.append("L_\(estimate.samples): \(estimate.samples) importance samples per image (Burda et al. 2016).")
            if greyPixels { notes.append(Self.greyPixelsNote) }
        }
        return .table(TableOutput(title: "Evaluation" + (model.map { " of '\($0)'" } ?? "")
                                    + " on \(totals.count) \(split.rawValue) images (per image\(meaning.isELBO ? ", nats" : ""))",
                                  columns: columns, rows: [row], caption: notes.joined(separator: " ")))
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
