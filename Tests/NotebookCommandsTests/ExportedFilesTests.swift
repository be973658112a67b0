import Foundation
import NotebookCommands
import Testing
import TestSupport

/// The files `notebook run` exports beside a page (`site/NAME/`), from a real run: the same
/// bytes when the run is served from the cache, and the record's numbers in `losses.csv`.
@Suite struct ExportedFilesTests {
    static let notebook = """
        # Exports

        ```swift-vae
        seed 3
        data fashion-mnist train=200 test=60
        model mlp encoder=[16] latent=2 decoder=[16] name=small
        train epochs=2 batch=50
        plot losses
        show samples 4
        evaluate test
        ```
        """

    /// Site path → bytes of every file under `folder`.
    static func files(under folder: URL) throws -> [String: Data] {
        var files: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) {
            files[name] = try Data(contentsOf: folder.appendingPathComponent(name))
        }
        return files
    }

    /// What this test reads of a record: each block's metrics.
    struct RecordedMetrics: Decodable {
        struct Block: Decodable { var metrics: [Metric] }
        struct Metric: Decodable { var name: String; var value: Double }
        var blocks: [Block]
    }

    @Test func aCachedRunExportsTheSameFilesAsAFreshOneWithTheRecordsNumbers() throws {
        let folder = try makeTemporaryFolder("exports-test")
        defer { try? FileManager.default.removeItem(at: folder) }
        let notebook = folder.appendingPathComponent("exports.md")
        try Self.notebook.write(to: notebook, atomically: true, encoding: .utf8)
        let fresh = folder.appendingPathComponent("fresh"), cached = folder.appendingPathComponent("cached")
        let first = NotebookCommand.execute(["run", notebook.path, "--output", fresh.path, "--record", "-q"])
        #expect(first.exitCode == 0, "\(first.message)")
        let second = NotebookCommand.execute(["run", notebook.path, "--output", cached.path, "-q"])
        #expect(second.exitCode == 0, "\(second.message)")
        let cachedPage = try String(contentsOf: cached.appendingPathComponent("exports.html"), encoding: .utf8)
        #expect(cachedPage.contains("From the cache"))

        let exported = try Self.files(under: fresh.appendingPathComponent("exports"))
        #expect(exported.keys.sorted() == ["block-1-loss-per-epoch-of-small.svg", "block-1-samples.png", "block-1-samples.svg",
                                           "losses.csv", "metrics.json"])
        #expect(try Self.files(under: cached.appendingPathComponent("exports")) == exported)

        // losses.csv holds the record's numbers, read back to the last bit.
        // (JSONDecoder, not JSONSerialization: the latter misreads the last digit of some doubles.)
        let record = try JSONDecoder().decode(RecordedMetrics.self,
                                              from: Data(contentsOf: folder.appendingPathComponent("exports.record.json")))
        let recorded = Dictionary(uniqueKeysWithValues: record.blocks[0].metrics.map { ($0.name, $0.value) })
        let lines = String(decoding: try #require(exported["losses.csv"]), as: UTF8.self)
            .components(separatedBy: "\r\n").dropFirst().filter { !$0.isEmpty }
        #expect(lines.count == 2)
        for line in lines {
            let fields = line.components(separatedBy: ",")
            #expect(fields[0] == "small")
            let epoch = fields[1]
            let columns = ["train_neg_elbo", "train_reconstruction", "train_kl", "train_objective",
                           "test_neg_elbo", "test_reconstruction", "test_kl", "test_objective"]
            let value = Dictionary(uniqueKeysWithValues: zip(columns, fields.dropFirst(2).map { Double($0) }))
            for split in ["train", "test"] {
                let reconstruction = try #require(recorded["epoch \(epoch) \(split) reconstruction"])
                let kl = try #require(recorded["epoch \(epoch) \(split) KL"])
                #expect(value["\(split)_reconstruction"] == reconstruction)
                #expect(value["\(split)_kl"] == kl)
                #expect(value["\(split)_objective"] == recorded["epoch \(epoch) \(split) loss"])
                #expect(value["\(split)_neg_elbo"] == reconstruction + kl)
            }
        }
    }
}
