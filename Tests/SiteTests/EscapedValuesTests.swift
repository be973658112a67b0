import Foundation
import NotebookResults
import Site
import Testing

/// Raw HTML reaches a page only from the notebook's prose, as CommonMark says: every value
/// that comes from parameters, file names, data or the run is escaped.
@Suite struct EscapedValuesTests {
    static let hostile = "<script>alert(1)</script>"
    static let hostileFile = "<img src=x onerror=alert(1)>.ckpt"

    @Test func parameterValuesFileNamesAndTheCommandAreEscapedInThePage() {
        var run = Fixtures.demoRun
        run.manifest.parameters.append(NamedValue(name: "note", value: Self.hostile))
        run.manifest.overrides.append(NamedValue(name: "note", value: Self.hostile))
        run.manifest.inputChecksums[Self.hostileFile] = "5f0c2a9e"
        run.manifest.command = "notebook run '<b>.md' -p 'note=\(Self.hostile)'"
        let page = renderNotebookPage(run)

        #expect(!page.contains("<script"))
        #expect(!page.contains("<img src=x"))
        #expect(!page.contains("<b>"))
        #expect(page.contains("<li><code>note = &lt;script&gt;alert(1)&lt;/script&gt;</code> (set with <code>-p</code>)</li>"))
        #expect(page.contains("<code>&lt;img src=x onerror=alert(1)&gt;.ckpt</code>"))
        #expect(page.contains("<code class=\"command\">notebook run '&lt;b&gt;.md' -p "
                              + "'note=&lt;script&gt;alert(1)&lt;/script&gt;'</code>"))
    }

    @Test func notebookNamesAreEscapedInTheIndexAndThePreviewsErrorPage() {
        let index = renderIndexPage([PageSummary(title: "\(Self.hostile).md", href: "a\"><script>.html",
                                                 summary: Self.hostile, lastRun: Self.hostile)])
        #expect(!index.contains("<script"))
        #expect(index.contains("&lt;script&gt;alert(1)&lt;/script&gt;.md"))

        let error = renderPreviewErrorPage(notebook: "\(Self.hostileFile).md",
                                           preview: PreviewDecoration(version: 1, error: Self.hostile))
        // The preview's own reload script is the one script there.
        #expect(error.components(separatedBy: "<script").count == 2)
        #expect(!error.contains("<img src=x"))
        #expect(error.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
    }
}
