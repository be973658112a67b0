import Checksums
import Foundation
import Testing
import TestSupport
import VAEEngine

/// Downloads from a local HTTP server on 127.0.0.1 only; no other host is ever contacted.
@Suite struct DatasetDownloadTests {
    /// Four small MNIST-shaped gzip IDX files (3 training and 2 test images of 28 × 28).
    struct Fixture {
        var files: [(name: String, sha256: String)]
        var bodies: [String: [UInt8]]
        var names: [String] { files.map(\.name) }
        var trainLabels: [UInt8] = [0, 7, 9]
        var testLabels: [UInt8] = [3, 1]

        init() throws {
            func images(_ count: Int, seed: Int) -> [UInt8] {
                (0..<(count * 28 * 28)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ seed) }
            }
            let raw: [(String, [UInt8])] = [
                (MNIST.trainImagesFile, IDXFixtures.idx(dimensions: [3, 28, 28], data: images(3, seed: 1))),
                (MNIST.trainLabelsFile, IDXFixtures.idx(dimensions: [3], data: [0, 7, 9])),
                (MNIST.testImagesFile, IDXFixtures.idx(dimensions: [2, 28, 28], data: images(2, seed: 2))),
                (MNIST.testLabelsFile, IDXFixtures.idx(dimensions: [2], data: [3, 1])),
            ]
            files = []
            bodies = [:]
            for (name, bytes) in raw {
                let gzip = try IDXFixtures.gzipped(bytes)
                bodies[name] = gzip
                files.append((name, SHA256.hash(gzip).hex))
            }
        }

        /// Routes serving every file under `prefix` (`/m1/`).
        func routes(under prefix: String) -> [String: LocalHTTPServer.Response] {
            var routes: [String: LocalHTTPServer.Response] = [:]
            for (name, body) in bodies { routes[prefix + name] = .init(body: body) }
            return routes
        }
    }

    /// A fresh cache folder and the `mnist` folder in it.
    private func makeCache() throws -> (cache: URL, folder: URL) {
        let cache = URL(fileURLWithPath: try IDXFixtures.makeFolder(), isDirectory: true)
        return (cache, MNIST.folder(cache: cache))
    }

    private func contents(of folder: URL) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).sorted()
    }

    private func offlineError(_ body: () throws -> Void) -> DownloadError? {
        do {
            try body()
            return nil
        } catch let error as DownloadError {
            return error
        } catch {
            Issue.record("unexpected error type: \(error)")
            return nil
        }
    }

    // MARK: Downloading and the cache

    @Test func downloadSucceedsAndTheDatasetLoads() throws {
        let fixture = try Fixture()
        let server = try LocalHTTPServer(routes: fixture.routes(under: "/m1/"))
        defer { server.stop() }
        let (cache, folder) = try makeCache()
        defer { IDXFixtures.removeFolder(cache.path) }

        let report = try DatasetDownloader.fetch(files: fixture.files, mirrors: [server.url("/m1/")], into: folder)
        #expect(report.downloaded == fixture.names)
        #expect(report.alreadyPresent.isEmpty)
        #expect(report.sources[MNIST.trainImagesFile] == server.url("/m1/" + MNIST.trainImagesFile))
        // Exactly the four files: no temporary file left behind.
        #expect(contents(of: folder) == fixture.names.sorted())
        for name in fixture.names {
            #expect(server.requestCount(path: "/m1/" + name) == 1)
            #expect(try IDXFixtures.read(folder.appendingPathComponent(name).path) == fixture.bodies[name])
        }

        let splits = try MNIST.load(cache: cache, download: false)
        #expect(splits.train.name == "mnist/train")
        #expect(splits.test.name == "mnist/test")
        #expect(splits.train.count == 3 && splits.test.count == 2)
        #expect(splits.train.width == 28 && splits.train.height == 28)
        #expect(splits.train.labels == fixture.trainLabels)
        #expect(splits.test.labels == fixture.testLabels)
        #expect(splits.train.classNames == MNIST.classNames)
        #expect(splits.checksums == Dictionary(uniqueKeysWithValues: fixture.files.map { ($0.name, $0.sha256) }))
    }

    @Test func secondCallMakesNoRequest() throws {
        let fixture = try Fixture()
        let server = try LocalHTTPServer(routes: fixture.routes(under: "/m1/"))
        defer { server.stop() }
        let (cache, folder) = try makeCache()
        defer { IDXFixtures.removeFolder(cache.path) }

        try DatasetDownloader.fetch(files: fixture.files, mirrors: [server.url("/m1/")], into: folder)
        #expect(server.totalRequestCount == 4)
        let again = try DatasetDownloader.fetch(files: fixture.files, mirrors: [server.url("/m1/")], into: folder)
        #expect(server.totalRequestCount == 4)
        #expect(again.alreadyPresent == fixture.names)
        #expect(again.downloaded.isEmpty)
    }

    @Test func corruptFileOnFirstMirrorFallsBackToSecond() throws {
        let fixture = try Fixture()
        var routes = fixture.routes(under: "/m1/").merging(fixture.routes(under: "/m2/")) { a, _ in a }
        var wrong = fixture.bodies[MNIST.trainImagesFile]!
        wrong[wrong.count / 2] ^= 0xFF  // same length, one byte different
        routes["/m1/" + MNIST.trainImagesFile] = .init(body: wrong)
        let server = try LocalHTTPServer(routes: routes)
        defer { server.stop() }
        let (cache, folder) = try makeCache()
        defer { IDXFixtures.removeFolder(cache.path) }

        let report = try DatasetDownloader.fetch(
            files: fixture.files, mirrors: [server.url("/m1/"), server.url("/m2/")], into: folder)
        #expect(report.downloaded == fixture.names)
        #expect(report.sources[MNIST.trainImagesFile] == server.url("/m2/" + MNIST.trainImagesFile))
        #expect(report.sources[MNIST.trainLabelsFile] == server.url("/m1/" + MNIST.trainLabelsFile))
        #expect(server.requestCount(path: "/m1/" + MNIST.trainImagesFile) == 1)
        #expect(server.requestCount(path: "/m2/" + MNIST.trainImagesFile) == 1)
        #expect(server.requestCount(path: "/m2/" + MNIST.trainLabelsFile) == 0)
        #expect(try IDXFixtures.read(folder.appendingPathComponent(MNIST.trainImagesFile).path)
            == fixture.bodies[MNIST.trainImagesFile])
        #expect(contents(of: folder) == fixture.names.sorted())
    }

    @Test func truncatedTransferIsDetectedAndLeavesNothingBehind() throws {
        let fixture = try Fixture()
        var routes = fixture.routes(under: "/m1/").merging(fixture.routes(under: "/m2/")) { a, _ in a }
        routes["/m1/" + MNIST.trainLabelsFile] = .init(body: fixture.bodies[MNIST.trainLabelsFile]!, cutAfter: 10)
        let server = try LocalHTTPServer(routes: routes)
        defer { server.stop() }
        let (cache, folder) = try makeCache()
        defer { IDXFixtures.removeFolder(cache.path) }

        // Only the cutting mirror: the file is missing afterwards, and nothing half-written stays.
        let error = offlineError {
            try DatasetDownloader.fetch(files: fixture.files, mirrors: [server.url("/m1/")], into: folder)
        }
        guard case .offline(let failedFolder, let missing, let attempts)? = error else {
            Issue.record("expected an offline error, got \(String(describing: error))")
            return
        }
        #expect(failedFolder == folder.path)
        #expect(missing == [MNIST.trainLabelsFile])
        #expect(attempts.count == 1)
        #expect(attempts.first?.source == server.url("/m1/" + MNIST.trainLabelsFile).absoluteString)
        let length = fixture.bodies[MNIST.trainLabelsFile]!.count
        #expect(attempts.first?.reason == "truncated transfer: received 10 of \(length) bytes")
        #expect(contents(of: folder) == fixture.names.filter { $0 != MNIST.trainLabelsFile }.sorted())

        // With a second mirror the file comes from there.
        let report = try DatasetDownloader.fetch(
            files: fixture.files, mirrors: [server.url("/m1/"), server.url("/m2/")], into: folder)
        #expect(report.downloaded == [MNIST.trainLabelsFile])
        #expect(report.sources[MNIST.trainLabelsFile] == server.url("/m2/" + MNIST.trainLabelsFile))
        #expect(contents(of: folder) == fixture.names.sorted())
    }

    @Test func cachedFileWithWrongChecksumIsFetchedAgain() throws {
        let fixture = try Fixture()
        let server = try LocalHTTPServer(routes: fixture.routes(under: "/m1/"))
        defer { server.stop() }
        let (cache, folder) = try makeCache()
        defer { IDXFixtures.removeFolder(cache.path) }
        let mirrors = [server.url("/m1/")]
        try DatasetDownloader.fetch(files: fixture.files, mirrors: mirrors, into: folder)

        let labelsPath = folder.appendingPathComponent(MNIST.trainLabelsFile).path
        try IDXFixtures.write(Array("not the labels".utf8), to: labelsPath)
        let report = try DatasetDownloader.fetch(files: fixture.files, mirrors: mirrors, into: folder)
        #expect(report.downloaded == [MNIST.trainLabelsFile])
        #expect(report.alreadyPresent == fixture.names.filter { $0 != MNIST.trainLabelsFile })
        #expect(server.requestCount(path: "/m1/" + MNIST.trainLabelsFile) == 2)
        #expect(try IDXFixtures.read(labelsPath) == fixture.bodies[MNIST.trainLabelsFile])

        // When no mirror has it, the bad copy is reported (and left alone, never used).
        let bad = Array("still not the labels".utf8)
        try IDXFixtures.write(bad, to: labelsPath)
        server.setRoute("/m1/" + MNIST.trainLabelsFile, nil)
        let error = offlineError { try DatasetDownloader.fetch(files: fixture.files, mirrors: mirrors, into: folder) }
        let expectedLabels = fixture.files[1].sha256
        #expect(error == .offline(folder: folder.path, missing: [MNIST.trainLabelsFile], attempts: [
            DownloadAttempt(source: labelsPath,
                            reason: "local copy has the wrong checksum: SHA-256 \(SHA256.hash(bad).hex), expected \(expectedLabels)"),
            DownloadAttempt(source: server.url("/m1/" + MNIST.trainLabelsFile).absoluteString, reason: "HTTP 404 (not found)"),
        ]))
        #expect(try IDXFixtures.read(labelsPath) == bad)
    }

    // MARK: Failures

    @Test func everyMirrorFailingGivesTheOfflineMessage() throws {
        let server = try LocalHTTPServer(routes: [:])  // 404 for everything
        defer { server.stop() }
        let refusing = try RefusingPort()
        let (cache, folder) = try makeCache()
        defer { IDXFixtures.removeFolder(cache.path) }
        let first = server.url("/gone/").absoluteString
        let second = refusing.baseURL.absoluteString

        let error = offlineError {
            _ = try MNIST.load(cache: cache, mirrors: [server.url("/gone/"), refusing.baseURL])
        }
        let names = "train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz"
        let skipped = "not tried (connection refused for train-images-idx3-ubyte.gz)"
        let expected = """
            cannot download \(names) into \(cache.path)/mnist: every mirror failed
              \(first)train-images-idx3-ubyte.gz: HTTP 404 (not found)
              \(second)train-images-idx3-ubyte.gz: connection refused
              \(first)train-labels-idx1-ubyte.gz: HTTP 404 (not found)
              \(second)train-labels-idx1-ubyte.gz: \(skipped)
              \(first)t10k-images-idx3-ubyte.gz: HTTP 404 (not found)
              \(second)t10k-images-idx3-ubyte.gz: \(skipped)
              \(first)t10k-labels-idx1-ubyte.gz: HTTP 404 (not found)
              \(second)t10k-labels-idx1-ubyte.gz: \(skipped)
            to work offline, copy \(names) into \(cache.path)/mnist (or set NOTEBOOK_DATA to a folder whose mnist/ subfolder holds them)
            """
        #expect(error?.description == expected)
        #expect(server.totalRequestCount == 4)
        #expect(contents(of: folder).isEmpty)
    }

    @Test func plainHTTPToAnotherHostIsRefusedWithoutTraffic() throws {
        let fixture = try Fixture()
        let server = try LocalHTTPServer(routes: fixture.routes(under: "/m1/"))
        defer { server.stop() }
        let (cache, folder) = try makeCache()
        defer { IDXFixtures.removeFolder(cache.path) }

        // The refused mirror comes second: nothing at all is fetched, not even from the first.
        let error = offlineError {
            try DatasetDownloader.fetch(
                files: fixture.files, mirrors: [server.url("/m1/"), URL(string: "http://example.com/mnist/")!],
                into: folder)
        }
        #expect(error == .refusedMirror(
            url: "http://example.com/mnist/",
            reason: "plain http is allowed only to a loopback host (127.0.0.1, ::1, localhost); use https"))
        #expect(error?.description.hasPrefix("http://example.com/mnist/: refused mirror: plain http") == true)
        #expect(server.totalRequestCount == 0)
        #expect(!FileManager.default.fileExists(atPath: folder.path))

        #expect(throws: DownloadError.self) { try DatasetDownloader.checkMirror(URL(string: "ftp://127.0.0.1/mnist/")!) }
        #expect(throws: DownloadError.self) { try DatasetDownloader.checkMirror(URL(string: "http://127.0.0.1.example.com/")!) }
        #expect(throws: DownloadError.self) { try DatasetDownloader.checkMirror(URL(string: "http://10.0.0.1/")!) }
        // Checking never touches the network.
        try DatasetDownloader.checkMirror(URL(string: "https://example.com/mnist/")!)
        try DatasetDownloader.checkMirror(URL(string: "http://localhost:8080/")!)
        try DatasetDownloader.checkMirror(URL(string: "http://[::1]:8080/")!)
        for mirror in MNIST.mirrors { try DatasetDownloader.checkMirror(mirror) }
        #expect(DatasetDownloader.isLoopback(host: "127.1.2.3"))
        #expect(!DatasetDownloader.isLoopback(host: "127.0.0.1.nip.io"))
        #expect(!DatasetDownloader.isLoopback(host: "128.0.0.1"))
    }

    @Test func aLocalCopyWithTheWrongChecksumIsNamedNotDownloadedOver() throws {
        let (cache, folder) = try makeCache()
        defer { IDXFixtures.removeFolder(cache.path) }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent(MNIST.trainLabelsFile).path
        let copy = Array("labels from somewhere else".utf8)
        try IDXFixtures.write(copy, to: path)
        let server = try LocalHTTPServer(routes: [:])
        defer { server.stop() }
        #expect(throws: DatasetError.checksumMismatch(
            path: path,
            reason: "not MNIST's file: its SHA-256 is \(SHA256.hash(copy).hex), expected "
                + "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c; delete it to download MNIST again, "
                + "or read your copy with 'data idx train-images=… train-labels=… test-images=… test-labels=…'")) {
            _ = try MNIST.load(cache: cache, mirrors: [server.url("/m/")])
        }
        #expect(server.totalRequestCount == 0)
        #expect(try IDXFixtures.read(path) == copy)
    }

    @Test func missingFilesWithoutDownloadingNameTheCacheFolder() throws {
        let (cache, folder) = try makeCache()
        defer { IDXFixtures.removeFolder(cache.path) }
        do {
            _ = try MNIST.load(cache: cache, download: false)
            Issue.record("expected an error")
        } catch let error as DatasetError {
            guard case .fileNotFound(let path, let reason) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(path == folder.appendingPathComponent(MNIST.trainImagesFile).path)
            #expect(reason.contains("copy train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, "
                + "t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz into \(folder.path) (or set NOTEBOOK_DATA)"))
        }
    }

    // MARK: Settings

    @Test func cacheFolderFollowsTheEnvironment() {
        #expect(DatasetCache.folder(environment: ["NOTEBOOK_DATA": "/data/sets", "XDG_CACHE_HOME": "/x", "HOME": "/home/a"]).path
            == "/data/sets")
        #expect(DatasetCache.folder(environment: ["NOTEBOOK_DATA": "", "XDG_CACHE_HOME": "/x/cache", "HOME": "/home/a"]).path
            == "/x/cache/notebook/datasets")
        #expect(DatasetCache.folder(environment: ["XDG_CACHE_HOME": "relative", "HOME": "/home/a"]).path
            == "/home/a/.cache/notebook/datasets")
        #expect(DatasetCache.folder(environment: ["HOME": "/root"]).path == "/root/.cache/notebook/datasets")
        #expect(MNIST.folder(cache: URL(fileURLWithPath: "/root/.cache/notebook/datasets")).path
            == "/root/.cache/notebook/datasets/mnist")
    }

    @Test func mnistDescribesTheClassicFiles() {
        #expect(MNIST.classNames == (0...9).map(String.init))
        #expect(MNIST.files.map(\.name) == [
            "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
            "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz",
        ])
        for file in MNIST.files {
            #expect(file.sha256.count == 64 && file.sha256.allSatisfy { "0123456789abcdef".contains($0) })
        }
        #expect(MNIST.mirrors.map(\.absoluteString) == [
            "https://ossci-datasets.s3.amazonaws.com/mnist/",
            "https://storage.googleapis.com/cvdf-datasets/mnist/",
        ])
    }
}
