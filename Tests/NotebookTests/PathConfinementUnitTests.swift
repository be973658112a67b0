import Foundation
import NotebookResults
import Testing
import TestSupport

/// The central resolver on its own: links followed as the kernel follows them, the
/// allow-list, and the check again right before a write.
@Suite struct PathConfinementUnitTests {
    func tree() throws -> (root: URL, notebook: URL, outside: URL) {
        let root = URL(fileURLWithPath: try makeTemporaryFolder("confinement-unit").resolvingSymlinksInPath().path)
        let notebook = root.appendingPathComponent("nb"), outside = root.appendingPathComponent("outside")
        for folder in [notebook, outside, notebook.appendingPathComponent("sub")] {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        }
        return (root, notebook, outside)
    }

    @Test func pathsInsideResolveAndPathsOutsideAreRefused() throws {
        let (root, notebook, outside) = try tree()
        defer { try? FileManager.default.removeItem(at: root) }
        let confinement = PathConfinement(notebookFolder: notebook)
        #expect(try confinement.resolve("a.ckpt").realPath == notebook.path + "/a.ckpt")
        #expect(try confinement.resolve("sub/../b.ckpt").realPath == notebook.path + "/b.ckpt")
        #expect(try confinement.resolve("missing/../c.ckpt").realPath == notebook.path + "/c.ckpt")
        #expect(throws: PathConfinementError.self) { try confinement.resolve("../outside/x") }
        #expect(throws: PathConfinementError.self) { try confinement.resolve(outside.path + "/x") }
        #expect(throws: PathConfinementError.self) { try confinement.resolve("sub/../../outside/x") }
        #expect(throws: PathConfinementError.self) { try confinement.resolve("") }
    }

    @Test func linksAreFollowedBeforeJudging() throws {
        let (root, notebook, outside) = try tree()
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createSymbolicLink(atPath: notebook.path + "/out", withDestinationPath: "../outside")
        try FileManager.default.createSymbolicLink(atPath: notebook.path + "/in", withDestinationPath: "sub")
        // `in/..` is the notebook folder, `out/..` the root: the kernel's answer, not the text's.
        let confinement = PathConfinement(notebookFolder: notebook)
        #expect(try confinement.resolve("in/x").realPath == notebook.path + "/sub/x")
        #expect(try confinement.resolve("in/../x").realPath == notebook.path + "/x")
        #expect(throws: PathConfinementError.outside(path: "out/x", realPath: outside.path + "/x", root: notebook.path)) {
            try confinement.resolve("out/x")
        }
        let allowing = PathConfinement(notebookFolder: notebook, allowedOutside: [outside])
        #expect(try allowing.resolve("out/x").realPath == outside.path + "/x")
        #expect(throws: PathConfinementError.self) { try allowing.resolve("out/../elsewhere") }
        try FileManager.default.createSymbolicLink(atPath: notebook.path + "/loop", withDestinationPath: "loop")
        #expect(throws: PathConfinementError.tooManyLinks(path: "loop/x")) { try confinement.resolve("loop/x") }
    }

    @Test func theWriteCheckSeesWhatChangedSinceCompiling() throws {
        let (root, notebook, outside) = try tree()
        defer { try? FileManager.default.removeItem(at: root) }
        let confinement = PathConfinement(notebookFolder: notebook)
        #expect(try confinement.resolveForWriting("sub/a.ckpt").relativePath == "sub/a.ckpt")
        // The folder is swapped for a link outside after the notebook compiled.
        try FileManager.default.removeItem(at: notebook.appendingPathComponent("sub"))
        try FileManager.default.createSymbolicLink(atPath: notebook.path + "/sub", withDestinationPath: outside.path)
        #expect(throws: PathConfinementError.self) { try confinement.resolveForWriting("sub/a.ckpt") }
        #expect(mkfifo(notebook.path + "/pipe", 0o600) == 0)
        #expect(throws: PathConfinementError.notRegularFile(path: "pipe", kind: .fifo)) {
            try confinement.resolveForWriting("pipe")
        }
        #expect(throws: PathConfinementError.missing(path: "none", realPath: notebook.path + "/none")) {
            try confinement.resolveForReading("none")
        }
    }
}
