import Foundation
import Notebook
import NotebookResults
import Testing
import VAEEngine

/// A model that cannot fit in this machine's memory is refused when the notebook compiles,
/// with its figure, instead of trapping in an allocation once it runs. Nothing here runs.
@Suite struct MemoryCheckTests {
    func headlines(_ body: String) -> [String] {
        let markdown = "# M\n\n```swift-vae\n\(body)\n```\n"
        do {
            _ = try NotebookCompiler.compile(MarkdownParser.parse(markdown, path: "m.md"), source: markdown)
            return []
        } catch let errors as NotebookErrors {
            return errors.diagnostics.map(\.headline)
        } catch {
            return ["\(error)"]
        }
    }

    /// The figure this machine reports, as the message shows it.
    var available: String { MemoryEstimate.describe(MemoryEstimate.availableBytes() ?? 0) }

    @Test(.enabled(if: MemoryEstimate.availableBytes() != nil))
    func aConvModelOf8192FiltersIsAMessageAtItsTrainLine() {
        let spec = ModelSpec(kind: .conv, encoder: [8192, 8192], latent: 2, decoder: [8192, 8192])
        let estimate = MemoryEstimate(spec: spec, batch: 60_000, optimizerSlots: 2)
        let errors = headlines("""
            data fashion-mnist train=60000 test=100
            model conv encoder=[8192,8192] latent=2 decoder=[8192,8192]
            train epochs=1 batch=60000
            """)
        #expect(errors == ["m.md:6:22: error: model 'model-1' (line 5) needs about \(MemoryEstimate.describe(estimate.totalBytes)) "
            + "for a batch of 60000 (\(estimate.parts(optimizer: "Adam"))); this machine has \(available) available; "
            + "use a smaller batch or fewer filters"])
    }

    @Test(.enabled(if: (MemoryEstimate.availableBytes() ?? .max) < 1 << 42))
    func aModelTooBigToBuildIsAMessageAtItsModelLine() {
        let spec = ModelSpec(kind: .conv, encoder: Array(repeating: 8192, count: 8), latent: 2, decoder: [8192],
                             kernel: 3, stride: 1)
        let estimate = MemoryEstimate(spec: spec, batch: 1, optimizerSlots: 0)
        let errors = headlines("model conv encoder=[8192,8192,8192,8192,8192,8192,8192,8192] latent=2 decoder=[8192] stride=1")
        #expect(errors == ["m.md:4:1: error: model 'model-1' needs about \(MemoryEstimate.describe(estimate.totalBytes)) "
            + "for its weights and a single image (\(estimate.parts(optimizer: nil))); this machine has \(available) "
            + "available; use fewer filters"])
    }

    @Test func aModelThatFitsIsNotRefused() {
        #expect(headlines("data fashion-mnist train=600 test=100\nmodel conv encoder=[32,64] latent=16 decoder=[64,32]\n"
                          + "train epochs=1 batch=128") == [])
    }
}
