import Foundation
import Notebook
import NotebookResults
import Testing
import TestSupport
import VAEEngine

/// `data idx` and `data npy`: checked from the files' headers before anything runs, models
/// built for the data's image size, and a small notebook run end to end on generated files.
@Suite struct DataFilesTests {
    typealias W = DatasetFileWriter

    /// A folder holding a notebook `nb.md` with `body` in one block, and the files `setUp` writes.
    struct Notebook {
        let folder: URL
        var path: String { folder.appendingPathComponent("nb.md").path }

        init(_ body: String, setUp: (URL) throws -> Void) throws {
            folder = try makeTemporaryFolder("data-files")
            try setUp(folder)
            try "# T\n\n```swift-vae\n\(body)\n```\n".write(toFile: folder.appendingPathComponent("nb.md").path,
                                                           atomically: true, encoding: .utf8)
        }

        func remove() { try? FileManager.default.removeItem(at: folder) }

        func compile() throws -> NotebookProgram { try NotebookSource.compile(path) }

        /// The diagnostics' headlines with the folder written as `$F`, or [] when it compiles.
        func errors() -> [String] {
            do {
                _ = try compile()
                return []
            } catch let errors as NotebookErrors {
                return errors.diagnostics.map { $0.headline.replacingOccurrences(of: folder.path, with: "$F") }
            } catch {
                return ["unexpected: \(error)"]
            }
        }
    }

    static let idxFiles = "train-images=train-images.idx train-labels=train-labels.idx "
        + "test-images=test-images.idx test-labels=test-labels.idx"

    /// A notebook reading generated IDX files of `rows × columns`.
    static func idxNotebook(_ body: String, rows: Int, columns: Int, gzip: Bool = false) throws -> Notebook {
        try Notebook(body) { folder in
            try W.writeIDXDataset(in: folder, train: 64, test: 16, rows: rows, columns: columns, classes: 4, gzip: gzip)
        }
    }

    static func modelSpec(_ program: NotebookProgram, at index: Int) -> ModelSpec? {
        (program.blocks[0].commands[index].command as? ModelCommand)?.spec
    }

    @Test func modelsTakeTheDataImageSize() throws {
        for (rows, columns) in [(28, 28), (32, 32), (14, 14), (30, 20)] {
            let notebook = try Self.idxNotebook("data idx \(Self.idxFiles.replacingOccurrences(of: ".idx", with: ".idx.gz"))\n"
                                                + "model mlp encoder=[16] latent=2 decoder=[16]", rows: rows, columns: columns, gzip: true)
            defer { notebook.remove() }
            let spec = try Self.modelSpec(notebook.compile(), at: 1)
            #expect(spec?.imageHeight == rows && spec?.imageWidth == columns, "\(rows)×\(columns)")
        }
        let conv = try Self.idxNotebook("data idx \(Self.idxFiles)\nmodel conv encoder=[4,8] latent=2 decoder=[8,4]",
                                        rows: 32, columns: 32)
        defer { conv.remove() }
        #expect(try Self.modelSpec(conv.compile(), at: 1).map { ($0.imageHeight, $0.imageWidth) } ?? (0, 0) == (32, 32))
    }

    @Test func theConvolutionalModelRefusesSidesItsStridesDoNotDivide() throws {
        let notebook = try Self.idxNotebook("seed 1\ndata idx \(Self.idxFiles)\nmodel conv encoder=[4,8] latent=2 decoder=[8,4]",
                                            rows: 30, columns: 30)
        defer { notebook.remove() }
        #expect(notebook.errors() == [
            "$F/nb.md:6:1: error: the decoder's 2 stride-2 layers need the image size (30×30) to be a multiple of 4; "
                + "'data' at 5:1 gives 30×30 images",
        ])
    }

    @Test func missingAndBrokenFilesAreReportedAtTheirOption() throws {
        let missing = try Notebook("data idx train-images=nowhere.idx train-labels=a.idx test-images=a.idx test-labels=a.idx") {
            try Data(W.idx(dimensions: [2], data: [0, 1])).write(to: $0.appendingPathComponent("a.idx"))
        }
        defer { missing.remove() }
        #expect(missing.errors() == ["$F/nb.md:4:23: error: 'nowhere.idx' does not exist (looked for $F/nowhere.idx)"])

        let broken = try Self.idxNotebook("data idx \(Self.idxFiles)", rows: 8, columns: 8)
        defer { broken.remove() }
        try Data([1, 2, 3, 4, 5]).write(to: broken.folder.appendingPathComponent("test-labels.idx"))
        #expect(broken.errors() == [
            "$F/nb.md:4:110: error: $F/test-labels.idx: not an IDX file: it starts with bytes 01 02 03 04, "
                + "expected 00 00 08 and a number of dimensions",
        ])
        try Data(W.idx(dimensions: [15], data: [UInt8](repeating: 0, count: 15)))
            .write(to: broken.folder.appendingPathComponent("test-labels.idx"))
        #expect(broken.errors() == ["$F/nb.md:4:110: error: $F/test-labels.idx: 15 labels but test-images.idx holds 16 images"])
    }

    @Test func npyProblemsBeforeAnythingRuns() throws {
        let notebook = try Notebook("data npy train-images=x.npy train-labels=y.npy test-images=x.npy test-labels=y.npy\n"
                                    + "data npy train-images=flat.npy train-labels=y.npy test-images=flat.npy test-labels=y.npy size=[3,5]\n"
                                    + "data npy train-images=flat.npy train-labels=y.npy test-images=flat.npy test-labels=y.npy") { folder in
            try Data(W.npy(descr: "<i8", shape: [2, 4, 4], data: [UInt8](repeating: 0, count: 256)))
                .write(to: folder.appendingPathComponent("x.npy"))
            try Data(W.npy(descr: "<i8", shape: [2], data: W.littleEndian([Int64](arrayLiteral: 0, 1))))
                .write(to: folder.appendingPathComponent("y.npy"))
            try Data(W.npy(descr: "|u1", shape: [2, 15], data: [UInt8](repeating: 0, count: 30)))
                .write(to: folder.appendingPathComponent("flat.npy"))
        }
        defer { notebook.remove() }
        #expect(notebook.errors() == [
            "$F/nb.md:4:23: error: $F/x.npy: images must be uint8 (|u1) or float32 (<f4) in 0...1, found element type <i8",
            "$F/nb.md:6:23: error: $F/flat.npy: flat images of 15 pixels (shape (2, 15)) are not square; "
                + "give their size with size=[rows,columns]",
        ])
    }

    @Test func classNamesMustMatchTheLabels() throws {
        let notebook = try Self.idxNotebook("data idx \(Self.idxFiles) classes=[a, b, \"T-shirt/top\"]", rows: 4, columns: 4)
        defer { notebook.remove() }
        #expect(notebook.errors() == [
            "$F/nb.md:4:134: error: 3 class names given but the labels go from 0 to 3: give 4 names, one per label",
        ])
    }

    @Test func dataOfAnotherSizeAfterAModelIsRefused() throws {
        let notebook = try Self.idxNotebook("model mlp encoder=[8] latent=2 decoder=[8]\ndata idx \(Self.idxFiles)", rows: 14, columns: 14)
        defer { notebook.remove() }
        #expect(notebook.errors() == [
            "$F/nb.md:5:1: error: these images are 14×14 but the model 'model-1' was built for 28×28 images; "
                + "load the data before building models for it",
        ])
    }

    @Test func aNotebookOnGeneratedIDXFilesRunsEndToEnd() throws {
        let notebook = try Self.idxNotebook("""
            seed 2
            data idx \(Self.idxFiles.replacingOccurrences(of: ".idx", with: ".idx.gz")) classes=[o, ki, su, "tsu"] test=12
            model mlp encoder=[16] latent=2 decoder=[16]
            train steps=3 batch=32
            show reconstructions 4
            show samples 4
            plot latent test
            show manifold 3
            """, rows: 14, columns: 14, gzip: true)
        defer { notebook.remove() }
        let program = try notebook.compile()
        let datasets = DatasetLocations()
        let inputs = NotebookInputs.files(of: program, datasets: datasets).map(\.path)
        let names = ["train-images.idx.gz", "train-labels.idx.gz", "test-images.idx.gz", "test-labels.idx.gz"]
        #expect(inputs == names.map { notebook.folder.appendingPathComponent($0).path })

        let result = try Executor(program: program, options: ExecutionOptions(blasThreads: 2),
                                  progress: ProgressReporter(style: .quiet)).run()
        let outputs = result.results[0].outputs
        #expect(outputs.first == .text("idx: 64 training and 12 test images of 14×14 pixels, 4 classes"))
        var grids = 0
        for output in outputs {
            if case .imageGrid(let grid) = output {
                grids += 1
                #expect(grid.imageWidth == 14 && grid.imageHeight == 14 && grid.images.allSatisfy { $0.count == 196 })
            }
            if case .scatter(let scatter) = output {
                #expect(scatter.classNames == ["o", "ki", "su", "tsu"] && scatter.points.count == 12)
            }
        }
        #expect(grids == 3)
        // The files' checksums go into the manifest under the paths as written.
        #expect(Set(result.manifest.datasetChecksums.keys) == Set(names))
        #expect(result.manifest.datasetChecksums[names[0]] == (try IDXReader.read(path: notebook.folder.appendingPathComponent(names[0]).path).sha256))
    }
}
