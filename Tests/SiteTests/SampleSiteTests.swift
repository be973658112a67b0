import Foundation
import NotebookResults
import Site
import Testing

/// Writes a realistic sample site for looking at in a browser, when asked.
///
/// `WRITE_SAMPLE_SITE=/tmp/site-sample swift test --filter SampleSite` writes
/// `sample.html`, `index.html` and `style.css` there; without the variable the test
/// is skipped.
@Suite struct SampleSiteTests {
    @Test(.enabled(if: !(ProcessInfo.processInfo.environment["WRITE_SAMPLE_SITE"] ?? "").isEmpty,
                   "writes a sample site only when WRITE_SAMPLE_SITE names a folder"))
    func writeSampleSite() throws {
        let folder = try #require(ProcessInfo.processInfo.environment["WRITE_SAMPLE_SITE"])
        let run = SampleRun.make()
        let page = renderNotebookPage(run)
        let index = renderIndexPage([SiteManifest.entry(for: run, href: "sample.html")])
        try SiteWriter(outputDirectory: URL(fileURLWithPath: folder))
            .write(pages: ["sample.html": page, "index.html": index])
    }
}

/// A made-up run shaped like the TF2 MLP tutorial: losses, reconstructions, samples, manifold.
enum SampleRun {
    static func make() -> RunResult {
        var random = SplitMix(seed: 7)
        let originals = (0..<10).map { glyph(kind: $0 % 5, random: &random) }
        let reconstructions = originals.map { blur(blur($0)) }
        let samples = (0..<25).map { index in
            blur(blur(glyph(kind: index % 5, random: &random)))
        }
        let manifold = (0..<100).map { index -> [Float] in
            let (row, column) = (Float(index / 10) / 9, Float(index % 10) / 9)
            return blur(shape(radiusX: 4 + 6 * column, radiusY: 5 + 6 * row, thickness: 1.5 + 2 * row * column))
        }
        let epochs = 1...20
        let train = epochs.map { 560 * pow(0.86, Double($0)) + 255 + Double($0 % 3) }
        let test = epochs.map { 540 * pow(0.87, Double($0)) + 262 + Double($0 % 2) * 1.5 }

        let losses = TableOutput(
            title: "Negative ELBO per image (nats)",
            columns: ["epoch", "train", "test", "seconds"],
            rows: epochs.filter { $0 % 4 == 0 || $0 == 1 }.map { epoch in
                [String(epoch), formatCompactNumber(train[epoch - 1]), formatCompactNumber(test[epoch - 1]),
                 formatCompactNumber(1.8 + Double(epoch % 3) * 0.1)]
            })
        let chart = LineChartOutput(
            title: "Loss per epoch", xLabel: "epoch", yLabel: "negative ELBO (nats)",
            series: [
                .init(name: "train", points: zip(epochs, train).map { .init(x: Double($0), y: $1) }),
                .init(name: "test", points: zip(epochs, test).map { .init(x: Double($0), y: $1) }),
            ])

        var code = 0
        func block(_ source: String, _ language: String = "swift-vae") -> Document.Segment {
            defer { code += 1 }
            return .code(CodeBlock(language: language, attributes: "", source: source,
                                   fenceLocation: .init(file: "sample.md", line: 10 * code + 5, column: 1),
                                   firstContentLine: 10 * code + 6, contentColumn: 1, index: code))
        }
        let document = Document(path: "notebooks/sample.md", title: "A VAE on Fashion-MNIST", segments: [
            .html("""
                <h1>A VAE on Fashion-MNIST</h1>
                <p>This notebook trains a small <em>variational autoencoder</em> with a two-dimensional latent \
                space on Fashion-MNIST, then looks at its reconstructions, its samples and the manifold it \
                learned. Every figure below was produced by the block just above it.</p>
                <h2>Data and model</h2>
                <p>An MLP encoder with one hidden layer of 512 units maps each 28×28 image to the mean and \
                log-variance of \\(q(z \\mid x)\\); the decoder mirrors it.</p>

                """),
            block("seed 42\ndata fashion-mnist train=60000 test=10000\nmodel mlp encoder=[512] latent=2 decoder=[512]\nsummary"),
            .html("<h2>Training</h2>\n<p>Twenty epochs of Adam with <code>lr=1e-3</code>, batch 128.</p>\n"),
            block("train epochs=20 batch=128 optimizer=adam lr=1e-3\ntable losses\nplot losses"),
            .html("<p>A plain code block is shown but not run:</p>\n"),
            block("import tensorflow as tf\nvae.fit(x_train, epochs=20)", "python"),
            .html("<h2>Reconstructions and samples</h2>\n"),
            block("show reconstructions 10 from=test\nshow samples 25\nshow manifold 10"),
        ])
        let results = [
            BlockResult(blockIndex: 0, outputs: [.text("""
                layer        output   parameters
                encoder.0    512         401,920
                encoder.mu   2             1,026
                encoder.lv   2             1,026
                decoder.0    512           1,536
                decoder.out  784         402,192
                total                    807,700
                """)], seconds: 0.2),
            BlockResult(blockIndex: 1, outputs: [.table(losses), .lineChart(chart)], seconds: 41.3),
            BlockResult(blockIndex: 3, outputs: [
                .imageGrid(ImageGridOutput(
                    title: "Reconstructions", caption: "Test images (top) and their reconstructions (bottom).",
                    rows: 2, columns: 10, imageWidth: 28, imageHeight: 28, images: originals + reconstructions,
                    rowLabels: ["original", "reconstruction"])),
                .imageGrid(ImageGridOutput(
                    title: "Samples", caption: "25 decodings of z ~ N(0, I).", rows: 5, columns: 5,
                    imageWidth: 28, imageHeight: 28, images: samples)),
                .imageGrid(ImageGridOutput(
                    title: "Manifold", caption: "Decodings over a 10×10 grid of the 2-D latent space.",
                    rows: 10, columns: 10, imageWidth: 28, imageHeight: 28, images: manifold)),
            ], seconds: 0.9),
        ]
        let manifest = RunManifest(
            seed: 42, engineVersion: "0.1.0", blasConfiguration: "OpenBLAS 0.3.26 Haswell", blasThreads: 1,
            datasetChecksums: [
                "train-images-idx3-ubyte.gz": "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84",
                "t10k-images-idx3-ubyte.gz": "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073",
            ],
            command: "notebook run notebooks/sample.md --threads 1", seconds: 42.4, finishedAt: "2025-06-01T12:00:00Z")
        return RunResult(document: document, results: results, manifest: manifest)
    }

    /// A 28x28 outline of an ellipse, like a garment's silhouette.
    static func shape(radiusX: Float, radiusY: Float, thickness: Float) -> [Float] {
        (0..<784).map { index in
            let x = (Float(index % 28) - 13.5) / radiusX
            let y = (Float(index / 28) - 13.5) / radiusY
            let distance = abs((x * x + y * y).squareRoot() - 1) * min(radiusX, radiusY)
            return max(0, min(1, 1.2 - distance / thickness))
        }
    }

    static func glyph(kind: Int, random: inout SplitMix) -> [Float] {
        let jitter = { (random: inout SplitMix) in Float(random.next() % 1000) / 1000 }
        switch kind {
        case 0: return shape(radiusX: 6 + 3 * jitter(&random), radiusY: 10, thickness: 2)
        case 1: return (0..<784).map { abs(Float($0 % 28) - 13.5) < 2 + 2 * Float($0 / 28) / 28 ? 0.9 : 0 }
        case 2: return (0..<784).map { index in
            let (x, y) = (index % 28, index / 28)
            return y > 6 && y < 24 && abs(x - 14) < 4 + (24 - y) / 3 ? 0.8 : 0
        }
        case 3: return shape(radiusX: 11, radiusY: 5 + 2 * jitter(&random), thickness: 3)
        default: return (0..<784).map { index in
            let (x, y) = (index % 28, index / 28)
            return (x > 5 && x < 22 && y > 4 && y < 9) || (abs(x - 8) < 3 && y > 4 && y < 25)
                || (abs(x - 19) < 3 && y > 4 && y < 25) ? 0.95 : 0.05
        }
        }
    }

    static func blur(_ image: [Float]) -> [Float] {
        (0..<784).map { index in
            let (x, y) = (index % 28, index / 28)
            var sum: Float = 0
            var count: Float = 0
            for dy in -1...1 { for dx in -1...1 where (0..<28).contains(x + dx) && (0..<28).contains(y + dy) {
                sum += image[(y + dy) * 28 + x + dx]
                count += 1
            } }
            return sum / count
        }
    }
}

/// A tiny deterministic generator for the sample's made-up images.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
