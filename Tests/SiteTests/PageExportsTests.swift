import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import NotebookResults
import Record
import Site
import Testing

/// The files a page exports beside it in `site/NAME/`: figures as SVG (and PNG for image
/// grids) identical to what the page shows, `losses.csv` and `metrics.json`.
@Suite struct PageExportsTests {
    /// A run of `notebooks/study.md` with every kind of figure, a labelled cell with two
    /// figures of one title, and losses of two models (one with a comma in its name).
    static let studyRun: RunResult = {
        func block(_ source: String, index: Int, line: Int, label: String? = nil) -> CodeBlock {
            var block = CodeBlock(language: "swift-vae", attributes: "", source: source,
                                  fenceLocation: .init(file: "notebooks/study.md", line: line, column: 1),
                                  firstContentLine: line + 1, contentColumn: 1, index: index)
            if let label { block.cell = CellDisplay(label: label, optionLineCount: 1) }
            return block
        }
        var metrics: [Metric] = []
        for (model, offset) in [("small", 0.0), ("wide, β=4", 10.0)] {
            for epoch in 1...3 {
                let e = Double(epoch)
                metrics += [
                    Metric(name: "epoch \(epoch) train loss", value: 250.1 / e + offset + 0.1, model: model),
                    Metric(name: "epoch \(epoch) train reconstruction", value: 230.3 / e + offset, model: model),
                    Metric(name: "epoch \(epoch) train KL", value: 19.7 + 0.1 / 3 * e, model: model),
                    Metric(name: "epoch \(epoch) test loss", value: 252.9 / e + offset, model: model),
                    Metric(name: "epoch \(epoch) test reconstruction", value: 233.3 / e + offset, model: model),
                    Metric(name: "epoch \(epoch) test KL", value: 19.6 + 1e-7 * e, model: model),
                ]
            }
            metrics.append(Metric(name: "evaluate test loss", value: 100.25 + offset, model: model))
            metrics.append(Metric(name: "evaluate test log-likelihood L_100", value: -98.5 - offset, model: model))
        }
        metrics.append(Metric(name: "KL z1", value: 2.5, model: "small"))
        metrics.append(Metric(name: "active units", value: 1, model: "small"))
        return RunResult(
            document: Document(path: "notebooks/study.md", title: "Study", segments: [
                .html("<h1>Study</h1>\n"),
                .code(block("train epochs=3\nplot losses", index: 0, line: 3)),
                .code(CodeBlock(language: "python", attributes: "", source: "print(1)",
                                fenceLocation: .init(file: "notebooks/study.md", line: 8, column: 1),
                                firstContentLine: 9, contentColumn: 1, index: 1)),
                .code(block("#| label: Pictures\nshow reconstructions 3\nshow reconstructions 3\nshow samples 4",
                            index: 2, line: 12, label: "Pictures")),
                .code(block("plot latent\nplot kl\ntable losses", index: 3, line: 19)),
            ]),
            results: [
                BlockResult(blockIndex: 0, outputs: [.text("trained\n"), .lineChart(MultiModelFixtures.overlayChart)],
                            metrics: metrics, seconds: 1),
                BlockResult(blockIndex: 2, outputs: [.imageGrid(Fixtures.smallGrid), .imageGrid(Fixtures.smallGrid),
                                                     .imageGrid(Fixtures.samplesGrid)], seconds: 1),
                BlockResult(blockIndex: 3, outputs: [.scatter(Fixtures.projectedScatter),
                                                     .barChart(MultiModelFixtures.klPerDimension),
                                                     .table(Fixtures.epochLossTable)], seconds: 1),
            ],
            manifest: Fixtures.demoRun.manifest)
    }()

    /// Every `<svg …>…</svg>` of a page, in order.
    static func inlineSVGs(_ html: String) -> [String] {
        var found: [String] = []
        var rest = html[...]
        while let start = rest.range(of: "<svg "), let end = rest.range(of: "</svg>", range: start.upperBound..<rest.endIndex) {
            found.append(String(rest[start.lowerBound..<end.upperBound]))
            rest = rest[end.upperBound...]
        }
        return found
    }

    /// The targets of the export links under the figures, in order.
    static func exportLinks(_ html: String) -> [[String]] {
        html.components(separatedBy: "<p class=\"figure-exports\">").dropFirst().map { paragraph in
            let links = paragraph.prefix { $0 != "\n" }
            return links.components(separatedBy: "href=\"").dropFirst().map { String($0.prefix { $0 != "\"" }) }
        }
    }

    @Test func figureFilesHaveStableMeaningfulNames() {
        let page = renderNotebookPageWithExports(Self.studyRun)
        #expect(page.files.keys.sorted() == [
            "study/block-1-loss-per-epoch-three.svg",
            "study/block-3-kl-per-latent-dimension.svg",
            "study/block-3-latent-space-pca-projection.svg",
            "study/losses.csv",
            "study/metrics.json",
            "study/pictures-reconstructions-2.png",
            "study/pictures-reconstructions-2.svg",
            "study/pictures-reconstructions.png",
            "study/pictures-reconstructions.svg",
            "study/pictures-samples.png",
            "study/pictures-samples.svg",
        ])
        // The same run renders the same files, byte for byte.
        #expect(renderNotebookPageWithExports(Self.studyRun) == page)
    }

    @Test(arguments: ["study", "demo", "fixture"])
    func exportedSVGsAreTheInlineOnesAndLinked(_ which: String) throws {
        let run = switch which {
        case "study": Self.studyRun
        case "demo": Fixtures.demoRun
        default: try PageFromResultsJSONTests.fixture()
        }
        let page = renderNotebookPageWithExports(run)
        let inline = Self.inlineSVGs(page.html)
        let links = Self.exportLinks(page.html)
        #expect(!inline.isEmpty)
        #expect(links.count == inline.count)
        for (svg, figureLinks) in zip(inline, links) {
            let svgLink = try #require(figureLinks.first)
            #expect(svgLink.hasSuffix(".svg"))
            #expect(page.files[svgLink] == Data(svg.utf8), "\(svgLink)")
            #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\" "))
            // Every link points at a file written with the page.
            for link in figureLinks { #expect(page.files[link] != nil, "\(link)") }
            #expect(figureLinks.count == (svg.contains("class=\"image-grid\"") ? 2 : 1))
        }
        // Nothing exported that the page does not link, but the two data files.
        let linked = Set(links.joined())
        #expect(Set(page.files.keys).subtracting(linked).map { URL(fileURLWithPath: $0).lastPathComponent }.sorted()
            == ["losses.csv", "metrics.json"])
    }

    @Test func exportedSVGsAreWellFormedStandaloneXML() throws {
        let page = renderNotebookPageWithExports(Self.studyRun)
        for (path, data) in page.files where path.hasSuffix(".svg") {
            let root = RootElement()
            let parser = XMLParser(data: data)
            parser.shouldProcessNamespaces = true
            parser.delegate = root
            #expect(parser.parse(), "\(path): \(String(describing: parser.parserError))")
            #expect(root.name == "svg" && root.namespace == "http://www.w3.org/2000/svg", "\(path)")
        }
    }

    /// The root element's name and namespace, as an XML reader sees them.
    final class RootElement: NSObject, XMLParserDelegate {
        var name: String?
        var namespace: String?
        func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                    qualifiedName: String?, attributes: [String: String] = [:]) {
            if name == nil {
                name = elementName
                namespace = namespaceURI
            }
        }
    }

    @Test func imageGridPNGHoldsTheGridsPixelsEnlarged() throws {
        let page = renderNotebookPageWithExports(Self.studyRun)
        for (path, grid) in [("study/pictures-reconstructions.png", Fixtures.smallGrid),
                             ("study/pictures-samples.png", Fixtures.samplesGrid)] {
            let png = try DecodedPNG([UInt8](try #require(page.files[path])))
            let scale = PageExports.pngScale
            let width = grid.columns * grid.imageWidth + grid.columns - 1
            let height = grid.rows * grid.imageHeight + grid.rows - 1
            #expect(png.width == width * scale && png.height == height * scale, "\(path)")
            #expect(png.colorType == 0 && png.bitDepth == 8)
            for y in 0..<png.height {
                for x in 0..<png.width {
                    let (column, inTileX) = (x / scale).quotientAndRemainder(dividingBy: grid.imageWidth + 1)
                    let (row, inTileY) = (y / scale).quotientAndRemainder(dividingBy: grid.imageHeight + 1)
                    var expected: UInt8 = 255 // the gaps between tiles
                    if inTileX < grid.imageWidth, inTileY < grid.imageHeight {
                        let value = grid.images[row * grid.columns + column][inTileY * grid.imageWidth + inTileX]
                        expected = value.isNaN ? 0 : UInt8((min(max(value, 0), 1) * 255).rounded())
                    }
                    if png.pixels[y * png.width + x] != expected {
                        Issue.record("\(path): pixel (\(x), \(y)) is \(png.pixels[y * png.width + x]), expected \(expected)")
                        return
                    }
                }
            }
        }
    }

    @Test func lossesCSVHoldsEveryEpochOfEveryModelExactly() throws {
        let run = Self.studyRun
        let text = LossesCSV.text(of: run)
        #expect(text.hasSuffix("\r\n"))
        let lines = text.components(separatedBy: "\r\n").dropLast()
        #expect(lines.first == "model,epoch,train_neg_elbo,train_reconstruction,train_kl,train_objective,"
            + "test_neg_elbo,test_reconstruction,test_kl,test_objective")
        #expect(lines.count == 1 + 6)
        // The record's numbers of the same run, read back from the CSV to the last bit.
        let record = NotebookRecord(run, plan: CheckPlan(notebookPath: run.document.path, blocks: []))
        let recorded = Dictionary(record.blocks[0].metrics.map { ($0.name, $0.value) }) { first, _ in first }
        let models = run.results[0].metrics.compactMap(\.model)
        for line in lines.dropFirst() {
            var fields = Self.csvFields(line)
            let model = fields.removeFirst()
            let epoch = try #require(Int(fields.removeFirst()))
            #expect(models.contains(model))
            let numbers = fields.map { Double($0) }
            let value = { (name: String) in recorded["epoch \(epoch) \(name)"] }
            let modelMetrics = run.results[0].metrics.filter { $0.model == model }
            let exact = { (name: String) in modelMetrics.first { $0.name == "epoch \(epoch) \(name)" }?.value }
            #expect(numbers[1] == exact("train reconstruction") && numbers[2] == exact("train KL"))
            #expect(numbers[3] == exact("train loss") && numbers[7] == exact("test loss"))
            #expect(numbers[5] == exact("test reconstruction") && numbers[6] == exact("test KL"))
            #expect(numbers[0] == exact("train reconstruction")! + exact("train KL")!)
            #expect(numbers[4] == exact("test reconstruction")! + exact("test KL")!)
            if model == "small" { #expect(numbers[3] == value("train loss")) }
        }
        #expect(lines[4].hasPrefix("\"wide, β=4\",1,"))
        #expect(lines.dropFirst().map { Self.csvFields($0)[1] } == ["1", "2", "3", "1", "2", "3"])
    }

    /// The fields of one CSV line, RFC 4180 quotes undone.
    static func csvFields(_ line: String) -> [String] {
        var fields: [String] = []
        var field = ""
        var quoted = false
        var previous: Character?
        for character in line {
            if character == "\"" {
                if quoted, previous == "\"" { field.append("\"") }
                quoted.toggle()
            } else if character == ",", !quoted {
                fields.append(field)
                field = ""
            } else {
                field.append(character)
            }
            previous = character
        }
        fields.append(field)
        return fields
    }

    @Test func lossesCSVKeepsNonFiniteAndMissingValuesApart() {
        var run = Fixtures.demoRun
        run.results[0].metrics = [Metric(name: "epoch 1 train loss", value: .nan, model: "m\"1"),
                                  Metric(name: "epoch 1 train reconstruction", value: .infinity, model: "m\"1"),
                                  Metric(name: "epoch 1 train KL", value: 1e-300, model: "m\"1")]
        #expect(LossesCSV.text(of: run).components(separatedBy: "\r\n")[1] == "\"m\"\"1\",1,inf,inf,1e-300,nan,,,,")
        #expect(LossesCSV.text(of: Fixtures.demoRun) == LossesCSV.columns.joined(separator: ",") + "\r\n")
    }

    @Test func metricsJSONHoldsEveryNumberSorted() throws {
        let data = MetricsJSON.data(of: Self.studyRun)
        #expect(data == MetricsJSON.data(of: Self.studyRun))
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(json["format"] as? String == "notebook-metrics/1")
        #expect(json["notebook"] as? String == "study.md")
        let run = try #require(json["run"] as? [String: Any])
        #expect(run["seed"] as? Int == 1 && run["blas-threads"] as? Int == 1)
        #expect((run["datasets"] as? [String: String])?["t10k-images-idx3-ubyte.gz"] == "bef4ecab")
        let models = try #require(json["models"] as? [String: [String: Any]])
        #expect(models.keys.sorted() == ["small", "wide, β=4"])
        let small = try #require(models["small"])
        #expect(small["epochs"] as? Int == 3)
        let final = try #require(small["final"] as? [String: Double])
        #expect(final["test_kl"] == 19.6 + 1e-7 * 3 && final["train_objective"] == 250.1 / 3 + 0.1)
        let metrics = try #require(small["metrics"] as? [String: Double])
        #expect(metrics == ["evaluate test loss": 100.25, "evaluate test log-likelihood L_100": -98.5,
                            "KL z1": 2.5, "active units": 1])
        let blocks = try #require(json["blocks"] as? [[String: Any]])
        #expect(blocks.map { $0["block"] as? Int } == [1, 2, 3])
        #expect(blocks[1]["label"] as? String == "Pictures")
        #expect(((blocks[2]["tables"] as? [[String: Any]])?.first?["title"] as? String) == Fixtures.epochLossTable.title)
        // Pretty-printed with sorted keys: "blocks" comes first, then "format".
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.hasPrefix("{\n  \"blocks\" : ["))
        #expect(text.range(of: "\"format\"")!.lowerBound < text.range(of: "\"models\"")!.lowerBound)
    }

    @Test func publishWritesTheExportsBesideThePage() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("exports-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try SitePublisher.publish([Self.studyRun], to: folder)
        let page = renderNotebookPageWithExports(Self.studyRun)
        for (path, data) in page.files {
            #expect(FileManager.default.contents(atPath: folder.appendingPathComponent(path).path) == data, "\(path)")
        }
        let html = try String(contentsOf: folder.appendingPathComponent("study.html"), encoding: .utf8)
        for link in Self.exportLinks(html).joined() {
            #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent(link).path), "\(link)")
        }
    }

    @Test func aNotebookWithSpacesInItsNameLinksPercentEncoded() {
        var run = Fixtures.demoRun
        run.document.path = "notebooks/my demo.md"
        let page = renderNotebookPageWithExports(run)
        #expect(page.files["my demo/block-2-loss-per-epoch.svg"] != nil)
        #expect(page.html.contains("href=\"my%20demo/block-2-loss-per-epoch.svg\""))
    }
}
