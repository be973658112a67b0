import Foundation
import NotebookResults

/// Small fixed inputs shared by the Site tests.
enum Fixtures {
    static let lossTable = TableOutput(
        title: "Losses per epoch",
        columns: ["epoch", "train loss", "test loss", "note"],
        rows: [
            ["1", "182.5", "170.25", "warm-up"],
            ["2", "160.1", "158.9", "<fast>"],
            ["3", "151", "152.4", ""],
        ])

    static let lossChart = LineChartOutput(
        title: "Loss per epoch",
        xLabel: "epoch",
        yLabel: "loss (nats)",
        series: [
            .init(name: "train", points: [.init(x: 1, y: 182.5), .init(x: 2, y: 160.1), .init(x: 3, y: 151)]),
            .init(name: "test", points: [.init(x: 1, y: 170.25), .init(x: 2, y: 158.9), .init(x: 3, y: 152.4)]),
        ])

    /// Two rows of three 4x4 images: gradients, with out-of-range and NaN values.
    static let smallGrid = ImageGridOutput(
        title: "Reconstructions",
        caption: "Originals above their reconstructions.",
        rows: 2, columns: 3, imageWidth: 4, imageHeight: 4,
        images: (0..<6).map { image in
            (0..<16).map { pixel in
                if image == 5 && pixel == 0 { return .nan }
                if image == 5 && pixel == 1 { return 2 }
                if image == 5 && pixel == 2 { return -1 }
                return Float((pixel + image) % 16) / 15
            }
        },
        rowLabels: ["original", "reconstruction"])

    /// The loss table `table losses` makes: every loss per image, "—" where an epoch had no test pass.
    static let epochLossTable = TableOutput(
        title: "Loss per epoch (per image)",
        columns: ["Epoch", "Train loss", "Train reconstruction", "Train KL",
                  "Test loss", "Test reconstruction", "Test KL"],
        rows: [
            ["1", "286.41", "271.03", "15.38", "—", "—", "—"],
            ["2", "262.17", "244.90", "17.27", "258.66", "240.81", "17.85"],
        ])

    /// The Keras-style table `summary` makes for a 784-8-2 MLP.
    static let modelSummary = TableOutput(
        title: "Model summary (mlp, 13396 parameters)",
        columns: ["Layer", "Output shape", "Parameters"],
        rows: [
            ["input", "(1, 28, 28)", "0"],
            ["encoder.0: Dense (relu)", "(8)", "6280"],
            ["encoder.1: Dense", "(4)", "36"],
            ["μ, log σ² → z = μ + σ·ε", "(2)", "0"],
            ["decoder.0: Dense (relu)", "(8)", "24"],
            ["decoder.1: Dense", "(784)", "7056"],
            ["total", "", "13396"],
        ])

    /// Four 3x3 tiles in a 2x2 grid, no row labels: how `show samples 4` lays out.
    static let samplesGrid = ImageGridOutput(
        title: "Samples",
        caption: "4 images decoded from latent points z ~ N(0, I).",
        rows: 2, columns: 2, imageWidth: 3, imageHeight: 3,
        images: (0..<4).map { image in (0..<9).map { Float(($0 * (image + 1)) % 9) / 8 } })

    /// Three frames of the same three latent points, one row per epoch.
    static let evolutionStrip = ImageGridOutput(
        title: "Training evolution",
        caption: "The same 3 latent points z ~ N(0, I) decoded after each epoch, first epoch at the top.",
        rows: 3, columns: 3, imageWidth: 3, imageHeight: 3,
        images: (0..<9).map { image in
            // Later epochs are sharper: values pulled away from grey towards 0 or 1.
            let epoch = Float(image / 3 + 1)
            return (0..<9).map { pixel in 0.5 + (Float((pixel + image) % 2) - 0.5) * epoch / 3 }
        },
        rowLabels: ["epoch 1", "epoch 2", "epoch 3"])

    /// Fashion-MNIST's class names, as the latent scatter's legend shows them.
    static let fashionClassNames = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]

    /// Two points per class of a 6-D latent, drawn in the plane of its first two principal components.
    static let projectedScatter = ScatterOutput(
        title: "Latent space (PCA projection)",
        caption: "Posterior means of the first 20 test images projected onto their first two principal components "
            + "(PCA of the 6-D means), coloured by class.",
        xLabel: "PC 1", yLabel: "PC 2",
        points: (0..<20).map { index in
            // Exact binary fractions, so the snapshot does not depend on a maths library.
            let label = index % 10, second = index >= 10
            return .init(x: Double(label) - 4.5 + (second ? 0.25 : 0),
                         y: Double(label * 7 % 10) / 2 - 2 - (second ? 0.375 : 0), label: label)
        },
        classNames: fashionClassNames)

    static func codeBlock(_ language: String, _ source: String, index: Int, line: Int) -> CodeBlock {
        CodeBlock(language: language, attributes: "", source: source,
                  fenceLocation: .init(file: "notebooks/demo.md", line: line, column: 1),
                  firstContentLine: line + 1, contentColumn: 1, index: index)
    }

    static let demoRun = RunResult(
        document: Document(path: "notebooks/demo.md", title: "Demo <VAE>",
                           summary: "A tiny notebook & its outputs.", segments: [
            .html("<h1>Demo &lt;VAE&gt;</h1>\n<p>A <em>tiny</em> notebook &amp; its outputs.</p>\n"),
            .code(codeBlock("swift-vae", "seed 1\ntable losses\n", index: 0, line: 5)),
            .html("<p>A block that does not run:</p>\n"),
            .code(codeBlock("python", "print('<hi>' & 1)", index: 1, line: 10)),
            .code(codeBlock("swift-vae", "plot losses\nshow reconstructions 3", index: 2, line: 14)),
            .code(codeBlock("swift-vae", "save weights demo.ckpt", index: 3, line: 19)),
        ]),
        results: [
            BlockResult(blockIndex: 0, outputs: [.text("seed 1\n"), .table(lossTable)], seconds: 0.01),
            BlockResult(blockIndex: 2, outputs: [.lineChart(lossChart), .imageGrid(smallGrid)], seconds: 0.5),
            BlockResult(blockIndex: 3, outputs: [], seconds: 0.02),
        ],
        manifest: RunManifest(
            seed: 1,
            parameters: [NamedValue(name: "epochs", value: "2"), NamedValue(name: "data", value: "fashion-mnist")],
            overrides: [NamedValue(name: "epochs", value: "2")],
            engineVersion: "0.1.0", blasConfiguration: "OpenBLAS 0.3.26", blasCore: "Haswell", blasThreads: 1,
            cpuArchitecture: "x86_64",
            datasetChecksums: ["t10k-images-idx3-ubyte.gz": "bef4ecab", "train-images-idx3-ubyte.gz": "3aede38d"],
            inputChecksums: ["weights/start.ckpt": "5f0c2a9e"],
            command: "notebook run notebooks/demo.md -p epochs=2 --threads 1", seconds: 75.4,
            finishedAt: "2025-01-02T03:04:05Z"))
}
