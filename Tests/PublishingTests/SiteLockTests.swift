import Dispatch
import Foundation
import Publishing
import Synchronization
import Testing

/// The site lock leaves nothing beside the site once released, and still lets only one holder
/// in at a time while its file is removed and created again under the waiters.
@Suite struct SiteLockTests {
    func temporaryFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("SiteLockTests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    @Test func releasingRemovesTheLockFile() throws {
        let root = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let site = root.appendingPathComponent("site")
        let lock = try SiteLock.acquire(site: site, holder: "notebook a.md", waiting: { _ in Issue.record("no wait expected") })
        #expect(FileManager.default.fileExists(atPath: SiteLock.lockFile(forSite: site).path))
        lock.release()
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.path).isEmpty)
        // Dropping a lock without releasing it removes the file too.
        do { _ = try SiteLock.acquire(site: site, holder: "notebook b.md", waiting: { _ in }) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.path).isEmpty)
    }

    /// A lock file a killed run left is taken over, and removed by the run that takes it.
    @Test func aLeftoverLockFileIsTakenOverAndRemoved() throws {
        let root = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let site = root.appendingPathComponent("site")
        try Data("pid 2147483646 (notebook gone.md)\n".utf8).write(to: SiteLock.lockFile(forSite: site))
        let lock = try SiteLock.acquire(site: site, holder: "notebook a.md", waiting: { _ in Issue.record("no wait expected") })
        lock.release()
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.path).isEmpty)
    }

    /// Four threads take the lock 200 times in all; each holder removes the file on release
    /// while others wait on it. Never two holders at once, and nothing left at the end.
    @Test func holdersNeverOverlapWhileTheFileComesAndGoes() throws {
        let root = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let site = root.appendingPathComponent("site")
        let inside = Atomic<Int>(0), overlaps = Atomic<Int>(0), failures = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: 4) { worker in
            for round in 0..<50 {
                guard let lock = try? SiteLock.acquire(site: site, holder: "worker \(worker) round \(round)", waiting: { _ in })
                else { failures.add(1, ordering: .relaxed); continue }
                if inside.add(1, ordering: .sequentiallyConsistent).newValue != 1 { overlaps.add(1, ordering: .relaxed) }
                usleep(200)
                inside.subtract(1, ordering: .sequentiallyConsistent)
                lock.release()
            }
        }
        #expect(failures.load(ordering: .relaxed) == 0)
        #expect(overlaps.load(ordering: .relaxed) == 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.path).isEmpty)
    }
}
