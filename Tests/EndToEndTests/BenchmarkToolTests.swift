import Foundation
import Testing
import TestSupport

/// `vae-bench` itself, on a slice of Fashion-MNIST: its JSON has every figure the speed
/// claims rest on, and bad arguments are refused with a message. (The speed is measured with
/// the tool by hand, never asserted in a test.)
@Suite struct BenchmarkToolTests {
    @Test func jsonReportsEpochsFloorsAndMemory() throws {
        let outcome = try NotebookBinary.run(["--json", "--train", "1000", "--epochs", "2", "--model", "mlp-256-10"],
                                             in: FileManager.default.temporaryDirectory, executable: "vae-bench")
        #expect(outcome.status == 0, "\(outcome.standardError)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(outcome.standardOutput.utf8)) as? [String: Any])
        #expect(report["train_images"] as? Int == 1000)
        #expect((report["peak_rss_mb"] as? Double ?? 0) > 0)
        #expect((report["core"] as? String)?.isEmpty == false)
        let models = try #require(report["models"] as? [[String: Any]])
        let model = try #require(models.first)
        #expect(model["model"] as? String == "mlp-256-10")
        #expect(model["batch"] as? Int == 100)
        let epochs = try #require(model["epoch_seconds"] as? [Double])
        let floors = try #require(model["floor_seconds"] as? [Double])
        #expect(epochs.count == 2 && floors.count == 2)
        #expect(epochs.allSatisfy { $0 > 0 } && floors.allSatisfy { $0 > 0 })
        let ratio = try #require(model["ratio"] as? Double)
        // Best epoch over best floor, from numbers printed with four decimals.
        #expect(abs(ratio / (epochs.min()! / floors.min()!) - 1) < 0.01)
        // The products inside the first epoch take time, and no more than the whole epoch.
        let sgemm = try #require(model["first_epoch_sgemm_seconds"] as? Double)
        #expect(sgemm > 0 && sgemm <= epochs[0])
    }

    /// `--layers` times every layer of the model in an epoch of its own, next to its products
    /// alone: an MLP's four dense layers, in forward order, each with time in both passes and
    /// products, together no longer than the epoch.
    @Test func layersReportEveryLayersPassesAndFloor() throws {
        let outcome = try NotebookBinary.run(["--json", "--layers", "--train", "600", "--epochs", "1", "--model", "mlp-256-10"],
                                             in: FileManager.default.temporaryDirectory, executable: "vae-bench")
        #expect(outcome.status == 0, "\(outcome.standardError)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(outcome.standardOutput.utf8)) as? [String: Any])
        let profiles = try #require(report["layers"] as? [[String: Any]])
        let profile = try #require(profiles.first)
        #expect(profile["model"] as? String == "mlp-256-10")
        let layers = try #require(profile["layers"] as? [[String: Any]])
        #expect(layers.map { "\($0["network"] ?? "").\($0["position"] ?? "")" }
                == ["encoder.0", "encoder.1", "decoder.0", "decoder.1"])
        #expect(layers.allSatisfy { ($0["kind"] as? String)?.hasPrefix("Dense") == true })
        for key in ["forward_seconds", "backward_seconds", "sgemm_seconds", "floor_seconds"] {
            #expect(layers.allSatisfy { ($0[key] as? Double ?? 0) > 0 }, "\(key)")
        }
        let inLayers = layers.reduce(0.0) { $0 + ($1["forward_seconds"] as! Double) + ($1["backward_seconds"] as! Double) }
        let epoch = try #require(profile["epoch_seconds"] as? Double)
        #expect(inLayers <= epoch)
    }

    @Test(arguments: [
        (["--model", "mlp-400"], "unknown model 'mlp-400'; the models are mlp-400-20, mlp-256-10, conv-tf-50"),
        (["--epochs", "0"], "--epochs and --threads must be at least 1"),
        (["--fast"], "unknown argument --fast"),
    ])
    func badArgumentsAreRefused(arguments: [String], message: String) throws {
        let outcome = try NotebookBinary.run(arguments, in: FileManager.default.temporaryDirectory, executable: "vae-bench")
        #expect(outcome.status == 2)
        #expect(outcome.standardError.contains(message), "\(outcome.standardError)")
    }
}
