import NotebookResults

/// What `notebook preview` adds to a page it serves, and only there: a script that reloads
/// the page when the notebook's results change, and the latest error above the last good
/// outputs. Published pages never carry either.
public struct PreviewDecoration: Sendable, Equatable {
    /// Changes with every rebuild; the script reloads when the server reports another one.
    public var version: Int
    /// The last run's error as the terminal shows it (message, source line, caret), if it failed.
    public var error: String?
    /// Where the script asks for the current version.
    public static let versionPath = "/__preview/version"

    public init(version: Int, error: String? = nil) {
        self.version = version
        self.error = error
    }

    var errorBanner: String {
        guard let error else { return "" }
        return "<section class=\"preview-error\" role=\"alert\">\n<h2>This notebook has an error; "
            + "the outputs below are from its last good run</h2>\n<pre>\(escapeHTMLText(error))</pre>\n</section>\n"
    }

    var reloadScript: String {
        """
        <script>
        // notebook preview: reload when the notebook's results change.
        setInterval(async () => {
          try {
            const response = await fetch("\(Self.versionPath)", {cache: "no-store"});
            if ((await response.text()).trim() !== "\(version)") location.reload();
          } catch (error) {}
        }, 400);
        </script>

        """
    }
}

/// The page `notebook preview` serves for a notebook that has failed before any good run:
/// the error, and the reload script so the fix shows as soon as it is saved.
public func renderPreviewErrorPage(notebook: String, preview: PreviewDecoration,
                                   stylesheetHref: String = "style.css") -> String {
    renderSimplePage(title: notebook, stylesheetHref: stylesheetHref, main: preview.errorBanner,
                     afterMain: preview.reloadScript)
}
