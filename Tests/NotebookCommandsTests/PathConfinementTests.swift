import Foundation
import NotebookCommands
import Testing
import TestSupport

/// Files a notebook names stay inside its folder tree (after symbolic links are followed)
/// unless `--allow-outside` names their folder, and only regular files are replaced: each
/// refusal is an error at the path's position before anything runs, and nothing outside
/// is touched.
@Suite struct PathConfinementTests {
    /// A notebook folder `nb/` with `notebook` as `nb/vae.md`, a folder `outside/` beside it
    /// holding `victim.ckpt`, and `nb/link` → `outside/`; removed by the caller.
    struct Layout {
        var root: URL
        var notebook: String { root.appendingPathComponent("nb/vae.md").path }
        var outside: URL { root.appendingPathComponent("outside") }
        var victim: URL { outside.appendingPathComponent("victim.ckpt") }
        var site: String { root.appendingPathComponent("site").path }
    }

    static let victimBytes = Data("not a checkpoint, and it must stay so".utf8)

    func layout(saving lines: [String]) throws -> Layout {
        let root = try makeTemporaryFolder("confinement-test")
        let layout = Layout(root: root)
        try FileManager.default.createDirectory(at: root.appendingPathComponent("nb"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: layout.outside, withIntermediateDirectories: true)
        try Self.victimBytes.write(to: layout.victim)
        // An old time, so a rewrite would show even within the same second.
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: 1_000_000_000)],
                                              ofItemAtPath: layout.victim.path)
        try FileManager.default.createSymbolicLink(atPath: root.appendingPathComponent("nb/link").path,
                                                   withDestinationPath: layout.outside.path)
        let text = "# Confined\n\n```swift-vae\nmodel mlp encoder=[8] latent=2 decoder=[8]\n"
            + lines.joined(separator: "\n") + "\n```\n"
        try text.write(toFile: layout.notebook, atomically: true, encoding: .utf8)
        return layout
    }

    /// The outside folder holds exactly the victim, unchanged.
    func expectOutsideUntouched(_ layout: Layout) throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: layout.outside.path)
        #expect(names == ["victim.ckpt"])
        #expect(try Data(contentsOf: layout.victim) == Self.victimBytes)
        let modified = try FileManager.default.attributesOfItem(atPath: layout.victim.path)[.modificationDate] as? Date
        #expect(modified == Date(timeIntervalSince1970: 1_000_000_000))
    }

    /// The folder the test made, resolved as the messages show it (`/tmp` may be a link).
    func real(_ url: URL) -> String { url.resolvingSymlinksInPath().path }

    @Test func savesThroughDotDotAnAbsolutePathAndALinkAreRefusedBeforeRunning() throws {
        let layout = try layout(saving: ["save weights ../outside/victim.ckpt",
                                         "save weights \(layout0Placeholder)",
                                         "save weights link/victim.ckpt"])
        defer { try? FileManager.default.removeItem(at: layout.root) }
        // The absolute path is only known now: write the notebook again with it.
        let text = try String(contentsOfFile: layout.notebook, encoding: .utf8)
            .replacingOccurrences(of: layout0Placeholder, with: layout.victim.path)
        try text.write(toFile: layout.notebook, atomically: true, encoding: .utf8)

        let outcome = NotebookCommand.execute(["run", layout.notebook, "--output", layout.site, "-q", "--no-cache"])
        let folder = real(layout.root.appendingPathComponent("nb")), outside = real(layout.outside)
        #expect(outcome.exitCode == 1)
        #expect(outcome.message == """
            \(layout.notebook):5:14: error: cannot save '../outside/victim.ckpt': it is outside the notebook's folder \(folder); keep the file inside it, or allow its folder with --allow-outside \(outside)
              save weights ../outside/victim.ckpt
                           ^~~~~~~~~~~~~~~~~~~~~~
            \(layout.notebook):6:14: error: cannot save '\(layout.victim.path)': it is outside the notebook's folder \(folder); keep the file inside it, or allow its folder with --allow-outside \(outside)
              save weights \(layout.victim.path)
                           ^\(String(repeating: "~", count: layout.victim.path.count - 1))
            \(layout.notebook):7:14: error: cannot save 'link/victim.ckpt': it is outside the notebook's folder \(folder) (it leads to \(outside)/victim.ckpt); keep the file inside it, or allow its folder with --allow-outside \(outside)
              save weights link/victim.ckpt
                           ^~~~~~~~~~~~~~~~
            3 errors in \(layout.notebook)
            """)
        try expectOutsideUntouched(layout)
        #expect(!FileManager.default.fileExists(atPath: layout.site))
    }

    private let layout0Placeholder = "ABSOLUTE-PATH"

    @Test func aLinkAtTheFinalComponentIsFollowedWhenJudged() throws {
        let layout = try layout(saving: ["save weights escape.ckpt"])
        defer { try? FileManager.default.removeItem(at: layout.root) }
        try FileManager.default.createSymbolicLink(atPath: layout.root.appendingPathComponent("nb/escape.ckpt").path,
                                                   withDestinationPath: layout.victim.path)
        let outcome = NotebookCommand.execute(["run", layout.notebook, "--output", layout.site, "-q", "--no-cache"])
        #expect(outcome.exitCode == 1)
        #expect(outcome.message.contains("vae.md:5:14: error: cannot save 'escape.ckpt': it is outside the notebook's folder"),
                "\(outcome.message)")
        try expectOutsideUntouched(layout)
    }

    @Test func loadingFromOutsideIsRefusedToo() throws {
        let layout = try layout(saving: ["load weights link/victim.ckpt"])
        defer { try? FileManager.default.removeItem(at: layout.root) }
        let outcome = NotebookCommand.execute(["run", layout.notebook, "--output", layout.site, "-q", "--no-cache"])
        #expect(outcome.exitCode == 1)
        #expect(outcome.message.contains("vae.md:5:14: error: cannot load 'link/victim.ckpt': it is outside the notebook's folder"),
                "\(outcome.message)")
    }

    @Test func allowOutsideLetsASaveThroughAndTheFooterSaysSo() throws {
        let layout = try layout(saving: ["save weights ../outside/new.ckpt", "save weights link/linked.ckpt"])
        defer { try? FileManager.default.removeItem(at: layout.root) }
        let outcome = NotebookCommand.execute(["run", layout.notebook, "--output", layout.site, "-q", "--no-cache",
                                               "--allow-outside", layout.outside.path])
        #expect(outcome.exitCode == 0, "\(outcome.message)")
        #expect(FileManager.default.fileExists(atPath: layout.outside.appendingPathComponent("new.ckpt").path))
        #expect(FileManager.default.fileExists(atPath: layout.outside.appendingPathComponent("linked.ckpt").path))
        #expect(try Data(contentsOf: layout.victim) == Self.victimBytes)
        let page = try String(contentsOfFile: layout.site + "/vae.html", encoding: .utf8)
        #expect(page.contains("--allow-outside \(layout.outside.path)"))
    }

    @Test func aDeviceAFIFOAndAFolderAreNeverReplaced() throws {
        let layout = try layout(saving: ["save weights /dev/null", "save weights pipe", "save weights link"])
        defer { try? FileManager.default.removeItem(at: layout.root) }
        #expect(mkfifo(layout.root.appendingPathComponent("nb/pipe").path, 0o600) == 0)
        let outcome = NotebookCommand.execute(["run", layout.notebook, "--output", layout.site, "-q", "--no-cache",
                                               "--allow-outside", "/dev", "--allow-outside", layout.outside.path])
        #expect(outcome.exitCode == 1)
        #expect(outcome.message == """
            \(layout.notebook):5:14: error: cannot save '/dev/null': it is a character device, not a regular file
              save weights /dev/null
                           ^~~~~~~~~
            \(layout.notebook):6:14: error: cannot save 'pipe': it is a FIFO (named pipe), not a regular file
              save weights pipe
                           ^~~~
            \(layout.notebook):7:14: error: cannot save 'link': it is a folder, not a regular file
              save weights link
                           ^~~~
            3 errors in \(layout.notebook)
            """)
        var info = stat()
        #expect(lstat("/dev/null", &info) == 0 && info.st_mode & S_IFMT == S_IFCHR)
    }

    @Test func aFolderThatIsNotThereIsAUsageError() throws {
        let layout = try layout(saving: [])
        defer { try? FileManager.default.removeItem(at: layout.root) }
        let outcome = NotebookCommand.execute(["run", layout.notebook, "--allow-outside", layout.root.path + "/nowhere"])
        #expect(outcome.exitCode == 2)
        #expect(outcome.message.contains("--allow-outside \(layout.root.path)/nowhere: no such folder"), "\(outcome.message)")
    }

    @Test func anImageBehindALinkOutsideIsRefused() throws {
        let layout = try layout(saving: [])
        defer { try? FileManager.default.removeItem(at: layout.root) }
        try Data([0x89, 0x50, 0x4E, 0x47]).write(to: layout.outside.appendingPathComponent("secret.png"))
        let text = "# Image\n\n![a figure](link/secret.png)\n\n```swift-vae\nmodel mlp encoder=[8] latent=2 decoder=[8]\n```\n"
        try text.write(toFile: layout.notebook, atomically: true, encoding: .utf8)
        let outcome = NotebookCommand.execute(["run", layout.notebook, "--output", layout.site, "-q", "--no-cache"])
        #expect(outcome.exitCode == 1)
        #expect(outcome.message.contains("vae.md:3:1: error: cannot publish image 'link/secret.png': it is outside the notebook's folder"),
                "\(outcome.message)")
        let allowed = NotebookCommand.execute(["run", layout.notebook, "--output", layout.site, "-q", "--no-cache",
                                               "--allow-outside", layout.outside.path])
        #expect(allowed.exitCode == 0, "\(allowed.message)")
        #expect(FileManager.default.fileExists(atPath: layout.site + "/link/secret.png"))
    }
}
