import Foundation
import NotebookResults
import Site
import Testing

@Suite struct ScatterFigureTests {
    /// Three classes of four points each, with a label beyond `classNames`.
    static let threeClasses = ScatterOutput(
        title: "Latent space",
        caption: "Test images encoded to the mean of q(z|x).",
        xLabel: "z₁", yLabel: "z₂",
        points: [
            .init(x: -2.1, y: 1.5, label: 0), .init(x: -1.8, y: 1.1, label: 0),
            .init(x: -2.4, y: 0.9, label: 0), .init(x: -1.5, y: 1.7, label: 0),
            .init(x: 0.2, y: -0.4, label: 1), .init(x: 0.5, y: -0.1, label: 1),
            .init(x: -0.1, y: -0.8, label: 1), .init(x: 0.4, y: -0.6, label: 1),
            .init(x: 1.9, y: 2.2, label: 2), .init(x: 2.3, y: 1.8, label: 2),
            .init(x: 1.6, y: 2.6, label: 2), .init(x: 2.8, y: 2.1, label: 2),
        ],
        classNames: ["zero", "one <1>"])

    /// A 3x3 manifold of 4x4 images over -2...2 in both latent dimensions.
    static let manifold = ImageGridOutput(
        title: "Manifold", caption: "Decoded grid over the latent plane.",
        rows: 3, columns: 3, imageWidth: 4, imageHeight: 4,
        images: (0..<9).map { image in (0..<16).map { Float(($0 + image) % 16) / 15 } },
        axes: GridAxes(xLabel: "z₁", yLabel: "z₂", xRange: -2...2, yRange: -1.5...1.5))

    @Test func snapshotWithThreeClasses() {
        expectSnapshot(renderScatterFigure(Self.threeClasses), named: "scatter.svg.html")
    }

    @Test func snapshotOfManifoldGridWithAxes() {
        expectSnapshot(renderImageGridFigure(Self.manifold), named: "image-grid-manifold.svg.html")
    }

    @Test func legendNamesEveryClassThatOccurs() {
        let html = renderScatterFigure(Self.threeClasses)
        #expect(html.contains(">zero</text>"))
        #expect(html.contains(">one &lt;1&gt;</text>"))
        #expect(html.contains(">class 2</text>"))
        #expect(html.components(separatedBy: "<g class=\"points\"").count == 4)
        #expect(html.components(separatedBy: "r=\"2\"/>").count == 13)
        #expect(html.contains("<figcaption>Test images encoded to the mean of q(z|x).</figcaption>"))
        #expect(renderBlockOutput(.scatter(Self.threeClasses)) == html)
    }

    @Test func manifoldTicksSpanTheLatentRanges() throws {
        let html = renderImageGridFigure(Self.manifold)
        for text in [">-2</text>", ">0</text>", ">2</text>", ">-1.5</text>", ">1.5</text>"] {
            #expect(html.contains(text), "missing \(text)")
        }
        // The top row is the upper bound of the y range.
        let top = try #require(html.range(of: ">1.5</text>"))
        let bottom = try #require(html.range(of: ">-1.5</text>"))
        #expect(top.lowerBound < bottom.lowerBound)
    }

    @Test func tenThousandPointsStayCompact() {
        var state: UInt64 = 42
        func next() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 11) / Double(1 << 53)
        }
        let points = (0..<10_000).map { index in
            ScatterOutput.Point(x: next() * 8 - 4, y: next() * 6 - 3, label: index % 10)
        }
        let scatter = ScatterOutput(title: "Latent space", caption: "", xLabel: "z₁", yLabel: "z₂",
                                    points: points, classNames: (0..<10).map(String.init))
        let html = renderScatterFigure(scatter)
        #expect(html.utf8.count < 400_000, "\(html.utf8.count) bytes")
        #expect(html.components(separatedBy: "<circle ").count == 10_001 + 10)
        #expect(html.components(separatedBy: "fill=\"#1f77b4\"").count == 3) // points group and legend
    }

    @Test func nonFinitePointsAreSkipped() {
        let scatter = ScatterOutput(title: "", caption: "", xLabel: "", yLabel: "", points: [
            .init(x: 0, y: 0, label: 0), .init(x: .nan, y: 1, label: 0),
            .init(x: 1, y: .infinity, label: 1), .init(x: 1, y: 1, label: 0),
        ], classNames: ["a", "b"])
        let html = renderScatterFigure(scatter)
        #expect(html.components(separatedBy: "r=\"2\"/>").count == 3)
        #expect(!html.contains("NaN"))
        #expect(!html.contains("inf"))
        #expect(!html.contains(">b</text>")) // class 1 had only a non-finite point
        #expect(html.contains("aria-label=\"Scatter plot. 2 points in 1 class: a.\""))
    }

    @Test func noFinitePointDrawsNoData() {
        let scatter = ScatterOutput(title: "Empty", caption: "", xLabel: "x", yLabel: "y",
                                    points: [.init(x: .nan, y: .nan, label: 0)], classNames: [])
        let html = renderScatterFigure(scatter)
        #expect(html.contains(">no data</text>"))
        #expect(!html.contains("<circle"))
    }
}
