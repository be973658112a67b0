import Foundation
import NotebookResults
import Site
import Testing

/// A page needs nothing but results: one is rendered from a run's results stored as JSON,
/// with no engine, cmark or BLAS in this test target's graph.
@Suite struct PageFromResultsJSONTests {
    static func fixture() throws -> RunResult {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/run-result.json")
        return try ResultsJSON.decoder().decode(RunResult.self, from: Data(contentsOf: url))
    }

    @Test func pageRenderedFromAResultsFile() throws {
        let run = try Self.fixture()
        #expect(run.results.count == 4)
        expectSnapshot(renderNotebookPage(run), named: "page-from-results-json.html")
    }

    @Test func indexEntryFromAResultsFile() throws {
        let entry = SiteManifest.entry(for: try Self.fixture(), href: "results.html")
        #expect(entry.title == "Cache")
        #expect(entry.summary == "Some prose.")
    }
}
