import NotebookResults

/// A page with only a title, the stylesheet and a `<main>`: the index, and the page preview
/// shows for a notebook that has not run well yet. `main` and `afterMain` end with a newline.
func renderSimplePage(title: String, stylesheetHref: String, main: String, afterMain: String = "") -> String {
    """
    <!DOCTYPE html>
    <html lang="en">
    <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>\(escapeHTMLText(title))</title>
    <link rel="stylesheet" href="\(escapeHTMLAttribute(stylesheetHref))">
    </head>
    <body>
    <main>
    \(main)</main>
    \(afterMain)</body>
    </html>

    """
}
