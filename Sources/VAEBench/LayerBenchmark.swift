import Foundation
import VAEEngine

/// One layer's share of a training epoch: its forward and backward passes, the products in
/// them as they ran, and the same products alone (the layer's own BLAS floor).
struct LayerTiming {
    var network: String
    var position: Int
    var kind: String
    var forwardSeconds: Double
    var backwardSeconds: Double
    var inContextProductSeconds: Double
    var floorSeconds: Double

    var totalSeconds: Double { forwardSeconds + backwardSeconds }
    /// The layer's time over its floor; infinite for a layer without products.
    var ratio: Double { floorSeconds > 0 ? totalSeconds / floorSeconds : .infinity }
}

/// Trains one epoch of a model with every layer timed (`LayerProfile`), then replays each
/// layer's products alone, once per training step, right after: where an epoch goes, layer by
/// layer, and how far each layer is from its products' floor.
struct LayerBenchmark {
    var model: BenchmarkModel
    var data: DatasetSplits
    var threads: Int

    func run() throws -> (layers: [LayerTiming], epochSeconds: Double) {
        let log = ProductLog(), profile = LayerProfile()
        let vae = VAE(spec: model.spec, context: ComputeContext(threads: threads, productLog: log, layerProfile: profile))
        vae.initialize(seed: 1)
        let trainer = Trainer(model: vae, seed: 1)
        let started = Date()
        let records = try trainer.train(TrainingPlan(epochs: 1, batchSize: model.batchSize, optimizer: .adam(learningRate: 1e-3)),
                                        on: data.train, test: nil)
        let epochSeconds = Date().timeIntervalSince(started)
        let steps = records.last?.steps ?? 1
        let replay = ProductReplay(threads: threads)
        let layers = profile.entries.map { entry in
            LayerTiming(network: entry.network, position: entry.position, kind: entry.kind,
                        forwardSeconds: entry.forwardSeconds, backwardSeconds: entry.backwardSeconds,
                        inContextProductSeconds: entry.productSeconds,
                        floorSeconds: entry.shapes.isEmpty ? 0 : replay.seconds(entry.shapes, repeats: steps))
        }
        // Forward order: the encoder's layers, then the decoder's.
        func order(_ layer: LayerTiming) -> (Int, Int) { (layer.network == "encoder" ? 0 : 1, layer.position) }
        return (layers.sorted { order($0) < order($1) }, epochSeconds)
    }

    static func table(model: String, layers: [LayerTiming], epochSeconds: Double) -> String {
        // Names padded by hand: `%-50@` does not pad an object.
        func column(_ text: String) -> String { text.padding(toLength: max(52, text.count + 1), withPad: " ", startingAt: 0) }
        var lines = ["\(model): one epoch \(String(format: "%.3f", epochSeconds)) s, by layer (seconds in the epoch)",
                     column("layer") + " forward  backward    total  sgemm in passes  sgemm floor  total/floor"]
        for layer in layers {
            let name = "\(layer.network).\(layer.position) \(layer.kind)"
            let ratio = layer.ratio.isFinite ? String(format: "%6.2f×", layer.ratio) : "     –"
            lines.append(column(name) + String(format: "%8.3f  %8.3f  %7.3f  %15.3f  %11.3f  %@",
                                               layer.forwardSeconds, layer.backwardSeconds, layer.totalSeconds,
                                               layer.inContextProductSeconds, layer.floorSeconds, ratio as NSString))
        }
        let inLayers = layers.reduce(0) { $0 + $1.totalSeconds }
        lines.append(column("all layers") + String(format: "%8.3f  %8.3f  %7.3f  %15.3f  %11.3f",
                            layers.reduce(0) { $0 + $1.forwardSeconds },
                            layers.reduce(0) { $0 + $1.backwardSeconds }, inLayers,
                            layers.reduce(0) { $0 + $1.inContextProductSeconds }, layers.reduce(0) { $0 + $1.floorSeconds }))
        lines.append(String(format: "outside the layers (loading, sampling z, loss, optimizer): %.3f s", epochSeconds - inLayers))
        return lines.joined(separator: "\n")
    }

    static func json(model: String, layers: [LayerTiming], epochSeconds: Double) -> String {
        func number(_ value: Double) -> String { value.isFinite ? String(format: "%.4f", value) : "null" }
        let rows = layers.map { layer in
            "      {\"network\": \"\(layer.network)\", \"position\": \(layer.position), \"kind\": \"\(layer.kind)\", "
                + "\"forward_seconds\": \(number(layer.forwardSeconds)), \"backward_seconds\": \(number(layer.backwardSeconds)), "
                + "\"sgemm_seconds\": \(number(layer.inContextProductSeconds)), \"floor_seconds\": \(number(layer.floorSeconds))}"
        }
        return "{\"model\": \"\(model)\", \"epoch_seconds\": \(number(epochSeconds)), \"layers\": [\n"
            + rows.joined(separator: ",\n") + "\n    ]}"
    }
}
