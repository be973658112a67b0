import Foundation
import Testing
import TestSupport

/// Every command refuses a cache folder the tool did not make, and a run goes on without
/// the cache when there is no key to sign it with: the built binary, as a user runs it.
@Suite(.serialized) struct CacheFolderCommandTests {
    static let notebook = """
        # Tiny

        ```swift-vae
        seed 3
        data fashion-mnist train=200 test=100
        model mlp encoder=[16] latent=2 decoder=[16]
        train epochs=1 batch=50 lr=1e-3
        table losses
        ```
        """

    static let key = ["NOTEBOOK_CACHE_KEY": String(repeating: "9e", count: 32)]

    func project() throws -> (folder: URL, notebook: String) {
        let folder = try makeTemporaryFolder("cache-folder-commands")
        try Self.notebook.write(to: folder.appendingPathComponent("nb.md"), atomically: true, encoding: .utf8)
        return (folder, folder.appendingPathComponent("nb.md").path)
    }

    func contents(of folder: URL) throws -> [String: Data] { try filesWithBytes(under: folder) }

    @Test func everyCommandRefusesAUserFolderAsItsCache() throws {
        let (folder, notebook) = try project()
        defer { try? FileManager.default.removeItem(at: folder) }
        // `--cache proj` where proj is the user's own folder.
        let user = folder.appendingPathComponent("proj")
        try FileManager.default.createDirectory(at: user.appendingPathComponent("outputs/figs"), withIntermediateDirectories: true)
        try Data("a,b\n1,2\n".utf8).write(to: user.appendingPathComponent("outputs/results.csv"))
        try Data("<svg/>".utf8).write(to: user.appendingPathComponent("outputs/figs/a.svg"))
        try Data("x".utf8).write(to: user.appendingPathComponent("blobs"))
        let before = try contents(of: user)
        // `check` needs a record first; it is made without any cache.
        let recorded = try NotebookBinary.run(["run", notebook, "--record", "--no-cache", "-q", "--output", "recorded"],
                                              in: folder)
        #expect(recorded.status == 0, "\(recorded.standardError)")
        let invocations: [([String], [String: String])] = [
            (["run", notebook, "--cache", user.path, "-q"], [:]),
            (["check", notebook, "--cache", user.path, "-q"], [:]),
            (["build", folder.path, "--cache", user.path, "-q"], [:]),
            (["clean", notebook, "--cache", user.path], [:]),
            (["run", notebook, "-q"], ["NOTEBOOK_CACHE": user.path]),
            (["clean", notebook], ["NOTEBOOK_CACHE": user.path]),
        ]
        for (arguments, environment) in invocations {
            let outcome = try NotebookBinary.run(arguments, in: folder, environment: Self.key.merging(environment) { $1 })
            #expect(outcome.status == 2, "\(arguments)")
            #expect(outcome.standardError.contains("\(user.path) is not a notebook cache (it is not empty and has no CACHEDIR.TAG)"),
                    "\(arguments): \(outcome.standardError)")
            #expect(outcome.standardError.contains("--cache DIR"))
            #expect(outcome.standardError.hasPrefix("error: "), "\(outcome.standardError)")
        }
        // The preview stops before it serves anything (bounded, so a preview that serves fails the test).
        let preview = Process()
        preview.executableURL = NotebookBinary.url
        preview.arguments = ["preview", notebook, "--cache", user.path, "--port", "0"]
        preview.currentDirectoryURL = folder
        preview.environment = ProcessInfo.processInfo.environment.merging(Self.key) { $1 }
        let errors = Pipe()
        preview.standardError = errors
        preview.standardOutput = FileHandle.nullDevice
        try preview.run()
        let deadline = Date().addingTimeInterval(60)
        while preview.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if preview.isRunning { preview.terminate() }
        preview.waitUntilExit()
        #expect(preview.terminationStatus == 2)
        #expect(String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                    .contains("is not a notebook cache"))
        #expect(try contents(of: user) == before)
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("site").path))
    }

    @Test func aCacheFolderThatIsALinkIsRefused() throws {
        let (folder, notebook) = try project()
        defer { try? FileManager.default.removeItem(at: folder) }
        // A cloned repository can carry a `.notebook-cache` link to anywhere.
        let elsewhere = folder.appendingPathComponent("elsewhere")
        try FileManager.default.createDirectory(at: elsewhere, withIntermediateDirectories: true)
        try Data("mine".utf8).write(to: elsewhere.appendingPathComponent("notes.txt"))
        let link = folder.appendingPathComponent(".notebook-cache")
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: elsewhere)
        for arguments in [["run", notebook, "-q"], ["clean", notebook]] {
            let outcome = try NotebookBinary.run(arguments, in: folder, environment: Self.key)
            #expect(outcome.status == 2, "\(arguments)")
            #expect(outcome.standardError.contains("the cache folder \(link.path) is a symbolic link"), "\(outcome.standardError)")
        }
        #expect(try contents(of: elsewhere) == ["notes.txt": Data("mine".utf8)])
    }

    @Test func aMalformedKeyIsAUsageError() throws {
        let (folder, notebook) = try project()
        defer { try? FileManager.default.removeItem(at: folder) }
        let outcome = try NotebookBinary.run(["run", notebook, "-q"], in: folder,
                                             environment: ["NOTEBOOK_CACHE_KEY": "0123456789abcdef"])
        #expect(outcome.status == 2)
        #expect(outcome.standardError.contains("NOTEBOOK_CACHE_KEY must be at least 32 bytes"))
        // The key itself is never echoed.
        #expect(!outcome.standardError.contains("0123456789abcdef"))
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("site").path))
    }

    @Test func withoutAReadableKeyARunGoesOnWithoutTheCache() throws {
        let (folder, notebook) = try project()
        defer { try? FileManager.default.removeItem(at: folder) }
        // The config folder cannot be made: its parent is a file.
        let blocker = folder.appendingPathComponent("not-a-folder")
        try Data().write(to: blocker)
        let environment = ["XDG_CONFIG_HOME": blocker.path, "HOME": blocker.path]
        let outcome = try NotebookBinary.run(["run", notebook, "-q"], in: folder, environment: environment)
        #expect(outcome.status == 0, "\(outcome.standardError)")
        let warnings = outcome.standardError.split(separator: "\n").filter { $0.hasPrefix("warning:") }
        #expect(warnings.count == 1)
        #expect(warnings.first?.hasSuffix("running without the cache") == true, "\(warnings)")
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("site/nb.html").path))
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent(".notebook-cache").path))
    }

    @Test func theKeyFileIsMadeOnFirstUseAndTheCacheIsUsedNextTime() throws {
        let (folder, notebook) = try project()
        defer { try? FileManager.default.removeItem(at: folder) }
        let environment = ["XDG_CONFIG_HOME": folder.appendingPathComponent("config").path]
        let first = try NotebookBinary.run(["run", notebook], in: folder, environment: environment)
        #expect(first.status == 0, "\(first.standardError)")
        let key = folder.appendingPathComponent("config/notebook/cache-key")
        let mode = try FileManager.default.attributesOfItem(atPath: key.path)[.posixPermissions] as? NSNumber
        #expect(mode?.intValue == 0o600)
        let second = try NotebookBinary.run(["run", notebook], in: folder, environment: environment)
        #expect(second.status == 0)
        #expect(second.standardError.contains("cached"), "\(second.standardError)")
        // Another user's key (here: a new one) reads none of it, and says so once.
        let other = try NotebookBinary.run(["run", notebook], in: folder, environment: Self.key)
        #expect(other.status == 0)
        #expect(other.standardError.components(separatedBy: "made with another cache key").count == 2, "\(other.standardError)")
        // The marker is the only file at the top of the cache besides its own folders.
        let top = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent(".notebook-cache").path)
        #expect(Set(top).isSubset(of: ["CACHEDIR.TAG", "outputs", "snapshots", "continuations", "blobs", "runs"]))
    }
}
