import Foundation
import Notebook
import Testing
import TestSupport

/// The cache touches nothing it did not make and serves nothing it did not compute: links,
/// user files, forged, rotated and re-aimed entries, entries of another key, and caches of
/// the previous version, each tried as an attacker or an unlucky user would.
@Suite(.serialized) struct CacheTrustTests {
    typealias Run = NotebookCacheTests

    /// A folder with `victim.txt`, a file named like a cache key, and a sub-folder: what a
    /// link inside the cache might lead to.
    static func victimFolder(in folder: URL) throws -> URL {
        let victim = folder.appendingPathComponent("victim")
        try FileManager.default.createDirectory(at: victim.appendingPathComponent("figs"), withIntermediateDirectories: true)
        try Data("keep me".utf8).write(to: victim.appendingPathComponent("victim.txt"))
        try Data("keep me too".utf8).write(to: victim.appendingPathComponent(String(repeating: "c", count: 64)))
        try Data("<svg/>".utf8).write(to: victim.appendingPathComponent("figs/a.svg"))
        return victim
    }

    static func contents(of folder: URL) throws -> [String: Data] { try filesWithBytes(under: folder) }

    // MARK: - The folder

    @Test(arguments: ["blobs", "runs", "outputs", "snapshots"])
    func aLinkedSubFolderIsNeitherFollowedNorEmptied(kind: String) throws {
        let (folder, path) = try Run().folderWith(Run.small)
        defer { try? FileManager.default.removeItem(at: folder) }
        let victim = try Self.victimFolder(in: folder)
        let before = try Self.contents(of: victim)
        let cache = folder.appendingPathComponent("cache")
        _ = try NotebookCache(folder: cache, authentication: .forTests)
        try FileManager.default.createSymbolicLink(at: cache.appendingPathComponent(kind), withDestinationURL: victim)
        let cold = try Run.run(path, cache: nil)
        let first = try Run.run(path, cache: cache)
        let second = try Run.run(path, cache: cache, overrides: ["epochs": "2"])
        _ = try NotebookCache(folder: cache, authentication: .forTests).clean(notebook: path)
        #expect(try Self.contents(of: victim) == before)
        #expect(first.record == cold.record)
        #expect(first.lines.contains { $0.contains("\(kind) is a link or a file, not a folder the cache made") })
        #expect(second.lines.filter { $0.contains("is a link or a file") }.count == 1)
    }

    @Test func filesTheCacheDidNotMakeStayInIt() throws {
        let (folder, path) = try Run().folderWith(Run.small)
        defer { try? FileManager.default.removeItem(at: folder) }
        let cacheFolder = folder.appendingPathComponent("cache")
        let cache = try NotebookCache(folder: cacheFolder, authentication: .forTests)
        let strangers = ["outputs/results.csv", "outputs/figs/a.svg", "blobs/notes.txt",
                         "snapshots/" + String(repeating: "A", count: 64), "runs/list.json"]
        for name in strangers {
            let url = cacheFolder.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(name.utf8).write(to: url)
        }
        // A folder named like an entry: pruning removes only regular files.
        let entryNamedFolder = cacheFolder.appendingPathComponent("outputs/" + String(repeating: "d", count: 64))
        try FileManager.default.createDirectory(at: entryNamedFolder, withIntermediateDirectories: true)
        for epochs in 1...4 { _ = try Run.run(path, cache: cacheFolder, overrides: ["epochs": String(epochs)]) }
        cache.clean(notebook: path)
        for name in strangers {
            #expect(try Data(contentsOf: cacheFolder.appendingPathComponent(name)) == Data(name.utf8), "\(name)")
        }
        #expect(FileManager.default.fileExists(atPath: entryNamedFolder.path))
        #expect(cache.entrySizes().isEmpty)
    }

    @Test func aFolderTheToolDidNotMakeIsRefused() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        // A user's project folder, as with `--cache proj`.
        let project = folder.appendingPathComponent("proj")
        try FileManager.default.createDirectory(at: project.appendingPathComponent("outputs/figs"), withIntermediateDirectories: true)
        try Data("a,b\n".utf8).write(to: project.appendingPathComponent("outputs/results.csv"))
        let before = try Self.contents(of: project)
        #expect {
            _ = try NotebookCache(folder: project, authentication: .forTests)
        } throws: { error in
            guard case CacheFolderError.foreign(let path, let reason) = error else { return false }
            return path == project.path && reason == "it is not empty and has no CACHEDIR.TAG"
        }
        #expect(try Self.contents(of: project) == before)
        #expect(!FileManager.default.fileExists(atPath: project.appendingPathComponent("CACHEDIR.TAG").path))

        // Another program's cache (cargo, say) carries a CACHEDIR.TAG too.
        let other = folder.appendingPathComponent("target")
        try FileManager.default.createDirectory(at: other, withIntermediateDirectories: true)
        try Data("Signature: 8a477f597d28d172789f06886806bc55\n# cargo\n".utf8)
            .write(to: other.appendingPathComponent("CACHEDIR.TAG"))
        #expect(throws: CacheFolderError.foreign(path: other.path, reason: "its CACHEDIR.TAG is another program's")) {
            _ = try NotebookCache(folder: other, authentication: .forTests)
        }

        // A link to a folder, even to an empty one or a real cache.
        let real = folder.appendingPathComponent("real-cache")
        _ = try NotebookCache(folder: real, authentication: .forTests)
        let link = folder.appendingPathComponent(".notebook-cache")
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: real)
        #expect(throws: CacheFolderError.link(path: link.path)) {
            _ = try NotebookCache(folder: link, authentication: .forTests)
        }
        // A file.
        let file = folder.appendingPathComponent("file")
        try Data().write(to: file)
        #expect(throws: CacheFolderError.notAFolder(path: file.path)) {
            _ = try NotebookCache(folder: file, authentication: .forTests)
        }
        // An empty folder is made a cache.
        let empty = folder.appendingPathComponent("empty")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        _ = try NotebookCache(folder: empty, authentication: .forTests)
        let marker = try String(contentsOf: empty.appendingPathComponent("CACHEDIR.TAG"), encoding: .utf8)
        #expect(marker.hasPrefix("Signature: 8a477f597d28d172789f06886806bc55\n"))
        #expect(marker.contains("a cache made by notebook (notebook-cache/"))
    }

    @Test func aCacheOfThePreviousVersionIsAdopted() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let cache = folder.appendingPathComponent(".notebook-cache")
        let key = String(repeating: "e", count: 64)
        let old = ["outputs/\(key)", "snapshots/\(key)", "continuations/\(key)", "blobs/\(key)", "runs/\(key).json",
                   "outputs/.\(key).4242.tmp", "runs/.\(key).json.4242.tmp"]
        for name in old {
            let url = cache.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data("notebook-cache-entry/1 outputs\n".utf8).write(to: url)
        }
        _ = try NotebookCache(folder: cache, authentication: .forTests)
        #expect(FileManager.default.fileExists(atPath: cache.appendingPathComponent("CACHEDIR.TAG").path))
        for name in old { #expect(!FileManager.default.fileExists(atPath: cache.appendingPathComponent(name).path), "\(name)") }

        // One file of another name, and it is not a cache of the previous version.
        let mixed = folder.appendingPathComponent("mixed")
        try FileManager.default.createDirectory(at: mixed.appendingPathComponent("outputs"), withIntermediateDirectories: true)
        try Data().write(to: mixed.appendingPathComponent("outputs/\(key)"))
        try Data().write(to: mixed.appendingPathComponent("outputs/report.csv"))
        #expect(throws: CacheFolderError.self) { _ = try NotebookCache(folder: mixed, authentication: .forTests) }
        #expect(FileManager.default.fileExists(atPath: mixed.appendingPathComponent("outputs/\(key)").path))
    }

    @Test func processesMakingOneCacheAtOnceAllSucceed() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        for attempt in 0..<20 {
            let cache = folder.appendingPathComponent("cache-\(attempt)/nested")
            let failures = Failures()
            DispatchQueue.concurrentPerform(iterations: 8) { _ in
                do { _ = try NotebookCache(folder: cache, authentication: .forTests) } catch { failures.add("\(error)") }
            }
            #expect(failures.all.isEmpty)
            let names = try FileManager.default.contentsOfDirectory(atPath: cache.path)
            #expect(names == ["CACHEDIR.TAG"])
        }
    }

    final class Failures: @unchecked Sendable {
        private(set) var all: [String] = []
        private let lock = NSLock()
        func add(_ failure: String) { lock.withLock { all.append(failure) } }
    }

    // MARK: - Entries

    @Test func aReplayWritesOnlyTheFilesTheCommandNames() throws {
        let (folder, path) = try Run().folderWith(Run.small)
        defer { try? FileManager.default.removeItem(at: folder) }
        let cache = folder.appendingPathComponent("cache")
        let first = try Run.run(path, cache: cache)
        let notebookBytes = try Data(contentsOf: URL(fileURLWithPath: path))
        let blob = try #require(try CacheEntryEditor.entries("blobs", in: cache).first).lastPathComponent
        let listing = #"[{"digest":"\#(blob)","path":"nb.md"},{"digest":"\#(blob)","path":".git\/hooks\/pre-commit"}]"#
        for seal in [CacheEntryEditor.Seal.sha256, .testKey] {
            var forged = 0
            for url in try CacheEntryEditor.entries("outputs", in: cache) {
                let edited = try CacheEntryEditor.editHeader(url, seal: seal) { header in
                    header.replacingOccurrences(of: #""files":\[[^\]]*\]"#, with: #""files":\#(listing)"#,
                                                options: .regularExpression)
                }
                if edited { forged += 1 }
            }
            #expect(forged > 0)
            let second = try Run.run(path, cache: cache)
            #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == notebookBytes)
            #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent(".git").path))
            #expect(second.record == first.record)
            switch seal {
            case .sha256: #expect(second.lines.contains { $0.contains("is damaged or was changed outside notebook") })
            case .testKey: #expect(second.lines.contains { $0.contains("lists other files than") })
            }
        }
    }

    @Test func entriesRenamedAmongThemselvesAreMisses() throws {
        let (folder, path) = try Run().folderWith(Run.small)
        defer { try? FileManager.default.removeItem(at: folder) }
        let cache = folder.appendingPathComponent("cache")
        let first = try Run.run(path, cache: cache)
        for kind in ["outputs", "snapshots"] {
            let entries = try CacheEntryEditor.entries(kind, in: cache)
            #expect(entries.count >= 2)
            // Each entry takes the next one's name, no byte changed.
            let moved = entries.map { $0.appendingPathExtension("moving") }
            for (entry, temporary) in zip(entries, moved) { try FileManager.default.moveItem(at: entry, to: temporary) }
            for (index, temporary) in moved.enumerated() {
                try FileManager.default.moveItem(at: temporary, to: entries[(index + 1) % entries.count])
            }
        }
        let second = try Run.run(path, cache: cache)
        #expect(second.blockStates == ["runs", "runs", "runs", "runs"])
        #expect(second.lines.contains { $0.contains("cannot be used (it holds outputs/") })
        #expect(second.record == first.record)
    }

    @Test func aSnapshotOfWeightsThatAreNotFiniteIsAMiss() throws {
        let (folder, path) = try Run().folderWith(Run.small)
        defer { try? FileManager.default.removeItem(at: folder) }
        let cache = folder.appendingPathComponent("cache")
        let first = try Run.run(path, cache: cache)
        for seal in [CacheEntryEditor.Seal.sha256, .testKey] {
            var poisoned = 0
            for url in try CacheEntryEditor.entries("snapshots", in: cache) {
                var entry = try CacheEntryEditor.parts(of: url)
                guard !entry.floats.isEmpty else { continue }
                entry.floats = entry.floats.map { _ in .nan }
                try CacheEntryEditor.write(entry, to: url, seal: seal)
                poisoned += 1
            }
            #expect(poisoned >= 2)
            let second = try Run.run(path, cache: cache)
            #expect(second.record == first.record)
            switch seal {
            case .sha256: #expect(second.lines.contains { $0.contains("is damaged or was changed outside notebook") })
            case .testKey: #expect(second.lines.contains { $0.hasPrefix("warning: cache entry snapshots/") && $0.contains("inconsistent") })
            }
        }
    }

    @Test func aContinuationAimedAtAnotherSnapshotIsAMiss() throws {
        let (folder, path) = try Run().folderWith(Run.small)
        defer { try? FileManager.default.removeItem(at: folder) }
        let cache = folder.appendingPathComponent("cache")
        _ = try Run.run(path, cache: cache, overrides: ["epochs": "1"])
        // The snapshot right after `model`: a model that has not trained.
        let untrained = try #require(try CacheEntryEditor.entries("snapshots", in: cache).first { url in
            let header = String(decoding: try CacheEntryEditor.parts(of: url).header, as: UTF8.self)
            return header.contains(#""completedSteps":0"#) && header.contains(#""name":"#)
        }).lastPathComponent
        let continuations = try CacheEntryEditor.entries("continuations", in: cache)
        #expect(continuations.count == 1)
        for url in continuations {
            #expect(try CacheEntryEditor.editHeader(url) { header in
                header.replacingOccurrences(of: #""snapshot":"[0-9a-f]{64}""#, with: #""snapshot":"\#(untrained)""#,
                                            options: .regularExpression)
            })
        }
        let aimed = try Run.run(path, cache: cache, overrides: ["epochs": "2"])
        let cold = try Run.run(path, cache: nil, overrides: ["epochs": "2"])
        #expect(!aimed.lines.contains { $0.contains("continues the cached run") })
        #expect(aimed.lines.contains { $0.contains("points at a snapshot of other training") })
        #expect(aimed.record == cold.record)
    }

    @Test func entriesOfAnotherKeyAreMissesReportedOnce() throws {
        let (folder, path) = try Run().folderWith(Run.small)
        defer { try? FileManager.default.removeItem(at: folder) }
        let cacheFolder = folder.appendingPathComponent("cache")
        let first = try Run.run(path, cache: cacheFolder)
        let other = try #require(CacheAuthenticationKey(hex: String(repeating: "17", count: 40)))
        let lines = Run.LineCollector()
        let program = try NotebookSource.compile(path)
        let options = ExecutionOptions(cache: try NotebookCache(folder: cacheFolder, authentication: other,
                                                                warn: { lines.append($0) }))
        let result = try Executor(program: program, options: options, progress: ProgressReporter(style: .quiet)).run()
        #expect(lines.lines.filter { $0.contains("made with another cache key") }.count == 1)
        #expect(lines.lines.count == 1)
        #expect(result.results.map(\.outputs) == first.result.results.map(\.outputs))
    }

    @Test func aLinkOrAFIFOInPlaceOfAnEntryIsNeverOpened() throws {
        let (folder, path) = try Run().folderWith(Run.small)
        defer { try? FileManager.default.removeItem(at: folder) }
        let cache = folder.appendingPathComponent("cache")
        let first = try Run.run(path, cache: cache)
        let outputs = try CacheEntryEditor.entries("outputs", in: cache)
        let snapshots = try CacheEntryEditor.entries("snapshots", in: cache)
        // A FIFO would block a reader that opened it; a link would be read through.
        for url in outputs {
            try FileManager.default.removeItem(at: url)
            #expect(mkfifo(url.path, 0o644) == 0)
        }
        let aside = folder.appendingPathComponent("aside")
        try FileManager.default.createDirectory(at: aside, withIntermediateDirectories: true)
        for url in snapshots {
            let moved = aside.appendingPathComponent(url.lastPathComponent)
            try FileManager.default.moveItem(at: url, to: moved)
            try FileManager.default.createSymbolicLink(at: url, withDestinationURL: moved)
        }
        let asideBefore = try Self.contents(of: aside)
        let second = try Run.run(path, cache: cache)
        #expect(second.record == first.record)
        #expect(second.lines.contains { $0.contains("is not a regular file") })
        // What the links led to is untouched; the entries computed again took their names.
        #expect(try Self.contents(of: aside) == asideBefore)
        var status = stat()
        #expect(lstat(outputs[0].path, &status) == 0 && (status.st_mode & S_IFMT) == S_IFREG)
    }
}
