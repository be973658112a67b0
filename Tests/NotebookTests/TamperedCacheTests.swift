import Foundation
import Notebook
import Testing
import TestSupport

/// A cache entry rewritten and sealed again with the cache's key (as only a bug or someone
/// holding the user's key could): a value out of range is still a miss (the block is
/// computed again), never a trap, a path outside the cache or a wrong result.
@Suite(.serialized) struct TamperedCacheTests {
    static func tamper(_ url: URL, _ edit: (String) -> String) throws -> Bool {
        try CacheEntryEditor.editHeader(url, edit)
    }

    static func entries(_ kind: String, in cache: URL) throws -> [URL] {
        try CacheEntryEditor.entries(kind, in: cache)
    }

    @Test func aSnapshotWithAnImpossibleModelIsAMiss() throws {
        let tests = NotebookCacheTests()
        let (folder, path) = try tests.folderWith(NotebookCacheTests.small)
        defer { try? FileManager.default.removeItem(at: folder) }
        let cache = folder.appendingPathComponent("cache")
        let first = try NotebookCacheTests.run(path, cache: cache)
        let snapshots = try Self.entries("snapshots", in: cache)
        #expect(!snapshots.isEmpty)
        var tampered = 0
        for (index, url) in snapshots.enumerated() {
            // A negative latent size would trap building the model; a huge one would exhaust memory.
            // (The snapshot taken before the model is declared has none to tamper with.)
            let latent = index.isMultiple(of: 2) ? "-5" : "60000"
            if try Self.tamper(url, { $0.replacingOccurrences(of: #""latent":2"#, with: "\"latent\":\(latent)") }) {
                tampered += 1
            }
        }
        #expect(tampered >= 2)
        let second = try NotebookCacheTests.run(path, cache: cache)
        #expect(second.lines.contains { $0.hasPrefix("warning: cache entry snapshots/") && $0.contains("inconsistent") })
        #expect(second.record == first.record)
    }

    @Test func aContinuationPointingOutsideTheCacheOrBackwardsIsAMiss() throws {
        let tests = NotebookCacheTests()
        let (folder, path) = try tests.folderWith(NotebookCacheTests.small)
        defer { try? FileManager.default.removeItem(at: folder) }
        let cache = folder.appendingPathComponent("cache")
        _ = try NotebookCacheTests.run(path, cache: cache, overrides: ["epochs": "2"])
        let continuations = try Self.entries("continuations", in: cache)
        #expect(continuations.count == 1)
        let snapshot = try #require(try Self.entries("snapshots", in: cache).first)
        // Outside the cache's snapshots folder, yet a file that exists there.
        let outside = folder.appendingPathComponent("outside")
        try FileManager.default.copyItem(at: snapshot, to: outside)
        for url in continuations {
            #expect(try Self.tamper(url) { header in
                header.replacingOccurrences(of: #""snapshot":"[0-9a-f]{64}""#, with: #""snapshot":"..\/..\/outside""#,
                                            options: .regularExpression)
            })
        }
        let escaped = try NotebookCacheTests.run(path, cache: cache, overrides: ["epochs": "3"])
        #expect(!escaped.lines.contains { $0.contains("continues the cached run") })
        let cold = try NotebookCacheTests.run(path, cache: nil, overrides: ["epochs": "3"])
        #expect(escaped.record == cold.record)

        // A run "of -5 epochs" would make a continuation train 8 epochs where 3 were asked.
        for url in try Self.entries("continuations", in: cache) {
            #expect(try Self.tamper(url) { header in
                header.replacingOccurrences(of: #""epochs":\d+"#, with: #""epochs":-5"#, options: .regularExpression)
            })
        }
        let backwards = try NotebookCacheTests.run(path, cache: cache, overrides: ["epochs": "3"])
        #expect(!backwards.lines.contains { $0.contains("continues the cached run") })
        #expect(backwards.record == cold.record)
    }
}
