import Foundation
import Testing
import VAEEngine

/// Not a test of its own: the engine's half of the PyTorch comparison in docs/interop.md.
/// Run by hand with `INTEROP_EXPORT=a.safetensors:b.safetensors`, it loads each file into a
/// model of the architecture its metadata names and writes `a.safetensors.engine.json`: the
/// first eight Fashion-MNIST test images, eight fixed latent points, and the engine's
/// posterior means and decoder logits for them, for a PyTorch module to reproduce. Skipped
/// otherwise, so the suite never needs PyTorch or writes outside its temporary folder.
@Suite struct InteropExport {
    static let files = ProcessInfo.processInfo.environment["INTEROP_EXPORT"]

    @Test(.enabled(if: files != nil, "set INTEROP_EXPORT to the .safetensors files to export for"))
    func exportEngineOutputsForPyTorch() throws {
        let test = try FashionMNIST.load().test
        for path in Self.files!.split(separator: ":").map(String.init) {
            let url = URL(fileURLWithPath: path)
            let header = try SafetensorsFile.header(at: url)
            let architecture = try #require(header.metadata?["architecture"], "\(path) has no architecture metadata")
            let spec = try JSONDecoder().decode(ModelSpec.self, from: Data(architecture.utf8))
            let model = VAE(spec: spec)
            try SafetensorsFile.load(into: model, from: url)

            let count = 8
            let images = (0..<count).map { test.image($0) }
            // Points on a spiral through the prior's bulk, fixed so both sides decode the same ones.
            let points = (0..<count).map { row in
                (0..<spec.latent).map { j in Float(2 * sin(Double(row * spec.latent + j) * 0.7)) }
            }
            let means = model.encodeMeans(Matrix(rows: count, columns: spec.pixels, values: images.flatMap { $0 }))
            let logits = model.decodeLogits(Matrix(rows: count, columns: spec.latent, values: points.flatMap { $0 }))
            func rows(_ matrix: Matrix) -> [[Float]] {
                (0..<matrix.rows).map { Array(matrix.values[($0 * matrix.columns)..<(($0 + 1) * matrix.columns)]) }
            }
            let export: [String: [[Float]]] = ["images": images, "z": points, "means": rows(means), "logits": rows(logits)]
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            try encoder.encode(export).write(to: URL(fileURLWithPath: path + ".engine.json"))
        }
    }
}
