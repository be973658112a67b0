import NotebookResults
/// One notebook as the site's index lists it.
public struct PageSummary: Sendable, Equatable, Codable {
    /// The notebook's title (see `notebookTitle(_:)`).
    public var title: String
    /// The page's URL relative to the index, such as `vae.html`.
    public var href: String
    /// Plain text introducing the notebook: its first paragraph, shortened.
    public var summary: String
    /// When the notebook was last run, as the manifest writes it.
    public var lastRun: String

    public init(title: String, href: String, summary: String, lastRun: String) {
        self.title = title
        self.href = href
        self.summary = summary
        self.lastRun = lastRun
    }
}

/// Renders the site's index: a list of its notebooks, in the order given, each with
/// its title as a link (its TeX maths as MathML, see `renderTitleHTML`), its summary and
/// when it last ran.
///
/// Like notebook pages, the index is a complete HTML5 document with no script and
/// only relative links.
public func renderIndexPage(_ pages: [PageSummary], title: String = "Notebooks",
                            stylesheetHref: String = "style.css") -> String {
    let list: String
    if pages.isEmpty {
        list = "<p class=\"empty\">No notebooks yet. Run <code>notebook run NOTEBOOK.md</code> to add one.</p>"
    } else {
        let items = pages.map { page in
            var item = "<li>\n<h2><a href=\"\(escapeHTMLAttribute(page.href))\">\(renderTitleHTML(page.title))</a></h2>\n"
            if !page.summary.isEmpty { item += "<p>\(escapeHTMLText(page.summary))</p>\n" }
            if !page.lastRun.isEmpty { item += "<p class=\"last-run\">Last run \(escapeHTMLText(page.lastRun))</p>\n" }
            return item + "</li>"
        }
        list = "<ul class=\"notebook-list\">\n\(items.joined(separator: "\n"))\n</ul>"
    }
    return renderSimplePage(title: title, stylesheetHref: stylesheetHref,
                            main: "<h1>\(escapeHTMLText(title))</h1>\n\(list)\n")
}
