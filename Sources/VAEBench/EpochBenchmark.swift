import Foundation
import VAEEngine

/// Times of one model: training epochs, and the same epochs' sgemm calls alone.
struct BenchmarkResult {
    var model: String
    var batchSize: Int
    var epochSeconds: [Double]
    var floorSeconds: [Double]

    /// The best epoch: the least disturbed by the rest of the machine.
    var bestEpoch: Double { epochSeconds.min() ?? .nan }
    var bestFloor: Double { floorSeconds.min() ?? .nan }
    var ratio: Double { bestEpoch / bestFloor }
}

/// Trains a model for some epochs and replays the matrix products of an epoch alone.
struct EpochBenchmark {
    var model: BenchmarkModel
    var data: DatasetSplits
    var epochs: Int

    func run() throws -> BenchmarkResult {
        let vae = VAE(spec: model.spec)
        vae.initialize(seed: 1)
        let trainer = Trainer(model: vae, seed: 1)
        var epochSeconds: [Double] = []
        for _ in 0..<epochs {
            let started = Date()
            _ = try trainer.train(TrainingPlan(epochs: 1, batchSize: model.batchSize,
                                               optimizer: .adam(learningRate: 1e-3)),
                                  on: data.train, test: nil)
            epochSeconds.append(Date().timeIntervalSince(started))
        }
        let floorSeconds = (0..<epochs).map { _ in blasFloor(vae) }
        return BenchmarkResult(model: model.name, batchSize: model.batchSize,
                               epochSeconds: epochSeconds, floorSeconds: floorSeconds)
    }

    /// The sgemm calls one epoch makes, with the same shapes, on the model's own buffers.
    ///
    /// Per dense layer and step: the forward product, the weight gradient, and the input
    /// gradient (skipped for the encoder's first layer, as training skips it).
    func blasFloor(_ vae: VAE) -> Double {
        let dense = vae.layers.compactMap { $0 as? Dense }
        let batch = model.batchSize
        let steps = (data.train.count + batch - 1) / batch
        let lastBatch = data.train.count - (steps - 1) * batch
        let widest = dense.map { max($0.inputSize, $0.outputSize) }.max()!
        let activations = Matrix(rows: batch, columns: widest)
        let gradients = Matrix(rows: batch, columns: widest)
        let scratch = Matrix(rows: widest, columns: widest)
        let started = Date()
        for step in 0..<steps {
            let rows = step == steps - 1 ? lastBatch : batch
            for (index, layer) in dense.enumerated() {
                let (input, output) = (layer.inputSize, layer.outputSize)
                BLAS.gemm(.none, .none, m: rows, n: output, k: input, a: activations.data, lda: input,
                          b: layer.weight.value.data, ldb: output, beta: 1, c: gradients.data, ldc: output)
                BLAS.gemm(.transposed, .none, m: input, n: output, k: rows, a: activations.data, lda: input,
                          b: gradients.data, ldb: output, c: scratch.data, ldc: output)
                if index != 0 {
                    BLAS.gemm(.none, .transposed, m: rows, n: input, k: output, a: gradients.data, lda: output,
                              b: layer.weight.value.data, ldb: output, c: activations.data, ldc: input)
                }
            }
        }
        return Date().timeIntervalSince(started)
    }
}

/// All results with the configuration they were measured in.
struct BenchmarkReport {
    var threads: Int
    var blas: String
    var core: String
    var trainImages: Int
    var results: [BenchmarkResult]
    var peakResidentMegabytes: Double

    func table() -> String {
        var lines = ["vae-bench: \(trainImages) training images, \(threads) BLAS thread(s), \(blas) (\(core))",
                     "model         batch  epoch s  floor s  epoch/floor"]
        for result in results {
            lines.append(String(format: "%-13@ %5d  %7.3f  %7.3f  %6.2f×", result.model as NSString, result.batchSize,
                                result.bestEpoch, result.bestFloor, result.ratio))
        }
        lines.append(String(format: "peak resident memory: %.0f MB", peakResidentMegabytes))
        return lines.joined(separator: "\n")
    }

    func json() -> String {
        func number(_ value: Double) -> String { value.isFinite ? String(format: "%.4f", value) : "null" }
        func string(_ value: String) -> String {
            "\"" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        }
        let models = results.map { result in
            "    {\"model\": \(string(result.model)), \"batch\": \(result.batchSize), "
                + "\"epoch_seconds\": [\(result.epochSeconds.map(number).joined(separator: ", "))], "
                + "\"floor_seconds\": [\(result.floorSeconds.map(number).joined(separator: ", "))], "
                + "\"best_epoch_seconds\": \(number(result.bestEpoch)), \"best_floor_seconds\": \(number(result.bestFloor)), "
                + "\"ratio\": \(number(result.ratio))}"
        }
        return """
            {
              "threads": \(threads),
              "blas": \(string(blas)),
              "core": \(string(core)),
              "train_images": \(trainImages),
              "peak_rss_mb": \(number(peakResidentMegabytes)),
              "models": [
            \(models.joined(separator: ",\n"))
              ]
            }
            """
    }
}
