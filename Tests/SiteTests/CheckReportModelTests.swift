import Foundation
import NotebookResults
import Record
import Site
import Testing

/// The check report names the model of every number: two models of a notebook both have an
/// "epoch 1 train loss", and a reader must see which one moved.
@Suite struct CheckReportModelTests {
    @Test func aReportOfATwoModelDriftNamesBothModels() {
        let document = Document(path: "notebooks/beta.md", title: "β", segments: [])
        let manifest = RunManifest(seed: 1, parameters: [], engineVersion: "1", blasConfiguration: "b", blasCore: "c",
                                   blasThreads: 1, cpuArchitecture: "x86_64", datasetChecksums: [:],
                                   command: "notebook run notebooks/beta.md", seconds: 1, finishedAt: "")
        let plan = CheckPlan(notebookPath: document.path,
                             blocks: [.init(location: SourceLocation(file: document.path, line: 3, column: 1), tolerance: .default)])
        func run(_ beta1: Double, _ beta4: Double) -> RunResult {
            let metrics = [Metric(name: "epoch 1 train loss", value: beta1, model: "beta1"),
                           Metric(name: "epoch 1 train loss", value: beta4, model: "beta4")]
            return RunResult(document: document, results: [BlockResult(blockIndex: 0, outputs: [], metrics: metrics, seconds: 0)],
                             manifest: manifest)
        }
        let recorded = NotebookRecord(run(182.5, 190), plan: plan)
        let outcome = RecordComparison.compare(expected: recorded, actual: NotebookRecord(run(183.5, 190.25), plan: plan), plan: plan)
        let page = CheckReportPage.render(outcome: outcome, expected: recorded, actual: run(183.5, 190.25),
                                          recordPath: "beta.record.json")
        // The table of differences: each row's item names its model.
        #expect(page.contains("<td>'beta1' epoch 1 train loss</td>"))
        #expect(page.contains("<td>'beta4' epoch 1 train loss</td>"))
        // The block's unrounded metrics, each beside its model.
        #expect(page.contains("<tr><td>beta1</td><td>epoch 1 train loss</td><td class=\"number\">182.5</td><td class=\"number\">183.5</td></tr>"))
        #expect(page.contains("<tr><td>beta4</td><td>epoch 1 train loss</td><td class=\"number\">190.0</td><td class=\"number\">190.25</td></tr>"))
    }
}
