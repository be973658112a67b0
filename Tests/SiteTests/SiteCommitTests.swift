import Foundation
import NotebookResults
import Publishing
import Site
import Testing

/// Stops the publish step at its Nth file operation. As a failure, the publish cleans up
/// after itself; as a kill, every later operation fails too, so nothing is cleaned up,
/// as when the process dies there (the kernel still releases its locks).
final class InjectedStop: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    private var killed = false
    let stopAt: Int
    let kill: Bool

    init(stopAt: Int, kill: Bool) {
        self.stopAt = stopAt
        self.kill = kill
    }

    var operationCount: Int { lock.withLock { count } }

    var operations: FileOperations {
        FileOperations { [self] operation in
            try lock.withLock {
                if killed { throw FileOperationError(path: operation, reason: "killed earlier") }
                count += 1
                if count == stopAt {
                    killed = kill
                    throw FileOperationError(path: operation, reason: "injected stop")
                }
            }
        }
    }
}

@Suite struct SiteCommitTests {
    func temporaryFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("SiteCommitTests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    /// Every entry under `folder`: files by their bytes, folders and links by what they are.
    func snapshot(_ folder: URL) -> [String: String] {
        var result: [String: String] = [:]
        let files = FileManager.default
        for path in (files.subpaths(atPath: folder.path) ?? []) {
            let url = folder.appendingPathComponent(path)
            if let target = try? files.destinationOfSymbolicLink(atPath: url.path) {
                result[path] = "link → \(target)"
                continue
            }
            var isDirectory: ObjCBool = false
            _ = files.fileExists(atPath: url.path, isDirectory: &isDirectory)
            result[path] = isDirectory.boolValue ? "folder" : String(decoding: files.contents(atPath: url.path) ?? Data(), as: UTF8.self)
        }
        return result
    }

    /// A site as a previous run left it, with files of its user, and an old checkpoint beside it.
    func makeOldSite(in root: URL) throws -> URL {
        let site = root.appendingPathComponent("site")
        try SiteWriter(outputDirectory: site).write(pages: ["a.html": "old a", "b.html": "old b"],
                                                    assets: ["figs/x.png": Data("old x".utf8)])
        try Data("the user's own".utf8).write(to: site.appendingPathComponent("README.md"))
        try FileManager.default.createDirectory(at: site.appendingPathComponent("extra"), withIntermediateDirectories: false)
        try Data("kept".utf8).write(to: site.appendingPathComponent("extra/note.txt"))
        try FileManager.default.createSymbolicLink(atPath: site.appendingPathComponent("latest.html").path,
                                                   withDestinationPath: "a.html")
        try Data("old weights".utf8).write(to: root.appendingPathComponent("w.ckpt"))
        return site
    }

    /// The run being committed: a checkpoint staged during the run, then the site.
    func publish(into site: URL, root: URL, operations: FileOperations) throws {
        let outputs = PendingOutputs(staging: StagingArea(besideSite: site, operations: operations), operations: operations)
        defer { outputs.staging.discard() }
        try outputs.stage(Data("new weights".utf8), for: root.appendingPathComponent("w.ckpt"))
        let lock = try SiteWriter.lock(site, holder: "test", waiting: { _ in })
        defer { lock.release() }
        try SiteWriter(outputDirectory: site, operations: operations)
            .writeHoldingLock(pages: ["a.html": "new a", "b.html": "new b"], assets: ["figs/x.png": Data("new x".utf8)],
                              beforeSwap: { try outputs.commit() })
    }

    /// Names a run may leave while it works; none may ever be inside the site.
    func temporaryNames(in folder: URL) -> [String] {
        (FileManager.default.subpaths(atPath: folder.path) ?? []).filter {
            $0.contains("notebook-staging") || $0.contains("notebook-staged") || $0.contains(".site-tmp-")
                || $0.contains(".tmp") || $0.contains("nosync")
        }
    }

    @Test(arguments: [false, true])
    func aStopAtAnyFileOperationLeavesTheOldSiteOrTheNewOne(kill: Bool) throws {
        // The states to compare with, and the number of operations of a whole publish.
        let reference = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: reference) }
        let referenceSite = try makeOldSite(in: reference)
        let oldSite = snapshot(referenceSite)
        let counter = InjectedStop(stopAt: 0, kill: false)
        try publish(into: referenceSite, root: reference, operations: counter.operations)
        let newSite = snapshot(referenceSite)
        let operationCount = counter.operationCount
        #expect(newSite["a.html"] == "new a" && newSite["README.md"] == "the user's own")
        #expect(newSite["extra/note.txt"] == "kept" && newSite["latest.html"] == "link → a.html")
        #expect(newSite["figs/x.png"] == "new x")
        #expect(operationCount > 10)

        for stop in 1...operationCount {
            let root = try temporaryFolder()
            defer { try? FileManager.default.removeItem(at: root) }
            let site = try makeOldSite(in: root)
            let injected = InjectedStop(stopAt: stop, kill: kill)
            // A stop in the cleanup after the swap is no failure: the run has published.
            let failed = (try? publish(into: site, root: root, operations: injected.operations)) == nil
            let seen = snapshot(site)
            let weights = String(decoding: FileManager.default.contents(atPath: root.appendingPathComponent("w.ckpt").path)!,
                                 as: UTF8.self)
            let isOld = seen == oldSite, isNew = seen == newSite
            #expect(isOld || isNew, "operation \(stop): a mix of the old and the new site")
            // The checkpoint is committed before the site: a new site never comes with old weights.
            if isNew { #expect(weights == "new weights", "operation \(stop)") }
            if failed && !kill { #expect(isOld, "operation \(stop): a failed publish changed the site") }
            if !failed { #expect(isNew, "operation \(stop)") }
            #expect(temporaryNames(in: site).isEmpty, "operation \(stop): \(temporaryNames(in: site))")
            // The next run publishes in full and removes what the stopped one left.
            try publish(into: site, root: root, operations: .system)
            let republished = snapshot(site) == newSite
            #expect(republished, "operation \(stop)")
            #expect(temporaryNames(in: root).isEmpty, "operation \(stop): \(temporaryNames(in: root))")
        }
    }

    @Test func aFirstPublishCreatesTheSiteInOneStep() throws {
        let root = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let site = root.appendingPathComponent("deeper/site")
        let counter = InjectedStop(stopAt: 0, kill: false)
        try SiteWriter(outputDirectory: site, operations: counter.operations).write(pages: ["a.html": "a"])
        for stop in 1...counter.operationCount {
            let injected = InjectedStop(stopAt: stop, kill: true)
            let fresh = root.appendingPathComponent("fresh-\(stop)/site")
            let failed = (try? SiteWriter(outputDirectory: fresh, operations: injected.operations).write(pages: ["a.html": "a"])) == nil
            // No site, or the whole one: never a folder holding part of it.
            let names = (try? FileManager.default.contentsOfDirectory(atPath: fresh.path))?.sorted()
            #expect(names == nil || names == ["a.html", "style.css"], "operation \(stop): \(names ?? [])")
            if !failed { #expect(names == ["a.html", "style.css"]) }
        }
    }

    /// Two runs of different notebooks into one site at once: the lock makes them take
    /// turns, so the index lists both.
    @Test func twoConcurrentPublishesBothReachTheIndex() async throws {
        let root = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let site = root.appendingPathComponent("site")
        for round in 0..<5 {
            let names = ["first\(round)", "second\(round)"]
            try await withThrowingTaskGroup(of: Void.self) { group in
                for name in names {
                    group.addTask {
                        var run = Fixtures.demoRun
                        run.document.path = root.appendingPathComponent("\(name).md").path
                        run.document.images = []
                        try SitePublisher.publish([run], to: site)
                    }
                }
                try await group.waitForAll()
            }
            let manifest = try SiteManifest.read(from: site)
            for name in names {
                #expect(manifest.pages.contains { $0.href == "\(name).html" }, "\(name) is missing from the index")
            }
        }
        #expect(temporaryNames(in: root).isEmpty)
    }
}
