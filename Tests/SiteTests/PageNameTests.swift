import Site
import Testing

/// A notebook's page name never collides with the site's own files or another notebook's page.
@Suite struct PageNameTests {
    @Test func anIndexNotebookGetsItsOwnPage() {
        #expect(SitePublisher.pageName(forNotebook: "notebooks/vae.md") == "vae.html")
        #expect(SitePublisher.pageName(forNotebook: "notebooks/index.md") == "index-notebook.html")
        #expect(SitePublisher.pageName(forNotebook: "Index.md") == "Index-notebook.html")
        #expect(SitePublisher.pageName(forNotebook: "index-notebook.md") == "index-notebook-notebook.html")
        #expect(SitePublisher.pageName(forNotebook: "indexes.md") == "indexes.html")
        #expect(SitePublisher.pageName(forNotebook: "site.md") == "site.html")
        #expect(SitePublisher.pageName(forNotebook: "style.md") == "style.html")
    }

    @Test func noTwoNotebookNamesShareAPage() {
        let stems = ["index", "Index", "index-notebook", "index-notebook-notebook", "index-", "index-note", "vae", "indexnotebook"]
        let pages = stems.map { SitePublisher.pageName(forNotebook: "\($0).md") }
        #expect(Set(pages).count == stems.count)
        #expect(!pages.contains { $0.lowercased() == "index.html" })
    }
}
