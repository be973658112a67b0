import Foundation
import Testing
import TestSupport

/// `notebook build <folder>`: every notebook of a folder into one site, or nothing at all.
@Suite(.serialized) struct BuildCommandTests {
    /// A notebook small enough to train in a second: 300 images, one epoch.
    static func tinyNotebook(title: String, seed: Int) -> String {
        """
        # \(title)

        The \(title.lowercased()) notebook: a few hundred images, one epoch.

        ```swift-vae
        seed \(seed)
        data fashion-mnist train=300 test=100
        model mlp encoder=[32] latent=2 decoder=[32]
        train epochs=1 batch=50 lr=1e-3
        table losses
        show samples 4
        ```
        """
    }

    /// The folder `notebooks/` with two notebooks and a README that is not one.
    func makeNotebookFolder() throws -> URL {
        let folder = try makeTemporaryFolder("notebook-build")
        let notebooks = folder.appendingPathComponent("notebooks")
        try FileManager.default.createDirectory(at: notebooks, withIntermediateDirectories: true)
        try write(Self.tinyNotebook(title: "Alpha", seed: 1), to: notebooks.appendingPathComponent("alpha.md"))
        try write(Self.tinyNotebook(title: "Beta", seed: 2), to: notebooks.appendingPathComponent("beta.md"))
        try write("# Notes\n\nThese notebooks are examples.\n", to: notebooks.appendingPathComponent("README.md"))
        return folder
    }

    func write(_ text: String, to url: URL) throws {
        try text.write(to: url, atomically: true, encoding: .utf8)
    }

    /// Every file of a folder and its sub-folders (a page's exports), relative path → bytes,
    /// to compare a site before and after.
    func contents(of folder: URL) throws -> [String: Data] {
        var files: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) {
            let url = folder.appendingPathComponent(name)
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue {
                for (path, data) in try contents(of: url) { files["\(name)/\(path)"] = data }
            } else {
                files[name] = try Data(contentsOf: url)
            }
        }
        return files
    }

    @Test func buildsEveryNotebookAndAnIndexListingThem() throws {
        let folder = try makeNotebookFolder()
        defer { try? FileManager.default.removeItem(at: folder) }

        let outcome = try NotebookBinary.run(["build", "notebooks", "--output", "site"], in: folder)
        #expect(outcome.status == 0, "stderr: \(outcome.standardError)")
        #expect(outcome.standardError.contains("skipped notebooks/README.md: no swift-vae block"))
        #expect(outcome.standardError.contains("building notebooks/alpha.md (1 of 2)"))
        #expect(outcome.standardError.contains("building notebooks/beta.md (2 of 2)"))

        let site = folder.appendingPathComponent("site")
        let files = try contents(of: site)
        #expect(Set(files.keys.filter { !$0.contains("/") }) == ["alpha.html", "beta.html", "index.html", "style.css", "site.json"])
        // Beside each page, its exports.
        for name in ["alpha/losses.csv", "alpha/metrics.json", "beta/losses.csv", "beta/metrics.json"] {
            #expect(files[name] != nil, "\(name)")
        }
        let alpha = String(decoding: files["alpha.html"] ?? Data(), as: UTF8.self)
        let beta = String(decoding: files["beta.html"] ?? Data(), as: UTF8.self)
        #expect(alpha.contains("<title>Alpha</title>") && alpha.contains("<svg"))
        #expect(beta.contains("<title>Beta</title>") && beta.contains("<svg"))
        // Each page says how to reproduce that page alone.
        #expect(alpha.contains("notebook run notebooks/alpha.md</code>"))
        let index = String(decoding: files["index.html"] ?? Data(), as: UTF8.self)
        #expect(index.contains("href=\"alpha.html\"") && index.contains("href=\"beta.html\""))
        #expect(index.contains("Alpha") && index.contains("The beta notebook"))
    }

    @Test func anInvalidNotebookStopsTheBuildBeforeAnythingRunsOrIsWritten() throws {
        let folder = try makeNotebookFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let first = try NotebookBinary.run(["build", "notebooks", "--output", "site", "--quiet"], in: folder)
        #expect(first.status == 0, "stderr: \(first.standardError)")
        let site = folder.appendingPathComponent("site")
        let before = try contents(of: site)

        let notebooks = folder.appendingPathComponent("notebooks")
        let beta = Self.tinyNotebook(title: "Beta", seed: 2).replacingOccurrences(of: "table losses", with: "tabel losses")
        try write(beta, to: notebooks.appendingPathComponent("beta.md"))
        let gamma = Self.tinyNotebook(title: "Gamma", seed: 3).replacingOccurrences(of: "batch=50", with: "bach=50")
        try write(gamma, to: notebooks.appendingPathComponent("gamma.md"))

        let outcome = try NotebookBinary.run(["build", "notebooks", "--output", "site"], in: folder)
        #expect(outcome.status == 1)
        // Every notebook's errors at once, each at its place in its file.
        #expect(outcome.standardError.contains("notebooks/beta.md:10:1: error: unknown command 'tabel' (did you mean 'table'?)"))
        #expect(outcome.standardError.contains("notebooks/gamma.md:9:16: error: unknown option 'bach'"))
        #expect(outcome.standardError.contains("2 of 3 notebooks have errors"))
        // Nothing ran: every notebook was checked first.
        #expect(!outcome.standardError.contains("building"))
        #expect(try contents(of: site) == before)
    }

    /// Offline, a notebook of MNIST (not on this machine) stops the build before any other
    /// notebook trains, at its `data` line, with the advice to copy the files.
    @Test func aDatasetThatCannotBeFetchedStopsTheBuildBeforeAnythingTrains() throws {
        let folder = try makeNotebookFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let mnist = Self.tinyNotebook(title: "Gamma", seed: 3).replacingOccurrences(of: "data fashion-mnist", with: "data mnist")
        try write(mnist, to: folder.appendingPathComponent("notebooks/gamma.md"))
        // An empty download cache, and a mirror on the loopback interface that refuses at once.
        let data = folder.appendingPathComponent("data")
        let outcome = try NotebookBinary.run(["build", "notebooks", "--output", "site"], in: folder,
                                             environment: ["NOTEBOOK_DATA": data.path,
                                                           "NOTEBOOK_MNIST_MIRROR": "http://127.0.0.1:9/"])
        #expect(outcome.status == 1)
        #expect(outcome.standardError.contains("notebooks/gamma.md:7:1: error: cannot download train-images-idx3-ubyte.gz"),
                "\(outcome.standardError)")
        #expect(outcome.standardError.contains("to work offline, copy train-images-idx3-ubyte.gz"))
        #expect(outcome.standardError.contains("1 of 3 notebooks has errors; nothing was run"))
        #expect(!outcome.standardError.contains("building"))
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("site").path))
    }

    @Test func aMissingOrEmptyFolderIsAUsageError() throws {
        let folder = try makeTemporaryFolder("notebook-build")
        defer { try? FileManager.default.removeItem(at: folder) }
        let missing = try NotebookBinary.run(["build", "nowhere"], in: folder)
        #expect(missing.status == 2)
        #expect(missing.standardError.contains("nowhere: error: no such folder"))

        let empty = folder.appendingPathComponent("empty")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        try write("# Only prose\n", to: empty.appendingPathComponent("README.md"))
        let noNotebooks = try NotebookBinary.run(["build", "empty"], in: folder)
        #expect(noNotebooks.status == 2)
        #expect(noNotebooks.standardError.contains("empty: error: no notebooks here"))

        let file = try NotebookBinary.run(["build", "empty/README.md"], in: folder)
        #expect(file.status == 2)
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("site").path))
    }
}
