import NotebookResults
/// Renders a block's plain-text output (a summary, an evaluation) as `<pre class="output">`.
///
/// The text is escaped and kept verbatim, so column-aligned summaries stay aligned; the
/// stylesheet wraps a line longer than the box instead of hiding its end.
/// A trailing newline is dropped so the block has no empty last line.
public func renderTextOutput(_ text: String) -> String {
    var body = Substring(text)
    while body.last == "\n" { body.removeLast() }
    return "<pre class=\"output\">\(escapeHTMLText(String(body)))</pre>"
}
