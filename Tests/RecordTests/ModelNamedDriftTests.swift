import Foundation
import NotebookResults
import Record
import Testing

/// Two models of a block both have an "epoch 1 train loss": a check names the model of each number.
@Suite struct ModelNamedDriftTests {
    static func run(_ beta4Loss: Double) -> FixtureRun {
        var run = FixtureRun()
        run.metrics = [Metric(name: "epoch 1 train loss", value: 182.5, model: "beta1"),
                       Metric(name: "epoch 1 train loss", value: beta4Loss, model: "beta4")]
        return run
    }

    @Test func aDriftOfTwoModelsNamesBoth() throws {
        var changed = Self.run(190.25)
        changed.metrics[0].value = 183.5
        let outcome = Fixtures.compare(Self.run(190), changed)
        #expect(outcome.drifts.map(\.model) == ["beta1", "beta4"])
        #expect(outcome.drifts.map(\.qualifiedItem) == ["'beta1' epoch 1 train loss", "'beta4' epoch 1 train loss"])
        #expect(outcome.drifts[1].description.contains("metrics: 'beta4' epoch 1 train loss: expected 190, actual 190.25"))
    }

    /// The record keeps each metric's model, so a number that moved to another model is a drift too.
    @Test func theRecordKeepsTheModelOfEachMetric() throws {
        let record = Self.run(190).record
        #expect(record.blocks[0].metrics.map(\.model) == ["beta1", "beta4"])
        var renamed = Self.run(190)
        renamed.metrics[1].model = "beta8"
        let outcome = Fixtures.compare(Self.run(190), renamed)
        #expect(outcome.drifts.map(\.item) == ["model of epoch 1 train loss"])
        #expect(outcome.drifts.first?.expected == "beta4" && outcome.drifts.first?.actual == "beta8")
    }
}
