import NotebookResults
import Site
import Testing

@Suite struct ImageGridFigureTests {
    /// 25 images of uniform noise: the least compressible content a grid can hold.
    static func noiseGrid(rows: Int = 5, columns: Int = 5) -> ImageGridOutput {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        let images = (0..<(rows * columns)).map { _ in
            (0..<(28 * 28)).map { _ -> Float in
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                return Float(state >> 40) / Float(1 << 24)
            }
        }
        return ImageGridOutput(title: "Samples", caption: "Noise", rows: rows, columns: columns,
                               imageWidth: 28, imageHeight: 28, images: images)
    }

    @Test func aGridOf25ImagesIsSmall() {
        let html = renderImageGridFigure(Self.noiseGrid())
        #expect(html.utf8.count < 100_000)
    }

    @Test func isOneSVGWithOneEmbeddedPNG() throws {
        let html = renderImageGridFigure(Fixtures.smallGrid)
        #expect(html.components(separatedBy: "<svg").count == 2)
        #expect(html.components(separatedBy: "<image ").count == 2)
        #expect(html.contains("role=\"img\""))
        #expect(html.contains("aria-label=\""))
        #expect(html.contains("<title>Reconstructions</title>"))
        #expect(html.contains("image-rendering:pixelated"))
        #expect(html.contains("<figcaption>"))
        #expect(html.contains(">original</text>"))
        #expect(html.contains(">reconstruction</text>"))
    }

    @Test func tilesImagesWithGapsAndMapsIntensities() throws {
        let grid = ImageGridOutput(title: "t", caption: "", rows: 1, columns: 2, imageWidth: 2, imageHeight: 2,
                                   images: [[0, 1, 0.5, .nan], [-3, 7, 0.2, 1]])
        let png = try DecodedPNG(firstDataURIIn: renderImageGridFigure(grid))
        #expect(png.width == 5)
        #expect(png.height == 2)
        // Row 0: 0, 1 | gap | -3→0, 7→1.  Row 1: 0.5, NaN→0 | gap | 0.2, 1.
        #expect(png.pixels == [0, 255, 255, 0, 255,
                               128, 0, 255, 51, 255])
    }

    @Test func scalesSmallImagesUpByAWholeFactor() {
        let html = renderImageGridFigure(Self.noiseGrid())
        // 5 tiles of 28 px and 4 one-pixel gaps = 144 px, drawn at 3x.
        #expect(html.contains("width=\"432\" height=\"432\""))
    }

    @Test func missingImagesAndEmptyGrids() {
        let partial = ImageGridOutput(title: "partial", caption: "", rows: 2, columns: 2, imageWidth: 3,
                                      imageHeight: 3, images: [[1]])
        #expect(renderImageGridFigure(partial).contains("data:image/png;base64,"))
        let empty = ImageGridOutput(title: "none", caption: "", rows: 0, columns: 3, imageWidth: 28,
                                    imageHeight: 28, images: [])
        #expect(renderImageGridFigure(empty).contains("no images"))
    }
}
