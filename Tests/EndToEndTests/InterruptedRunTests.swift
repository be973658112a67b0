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

    /// A small run that saves weights and records itself; `variant` changes its seed and prose.
    static func committing(_ variant: String) -> String {
        """
        # Commit \(variant)

        Prose of the \(variant) run.

        ```swift-vae
        seed \(variant == "old" ? 1 : 2)
        data fashion-mnist train=100 test=50
        model mlp encoder=[8] latent=2 decoder=[8]
        train epochs=1 batch=50
        save weights w.ckpt
        show samples 2
        ```
        """
    }

    /// The site folder, checkpoint and record as they are now: path → bytes.
    static func published(in folder: URL) -> [String: Data] {
        var files: [String: Data] = [:]
        let site = folder.appendingPathComponent("site")
        for path in FileManager.default.subpaths(atPath: site.path) ?? [] {
            files["site/" + path] = FileManager.default.contents(atPath: site.appendingPathComponent(path).path) ?? Data()
        }
        for name in ["w.ckpt", "nb.record.json"] {
            files[name] = FileManager.default.contents(atPath: folder.appendingPathComponent(name).path)
        }
        return files
    }

    /// What no folder may hold once a run is over, and the site never.
    static func temporaryNames(in folder: URL) -> [String] {
        (FileManager.default.subpaths(atPath: folder.path) ?? []).filter {
            !$0.hasPrefix(".notebook-cache") && ($0.contains("notebook-staging") || $0.contains("notebook-staged")
                || $0.contains(".site-tmp-") || $0.hasSuffix(".tmp") || $0.contains("nosync"))
        }
    }

    static let reproducible = ["SOURCE_DATE_EPOCH": "1700000000"]

    /// The real binary killed (SIGKILL from strace) at each rename of its commit and at its
    /// first hard link and folder: the site is the old one or the new one byte for byte, a new
    /// site never comes with the old checkpoint or record, nothing temporary is in the site,
    /// and the next run publishes in full and leaves nothing behind.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/strace")))
    func aKillAtEachStepOfTheCommitLeavesTheOldRunOrTheNew() throws {
        let arguments = ["run", "nb.md", "--record", "--no-cache", "-q"]
        // The new run's files, from a run that is not interrupted.
        let reference = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: reference) }
        try Self.committing("new").write(to: reference.appendingPathComponent("nb.md"), atomically: false, encoding: .utf8)
        let clean = try NotebookBinary.run(arguments, in: reference, environment: Self.reproducible)
        #expect(clean.status == 0, "\(clean.standardError)")
        let newFiles = Self.published(in: reference)
        #expect(newFiles["w.ckpt"] != nil && newFiles["nb.record.json"] != nil && newFiles["site/nb.html"] != nil)

        let kills = ["mkdir:when=4", "link:when=1", "rename:when=1", "rename:when=2", "renameat2:when=1"]
        for kill in kills {
            let syscall = kill.split(separator: ":")[0], when = kill.split(separator: "=")[1]
            let folder = try makeTemporaryFolder()
            defer { try? FileManager.default.removeItem(at: folder) }
            try Self.committing("old").write(to: folder.appendingPathComponent("nb.md"), atomically: false, encoding: .utf8)
            #expect(try NotebookBinary.run(arguments, in: folder, environment: Self.reproducible).status == 0)
            try Data("the user's own\n".utf8).write(to: folder.appendingPathComponent("site/README.md"))
            let oldFiles = Self.published(in: folder)
            var expectedNew = newFiles
            expectedNew["site/README.md"] = oldFiles["site/README.md"]

            try Self.committing("new").write(to: folder.appendingPathComponent("nb.md"), atomically: false, encoding: .utf8)
            let killed = try NotebookBinary.run(
                ["-f", "-qq", "-o", "/dev/null", "-e", "trace=\(syscall)", "-e", "inject=\(syscall):signal=KILL:when=\(when)",
                 NotebookBinary.url.path] + arguments,
                in: folder, executable: "/usr/bin/strace", environment: Self.reproducible)
            #expect(killed.status != 0, "\(kill): the run was not stopped")
            let seen = Self.published(in: folder)
            let seenSite = seen.filter { $0.key.hasPrefix("site/") }
            let oldSite = oldFiles.filter { $0.key.hasPrefix("site/") }, newSite = expectedNew.filter { $0.key.hasPrefix("site/") }
            #expect(seenSite == oldSite || seenSite == newSite, "\(kill): a mix of the old and the new site")
            for name in ["w.ckpt", "nb.record.json"] {
                #expect(seen[name] == oldFiles[name] || seen[name] == newFiles[name], "\(kill): \(name) is neither")
                if seenSite == newSite { #expect(seen[name] == newFiles[name], "\(kill): a new site with the old \(name)") }
            }
            #expect(Self.temporaryNames(in: folder.appendingPathComponent("site")).isEmpty, "\(kill)")

            let rerun = try NotebookBinary.run(arguments, in: folder, environment: Self.reproducible)
            #expect(rerun.status == 0, "\(kill): \(rerun.standardError)")
            #expect(Self.published(in: folder) == expectedNew, "\(kill): the next run did not publish in full")
            #expect(Self.temporaryNames(in: folder).isEmpty, "\(kill): \(Self.temporaryNames(in: folder))")
        }
    }

    /// A run that fails after `save weights` writes nothing: not the checkpoint, not the page,
    /// not the record.
    @Test func aRunFailingAfterSaveWeightsWritesNothing() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Self.committing("old").write(to: folder.appendingPathComponent("nb.md"), atomically: false, encoding: .utf8)
        #expect(try NotebookBinary.run(["run", "nb.md", "--record", "-q"], in: folder).status == 0)
        // A checkpoint whose header is sound (so the notebook compiles) but whose checksum is
        // not: loading it fails only at run time, after the new weights were saved.
        var damaged = try Data(contentsOf: folder.appendingPathComponent("w.ckpt"))
        damaged[damaged.count - 1] ^= 0xFF
        try damaged.write(to: folder.appendingPathComponent("bad.ckpt"))
        let before = Self.published(in: folder)
        try Self.committing("new").replacingOccurrences(of: "save weights w.ckpt", with: "save weights w.ckpt\nload weights bad.ckpt")
            .write(to: folder.appendingPathComponent("nb.md"), atomically: false, encoding: .utf8)
        let failed = try NotebookBinary.run(["run", "nb.md", "--record", "-q"], in: folder)
        #expect(failed.status == 1, "\(failed.standardError)")
        #expect(failed.standardError.contains("bad.ckpt"), "\(failed.standardError)")
        #expect(Self.published(in: folder) == before)
        #expect(Self.temporaryNames(in: folder).isEmpty, "\(Self.temporaryNames(in: folder))")
    }
}
