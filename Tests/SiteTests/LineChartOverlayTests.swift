import Foundation
import NotebookResults
import Site
import Testing

/// Several models in one line chart: colours by group, dashed train curves, a legend that
/// names each model once and keys the line styles.
@Suite struct LineChartOverlayTests {
    static let html = renderLineChartFigure(MultiModelFixtures.overlayChart)

    /// The `<polyline …>` elements of `html`, in order.
    static func polylines(_ html: String) -> [String] {
        html.components(separatedBy: "<polyline ").dropFirst().map { String($0.prefix { $0 != ">" }) }
    }

    /// The markup of the legend group.
    static func legend(_ html: String) throws -> String {
        let start = try #require(html.range(of: "<g class=\"legend\">"))
        let end = try #require(html.range(of: "</g>", range: start.upperBound..<html.endIndex))
        return String(html[start.upperBound..<end.lowerBound])
    }

    @Test func seriesOfOneModelShareAColourInOrderOfFirstAppearance() {
        let lines = Self.polylines(Self.html)
        #expect(lines.count == 6)
        let colours = lines.map { line in chartSeriesColors.first { line.contains("stroke=\"\($0)\"") } }
        #expect(colours == [chartSeriesColors[0], chartSeriesColors[0], chartSeriesColors[1], chartSeriesColors[1],
                            chartSeriesColors[2], chartSeriesColors[2]])
    }

    @Test func trainCurvesAreDashedAndTestCurvesSolid() {
        let dashed = Self.polylines(Self.html).map { $0.contains("stroke-dasharray=\"6 4\"") }
        #expect(dashed == [true, false, true, false, true, false])
    }

    @Test func theLegendNamesEachModelOnceThenKeysTheLineStyles() throws {
        let legend = try Self.legend(Self.html)
        let names = legend.components(separatedBy: "</text>").dropLast().map { $0.components(separatedBy: ">").last ?? "" }
        #expect(names == ["beta1", "beta4", "beta8", "train", "test"])
        // One swatch line per model in its colour, then a dashed and a solid one in the text colour.
        let swatches = legend.components(separatedBy: "<line ").dropFirst().filter { $0.contains("stroke-width=\"2\"") }
        #expect(swatches.count == 5)
        #expect(swatches[3].contains("stroke=\"currentColor\"") && swatches[3].contains("stroke-dasharray"))
        #expect(swatches[4].contains("stroke=\"currentColor\"") && !swatches[4].contains("stroke-dasharray"))
        // No series name ("beta1 train") is in the legend; every one is in a tooltip.
        #expect(!legend.contains("beta1 train"))
        #expect(Self.html.contains("<title>beta4 test: 271.6 at epoch 12</title>"))
    }

    @Test func legendEntriesDoNotOverlapAndStayInsideTheFigure() throws {
        let legend = try Self.legend(Self.html)
        let texts = legend.components(separatedBy: "<text x=\"").dropFirst().map { entry -> (x: Double, width: Double) in
            let x = Double(entry.prefix { $0 != "\"" })!
            let text = entry.components(separatedBy: ">").dropFirst().first?.components(separatedBy: "<").first ?? ""
            return (x, Double(text.count) * 7)
        }
        #expect(texts.count == 5)
        for (a, b) in zip(texts, texts.dropFirst()) {
            #expect(a.x + a.width < b.x, "legend text at \(a.x) runs into the next at \(b.x)")
        }
        #expect(texts.allSatisfy { $0.x + $0.width <= 760 })
    }

    @Test func theStyleKeyReadsWhatTheNamesHaveInCommon() throws {
        let chart = LineChartOutput(title: "", xLabel: "", yLabel: "", series: [
            .init(name: "a: ELBO", points: [.init(x: 1, y: 2)], group: "a", dashed: true),
            .init(name: "a: IWAE", points: [.init(x: 1, y: 3)], group: "a"),
            .init(name: "b: ELBO", points: [.init(x: 1, y: 4)], group: "b", dashed: true),
            .init(name: "b: IWAE", points: [.init(x: 1, y: 5)], group: "b"),
        ])
        let legend = try Self.legend(renderLineChartFigure(chart))
        #expect(legend.contains(">ELBO</text>") && legend.contains(">IWAE</text>"))
        #expect(!legend.contains(">train</text>"))

        // Names that do not name their style alike fall back to "train" and "test".
        var mixed = chart
        mixed.series[2].name = "b: bound"
        let fallback = try Self.legend(renderLineChartFigure(mixed))
        #expect(fallback.contains(">train</text>") && fallback.contains(">IWAE</text>"))
    }

    @Test func withoutDashedSeriesThereIsNoStyleKey() throws {
        var chart = MultiModelFixtures.overlayChart
        chart.series = chart.series.filter { !$0.dashed }
        let legend = try Self.legend(renderLineChartFigure(chart))
        #expect(!legend.contains(">train</text>") && !legend.contains(">test</text>"))
        #expect(!legend.contains("stroke-dasharray"))
        #expect(legend.contains(">beta8</text>"))
    }

    @Test func aSeriesWithoutAGroupInAGroupedChartIsItsOwnGroup() throws {
        var chart = MultiModelFixtures.overlayChart
        chart.series.append(.init(name: "baseline", points: [.init(x: 1, y: 250), .init(x: 12, y: 250)]))
        let html = renderLineChartFigure(chart)
        let legend = try Self.legend(html)
        #expect(legend.contains(">baseline</text>"))
        #expect(Self.polylines(html).last?.contains("stroke=\"\(chartSeriesColors[3])\"") == true)
    }

    @Test func aDashedSeriesWithoutGroupsKeepsItsOwnLegendEntry() throws {
        var chart = Fixtures.lossChart
        chart.series[0].dashed = true
        let html = renderLineChartFigure(chart)
        let legend = try Self.legend(html)
        #expect(legend.contains(">train</text>") && legend.contains(">test</text>"))
        #expect(Self.polylines(html).map { $0.contains("stroke-dasharray") } == [true, false])
        // Apart from the dashes, the chart is the one drawn before.
        #expect(html.replacingOccurrences(of: " stroke-dasharray=\"6 4\"", with: "")
            .replacingOccurrences(of: "train (dashed)", with: "train") == renderLineChartFigure(Fixtures.lossChart))
    }

    @Test func groupsAndDashesOnlyAppearInJSONWhenSet() throws {
        let plain = LineChartOutput.Series(name: "train", points: [.init(x: 1, y: 2)])
        let json = String(decoding: try ResultsJSON.encoder().encode(plain), as: UTF8.self)
        #expect(json == #"{"name":"train","points":[{"x":1,"y":2}]}"#)

        let grouped = LineChartOutput.Series(name: "beta4 train", points: [], group: "beta4", dashed: true)
        let groupedJSON = String(decoding: try ResultsJSON.encoder().encode(grouped), as: UTF8.self)
        #expect(groupedJSON == #"{"dashed":true,"group":"beta4","name":"beta4 train","points":[]}"#)
        #expect(try ResultsJSON.decoder().decode(LineChartOutput.Series.self, from: Data(groupedJSON.utf8)) == grouped)
    }

    @Test func seriesWrittenBeforeGroupsExistedStillDecode() throws {
        let old = #"{"name":"test","points":[{"x":1,"y":"nan"},{"x":2,"y":3.5}]}"#
        let series = try ResultsJSON.decoder().decode(LineChartOutput.Series.self, from: Data(old.utf8))
        #expect(series.name == "test")
        #expect(series.group == nil)
        #expect(series.dashed == false)
        #expect(series.points.count == 2 && series.points[0].y.isNaN && series.points[1].y == 3.5)
    }
}
