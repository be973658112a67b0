import Foundation
import Publishing
import Testing

@Suite struct PendingOutputsTests {
    func temporaryFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("PendingOutputsTests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    func names(_ folder: URL) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).sorted()
    }

    @Test func aStagedFileIsReadBackAndWrittenOnlyAtTheCommit() throws {
        let root = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let destination = root.appendingPathComponent("vae.ckpt")
        try Data("old".utf8).write(to: destination)
        let outputs = PendingOutputs(staging: StagingArea(besideSite: root.appendingPathComponent("site")))
        try outputs.stage(Data("first".utf8), for: destination)
        try outputs.stage(Data("second".utf8), for: destination)
        // Until the commit the destination is untouched; the run reads what it staged last.
        #expect(FileManager.default.contents(atPath: destination.path) == Data("old".utf8))
        #expect(FileManager.default.contents(atPath: outputs.readableFile(for: destination).path) == Data("second".utf8))
        try outputs.commit()
        #expect(FileManager.default.contents(atPath: destination.path) == Data("second".utf8))
        outputs.staging.discard()
        #expect(names(root) == ["vae.ckpt"])
    }

    @Test func aDiscardedRunWritesNothing() throws {
        let root = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let outputs = PendingOutputs(staging: StagingArea(besideSite: root.appendingPathComponent("site")))
        try outputs.stage(for: root.appendingPathComponent("a.bin")) { url in
            try Data("a".utf8).write(to: url)
        }
        outputs.discard()
        outputs.staging.discard()
        #expect(names(root).isEmpty)
    }

    @Test func staleStagingOfAnEndedRunIsRemovedAndALiveOneKept() throws {
        let root = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let site = root.appendingPathComponent("site")
        // A live run's staging (its owner lock is held by `live`).
        let live = StagingArea(besideSite: site)
        let liveFolder = try live.folder()
        // An ended run's: no owner lock held, and one whose run died before taking it.
        let ended = root.appendingPathComponent(".site.notebook-staging-999999-dead")
        try FileManager.default.createDirectory(at: ended.appendingPathComponent("x"), withIntermediateDirectories: true)
        try Data().write(to: ended.appendingPathComponent("owner"))
        let early = root.appendingPathComponent(".site.notebook-staging-2147483646-dead")
        try FileManager.default.createDirectory(at: early, withIntermediateDirectories: true)
        // A checkpoint a killed run was copying beside its destination.
        try Data("half".utf8).write(to: root.appendingPathComponent(".vae.ckpt.notebook-staged-2147483646-abcd"))

        StagingArea(besideSite: site).removeStale()
        StagingArea.removeStaleBesideFiles(in: root)
        #expect(names(root) == [liveFolder.lastPathComponent])
        live.discard()
        #expect(names(root).isEmpty)
    }

    @Test func aSecondHolderOfTheSiteLockWaitsAndSaysForWhom() async throws {
        let root = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let site = root.appendingPathComponent("site")
        let first = try SiteLock.acquire(site: site, holder: "notebook a.md", waiting: { _ in Issue.record("no wait expected") })
        let told = Told()
        let second = Task.detached {
            let lock = try SiteLock.acquire(site: site, holder: "notebook b.md", waiting: { told.set($0) })
            lock.release()
        }
        // The second one blocks until the first releases; release once it has said whom it waits for.
        while told.value == nil { try await Task.sleep(nanoseconds: 1_000_000) }
        first.release()
        try await second.value
        #expect(told.value == "waiting for the run of pid \(ProcessInfo.processInfo.processIdentifier) (notebook a.md) "
                + "that holds the site folder \(site.relativePath)")
    }
}

/// The waiting message, handed between threads.
final class Told: @unchecked Sendable {
    private let lock = NSLock()
    private var text: String?
    var value: String? { lock.withLock { text } }
    func set(_ value: String) { lock.withLock { text = value } }
}
