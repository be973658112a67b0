import Foundation
import Notebook
import Testing
import VAEEngine

// Beside the cache's tests, whose runner it uses: a notebook that saves and loads safetensors.
extension NotebookCacheTests {
    @Test func aNotebookSavesSafetensorsAndLoadsThemIntoAnotherModel() throws {
        let (folder, path) = try folderWith("""
            # Weights

            ```swift-vae
            seed 5
            data fashion-mnist train=300 test=100
            model mlp encoder=[32] latent=2 decoder=[32] name=a
            train epochs=1 batch=50 loss=mse
            save weights a.safetensors
            model mlp encoder=[32] latent=2 decoder=[32] name=b
            load weights a.safetensors
            save weights b.safetensors
            ```
            """)
        defer { try? FileManager.default.removeItem(at: folder) }
        _ = try Self.run(path, cache: nil)
        let saved = folder.appendingPathComponent("a.safetensors")
        let header = try SafetensorsFile.header(at: saved)
        #expect(header.metadata?["model"] == "model mlp encoder=[32] latent=2 decoder=[32] activation=relu")
        #expect(header.metadata?["likelihood"] == "mse")
        #expect(header.entries.map(\.name) == ["decoder.0.bias", "decoder.0.weight", "decoder.1.bias", "decoder.1.weight",
                                               "encoder.0.bias", "encoder.0.weight", "encoder.1.bias", "encoder.1.weight"])
        // Model b, never trained, holds a's weights after `load weights`: its own file has the
        // same tensors, byte for byte.
        let a = try Data(contentsOf: saved), b = try Data(contentsOf: folder.appendingPathComponent("b.safetensors"))
        let (aHeader, aValues) = try SafetensorsFile.decode(a, path: "a.safetensors")
        let (bHeader, bValues) = try SafetensorsFile.decode(b, path: "b.safetensors")
        #expect(aHeader.entries == bHeader.entries)
        #expect(aValues.map { $0.map(\.bitPattern) } == bValues.map { $0.map(\.bitPattern) })
    }
}
