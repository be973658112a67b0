import Foundation
import Notebook
import Testing
import TestSupport
import TextSnapshots

/// The canonical form of a command is the language's own: schema name and the arguments not at
/// their default, in schema order. Cache keys hash it, so it must not move with Swift names.
@Suite struct CanonicalCommandTests {
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func canonical(_ lines: String) throws -> [String] {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("nb.md").path
        try "```swift-vae\n\(lines)\n```\n".write(toFile: path, atomically: true, encoding: .utf8)
        return try NotebookSource.compile(path).blocks.flatMap(\.commands).map(\.canonical)
    }

    /// Every command of the reference and check notebooks, pinned: a change here changes
    /// every user's cache keys, so it must be meant (and bump the cache format).
    @Test func theReferenceNotebooksCanonicalFormsArePinned() throws {
        var lines: [String] = []
        for folder in ["notebooks", "notebooks/checks"] {
            let url = Self.repository.appendingPathComponent(folder)
            for name in try FileManager.default.contentsOfDirectory(atPath: url.path).sorted() where name.hasSuffix(".md") {
                let program = try NotebookSource.compile(url.appendingPathComponent(name).path)
                lines.append("# \(folder)/\(name)")
                lines += program.blocks.flatMap(\.commands).map(\.canonical)
            }
        }
        expectSnapshot(lines.joined(separator: "\n") + "\n", named: "canonical-forms.txt",
                       in: Self.repository.appendingPathComponent("Tests/NotebookTests/Snapshots"))
    }

    @Test func spacingOrderDefaultsAndParametersDropOut() throws {
        let forms = try Self.canonical("""
            param rate = 0.002
            seed 1
            data fashion-mnist train=100
            model mlp encoder=[8] latent=2 decoder=[8]
            train epochs=2 lr=$rate batch=128
            train   batch=128    lr=2e-3 epochs=2   # the same
            train epochs=2 lr=0.0020 beta=1.0 shuffle=true
            show samples 25
            show samples
            """)
        #expect(forms[4] == "train epochs=2 lr=0.002")
        #expect(forms[5] == forms[4])
        #expect(forms[6] == forms[4])
        #expect(forms[7] == "show samples")
        #expect(forms[8] == "show samples")
        #expect(forms[0] == "param rate=0.002")
        // The language's words only: no Swift module, type or property names.
        for form in forms {
            #expect(!form.contains("Notebook.") && !form.contains("VAEEngine.") && !form.contains("("), "\(form)")
        }
    }

    @Test func aReRunNamesTheValuesThatChanged() throws {
        let before = CanonicalCommand(name: "train", arguments: [.init(name: "epochs", value: "2"), .init(name: "lr", value: "0.01")])
        let after = CanonicalCommand(name: "train", arguments: [.init(name: "epochs", value: "3")])
        #expect(NotebookCache.describeChange(from: [before], to: [after])
                == "'train' epochs changed: 2 → 3, lr changed: 0.01 → 0.001")
        #expect(NotebookCache.describeChange(from: [before], to: [before, after]) == "'train' is new")
        #expect(NotebookCache.describeChange(from: [before, after], to: [before]) == "'train' was removed")
    }
}
