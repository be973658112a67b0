import Foundation
import NotebookResults
import Testing

/// The JSON form of outputs is what the cache stores and pages are rendered from, so a new
/// kind must round-trip and keep one stable form.
@Suite struct BlockOutputJSONTests {
    static func json(_ output: BlockOutput) throws -> String {
        String(decoding: try ResultsJSON.encoder().encode(output), as: UTF8.self)
    }

    static func decode(_ json: String) throws -> BlockOutput {
        try ResultsJSON.decoder().decode(BlockOutput.self, from: Data(json.utf8))
    }

    @Test func aBarChartHasOneStableJSONForm() throws {
        let chart = BarChartOutput(title: "KL", caption: "c", xLabel: "dim", yLabel: "nats",
                                   bars: [.init(label: "z1", value: 0.5, highlighted: true), .init(label: "z2", value: 0.001)],
                                   threshold: .init(value: 0.01, label: "active"))
        let json = try Self.json(.barChart(chart))
        #expect(json == #"{"barChart":{"_0":{"bars":[{"highlighted":true,"label":"z1","value":0.5},"#
            + #"{"highlighted":false,"label":"z2","value":0.001}],"caption":"c","threshold":{"label":"active","value":0.01},"#
            + #""title":"KL","xLabel":"dim","yLabel":"nats"}}}"#)
        #expect(try Self.decode(json) == .barChart(chart))

        var bare = chart
        bare.threshold = nil
        let bareJSON = try Self.json(.barChart(bare))
        #expect(!bareJSON.contains("threshold"))
        #expect(try Self.decode(bareJSON) == .barChart(bare))
    }

    @Test func nonFiniteBarValuesRoundTrip() throws {
        let chart = BarChartOutput(title: "", xLabel: "", yLabel: "",
                                   bars: [.init(label: "a", value: .nan), .init(label: "b", value: .infinity)])
        let json = try Self.json(.barChart(chart))
        #expect(json.contains(#""value":"nan""#) && json.contains(#""value":"inf""#))
        guard case .barChart(let decoded) = try Self.decode(json) else {
            Issue.record("not a bar chart")
            return
        }
        #expect(decoded.bars[0].value.isNaN && decoded.bars[1].value == .infinity)
    }

    @Test func aRunWithEveryKindOfOutputRoundTrips() throws {
        let outputs: [BlockOutput] = [
            .text("seed 1"),
            .table(Fixtures.lossTable),
            .lineChart(Fixtures.lossChart),
            .lineChart(MultiModelFixtures.overlayChart),
            .imageGrid(Fixtures.samplesGrid),
            .scatter(Fixtures.projectedScatter),
            .barChart(MultiModelFixtures.klPerDimension),
        ]
        let result = BlockResult(blockIndex: 0, outputs: outputs, seconds: 1)
        let json = try ResultsJSON.encoder().encode(result)
        #expect(try ResultsJSON.decoder().decode(BlockResult.self, from: json) == result)
        // Encoding is deterministic: the same value gives the same bytes.
        #expect(try ResultsJSON.encoder().encode(result) == json)
    }
}
