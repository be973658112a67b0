import Foundation
import VAEEngine

/// Times of one model: training epochs, and the same epochs' sgemm calls alone.
struct BenchmarkResult {
    var model: String
    var batchSize: Int
    var epochSeconds: [Double]
    var floorSeconds: [Double]
    /// Seconds the first epoch spent inside its sgemm calls (with the epilogues the products'
    /// parts run on their own blocks: Dense's bias and activation); the rest of that epoch is
    /// the engine's own work (element-wise passes, optimizer, batching).
    var inContextGemmSeconds: Double

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

    var threads: Int

    func run() throws -> BenchmarkResult {
        let log = ProductLog()
        let vae = VAE(spec: model.spec, context: ComputeContext(threads: threads, productLog: log))
        vae.initialize(seed: 1)
        let trainer = Trainer(model: vae, seed: 1)
        var epochSeconds: [Double] = []
        var floorSeconds: [Double] = []
        var shapes: [BLAS.GemmShape] = []
        var inContextGemmSeconds = 0.0
        for epoch in 0..<epochs {
            // The first epoch also logs the shape of every product it makes.
            log.isRecording = epoch == 0
            let started = Date()
            _ = try trainer.train(TrainingPlan(epochs: 1, batchSize: model.batchSize,
                                               optimizer: .adam(learningRate: 1e-3)),
                                  on: data.train, test: nil)
            epochSeconds.append(Date().timeIntervalSince(started))
            if epoch == 0 {
                shapes = log.shapes
                inContextGemmSeconds = log.seconds
            }
            // Each epoch's floor is measured right after it: on a shared machine whose speed
            // drifts over seconds, the two then see the same conditions.
            floorSeconds.append(ProductReplay(threads: threads).seconds(shapes))
        }
        return BenchmarkResult(model: model.name, batchSize: model.batchSize,
                               epochSeconds: epochSeconds, floorSeconds: floorSeconds,
                               inContextGemmSeconds: inContextGemmSeconds)
    }
}

/// Replays matrix products, same shapes, transposes and cuts, on scratch buffers, through
/// `BLAS.gemm`: so cut into the same parts, on the same threads, as where they were logged.
/// Adding the partial products of a cut across k is the layer's work, not BLAS', and is
/// left out.
struct ProductReplay {
    var threads: Int

    /// Seconds to run `shapes` in order, `repeats` times over.
    func seconds(_ shapes: [BLAS.GemmShape], repeats: Int = 1) -> Double {
        let context = ComputeContext(threads: threads)
        let sizeA = shapes.map { $0.m * $0.k }.max() ?? 1
        let sizeB = shapes.map { $0.k * $0.n }.max() ?? 1
        let sizeC = shapes.map { $0.m * $0.n }.max() ?? 1
        let a = UnsafeMutablePointer<Float>.allocate(capacity: sizeA)
        let b = UnsafeMutablePointer<Float>.allocate(capacity: sizeB)
        let c = UnsafeMutablePointer<Float>.allocate(capacity: sizeC)
        // The other parts' products of a cut across k.
        let partialsSize = max(1, (threads - 1) * sizeC)
        let partials = UnsafeMutablePointer<Float>.allocate(capacity: partialsSize)
        defer { a.deallocate(); b.deallocate(); c.deallocate(); partials.deallocate() }
        a.initialize(repeating: 0.01, count: sizeA)
        b.initialize(repeating: 0.02, count: sizeB)
        c.initialize(repeating: 0, count: sizeC)
        partials.initialize(repeating: 0, count: partialsSize)
        let started = Date()
        for _ in 0..<repeats {
            for shape in shapes {
                let lda = shape.transA == .none ? shape.k : shape.m
                let ldb = shape.transB == .none ? shape.n : shape.k
                BLAS.gemm(.init(m: shape.m, n: shape.n, k: shape.k), .init(a, rowStride: lda, shape.transA),
                          .init(b, rowStride: ldb, shape.transB),
                          into: .init(c, rowStride: shape.n, accumulate: shape.accumulates, partials: partials),
                          cut: shape.cut, context: context)
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
        var lines = ["vae-bench: \(trainImages) training images, \(threads) thread(s) over single-threaded \(blas) (\(core))",
                     "model         batch  epoch s  floor s  epoch/floor  sgemm in epoch 1 s  rest of epoch 1 s"]
        for result in results {
            lines.append(String(format: "%-13@ %5d  %7.3f  %7.3f  %6.2f×      %7.3f            %7.3f",
                                result.model as NSString, result.batchSize, result.bestEpoch, result.bestFloor,
                                result.ratio, result.inContextGemmSeconds,
                                (result.epochSeconds.first ?? .nan) - result.inContextGemmSeconds))
        }
        lines.append(String(format: "peak resident memory: %.0f MB", peakResidentMegabytes))
        return lines.joined(separator: "\n")
    }

    /// The report as JSON; `layers` are `LayerBenchmark.json` objects (`--layers`).
    func json(layers: [String] = []) -> String {
        func number(_ value: Double) -> String { value.isFinite ? String(format: "%.4f", value) : "null" }
        func string(_ value: String) -> String {
            "\"" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        }
        let models = results.map { result in
            "    {\"model\": \(string(result.model)), \"batch\": \(result.batchSize), "
                + "\"epoch_seconds\": [\(result.epochSeconds.map(number).joined(separator: ", "))], "
                + "\"floor_seconds\": [\(result.floorSeconds.map(number).joined(separator: ", "))], "
                + "\"best_epoch_seconds\": \(number(result.bestEpoch)), \"best_floor_seconds\": \(number(result.bestFloor)), "
                + "\"ratio\": \(number(result.ratio)), "
                + "\"first_epoch_sgemm_seconds\": \(number(result.inContextGemmSeconds))}"
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
              ],
              "layers": [
            \(layers.map { "    " + $0 }.joined(separator: ",\n"))
              ]
            }
            """
    }
}
