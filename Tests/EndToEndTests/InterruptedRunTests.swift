import Foundation
import Testing
import TestSupport

/// A run killed part-way leaves the blocks it finished in the cache: the next run reuses
/// them and computes only the rest.
@Suite struct InterruptedRunTests {
    static let notebook = """
        # Interrupted

        ```swift-vae
        seed 4
        data fashion-mnist train=300 test=100
        model mlp encoder=[32] latent=2 decoder=[32]
        train epochs=1 batch=50
        ```

        ```swift-vae
        train epochs=400 batch=50
        show samples 4
        ```
        """

    @Test func finishedBlocksAreReusedAfterAKill() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Self.notebook.write(to: folder.appendingPathComponent("nb.md"), atomically: true, encoding: .utf8)

        let process = Process()
        process.executableURL = NotebookBinary.url
        process.arguments = ["run", "nb.md"]
        process.currentDirectoryURL = folder
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        // Kill it once the second block has started: the first is then in the cache.
        var seen = ""
        let started = Date()
        while !seen.contains("[2/2]"), Date().timeIntervalSince(started) < 120 {
            let chunk = errors.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            seen += String(decoding: chunk, as: UTF8.self)
        }
        #expect(seen.contains("[2/2]"))
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("site/nb.html").path))

        // The second block made short: the first comes from the cache.
        try Self.notebook.replacingOccurrences(of: "epochs=400", with: "epochs=1")
            .write(to: folder.appendingPathComponent("nb.md"), atomically: true, encoding: .utf8)
        let rerun = try NotebookBinary.run(["run", "nb.md"], in: folder)
        #expect(rerun.status == 0, "\(rerun.standardError)")
        #expect(rerun.standardError.contains("[1/2] nb.md:3:1 cached"))
        // The killed run recorded no history, so there is no earlier run to name a change against.
        #expect(rerun.standardError.contains("[2/2] nb.md:10:1\n  epoch 1/1"))
        // No temporary cache file was left behind by the kill.
        let cache = folder.appendingPathComponent(".notebook-cache")
        let leftovers = FileManager.default.enumerator(atPath: cache.path)?.compactMap { $0 as? String }
            .filter { ($0 as NSString).lastPathComponent.hasSuffix(".tmp") } ?? []
        #expect(leftovers.isEmpty, "\(leftovers)")
    }
}
