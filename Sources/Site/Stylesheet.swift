/// The site's one stylesheet, written as `style.css` next to the pages.
///
/// Readable defaults with no web fonts: a column of at most 860 px in the system
/// font, light and dark themes (`prefers-color-scheme`), and print styles. Code
/// blocks are tinted; a block's outputs sit in a box joined to the bottom of its
/// code, like a notebook cell. Figures scale down with the column (`max-width: 100%`)
/// and charts draw with `currentColor`, so they follow the theme. Tables use tabular
/// figures with numbers right-aligned; tables and footnotes from the prose get rules of
/// their own. A block's tables keep each value on one line and wrap their headers between
/// words; a cell whose table needs more room than the column (`cell wide`, see
/// `tableNeedsWideCell`) widens into the margins, up to 1100 px, where the window has them.
/// A text output wraps a line that is longer than its box rather than hiding its end.
public let siteStylesheet = """
:root {
  color-scheme: light dark;
  --text: #1f2328;
  --muted: #59636e;
  --background: #ffffff;
  --surface: #f6f8fa;
  --border: #d1d9e0;
  --accent: #0969da;
  --output-mark: #8c959f;
  --mono: ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, "Liberation Mono", monospace;
}

@media (prefers-color-scheme: dark) {
  :root {
    --text: #e6edf3;
    --muted: #9198a1;
    --background: #0d1117;
    --surface: #161b22;
    --border: #30363d;
    --accent: #4493f8;
    --output-mark: #656c76;
  }
}

html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }

body {
  max-width: 860px;
  margin: 0 auto;
  padding: 1.5rem 1.25rem 3rem;
  font: 16px/1.6 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  color: var(--text);
  background: var(--background);
}

a { color: var(--accent); }
h1, h2, h3, h4 { line-height: 1.25; margin: 2rem 0 0.75rem; }
h1 { font-size: 2rem; margin-top: 0.5rem; }
h2 { font-size: 1.5rem; padding-bottom: 0.25rem; border-bottom: 1px solid var(--border); }
h3 { font-size: 1.2rem; }
p, ul, ol, blockquote { margin: 0 0 1rem; }
blockquote { margin-left: 0; padding: 0 1rem; color: var(--muted); border-left: 0.25rem solid var(--border); }
img, svg { max-width: 100%; height: auto; }
hr { border: 0; border-top: 1px solid var(--border); margin: 2rem 0; }

.site-header { margin-bottom: 1.5rem; font-size: 0.9rem; }
.site-header a { text-decoration: none; }
.site-header a:hover { text-decoration: underline; }

/* Code: inline, blocks, and the outputs joined below a runnable block. */
code, pre { font-family: var(--mono); font-size: 0.875rem; }
:not(pre) > code { padding: 0.1em 0.35em; border-radius: 4px; background: var(--surface); }
pre {
  margin: 0 0 1rem;
  padding: 0.75rem 1rem;
  overflow-x: auto;
  line-height: 1.45;
  background: var(--surface);
  border: 1px solid var(--border);
  border-radius: 6px;
}
pre code { padding: 0; background: none; font-size: inherit; }
pre.code[data-language="swift-vae"] { border-left: 3px solid var(--accent); }

.cell { margin: 1.25rem 0 1.5rem; }
.cell > pre.code { margin: 0; border-bottom-left-radius: 0; border-bottom-right-radius: 0; }
.outputs {
  padding: 0.75rem 1rem;
  overflow-x: auto;
  border: 1px solid var(--border);
  border-top: 0;
  border-left: 3px solid var(--output-mark);
  border-radius: 0 0 6px 6px;
}
/* A wide table's cell, code and outputs alike, takes up to 1100 px of a wider window,
   centred on the column; never more than the window leaves beside the page's padding. */
.cell.wide {
  margin-left: min(0px, calc((860px - min(1100px, 100vw - 3.5rem)) / 2));
  margin-right: min(0px, calc((860px - min(1100px, 100vw - 3.5rem)) / 2));
}
.outputs > :first-child { margin-top: 0; }
.outputs > :last-child { margin-bottom: 0; }
/* A text output wraps a line longer than its box, so no part of a summary is hidden. */
pre.output { margin: 0.75rem 0; padding: 0; border: 0; background: none; white-space: pre-wrap; overflow-wrap: break-word; }
.preview-error { border: 2px solid #b3261e; border-radius: 6px; padding: 0.5rem 1rem; margin: 1rem 0; background: #fdecea; }
.preview-error h2 { font-size: 1rem; margin: 0.25rem 0; color: #b3261e; }
.preview-error pre { background: #fff; white-space: pre-wrap; }

/* Figures: inline SVG that scales with the column and follows the theme. */
figure { margin: 1rem 0; }
.figure svg { display: block; max-width: 100%; height: auto; margin: 0 auto; overflow: visible; }
.figure.image-grid svg image { image-rendering: pixelated; }
figcaption { margin-top: 0.5rem; font-size: 0.875rem; color: var(--muted); text-align: center; }
.figure-title { font-weight: 600; color: var(--text); }
.figure-empty { color: var(--muted); font-style: italic; }
/* The links to a figure's exported files: small and quiet under the caption. */
.figure-exports { margin: 0.25rem 0 0; font-size: 0.75rem; color: var(--muted); text-align: center; }
.figure-exports a { color: inherit; text-decoration: none; border-bottom: 1px dotted currentColor; }
.figure-exports a:hover { color: var(--accent); }

/* Tables. */
table { border-collapse: collapse; margin: 0.75rem 0; font-size: 0.9rem; font-variant-numeric: tabular-nums; }
caption { caption-side: top; text-align: left; font-weight: 600; padding-bottom: 0.35rem; }
th, td { padding: 0.3rem 0.75rem; border-bottom: 1px solid var(--border); text-align: left; vertical-align: top; }
thead th { border-bottom: 2px solid var(--border); }
th.number, td.number { text-align: right; }
tbody tr:last-child td { border-bottom: 0; }
/* A block's tables keep each value on one line ("20 of 20", "beta1-warm"); headers wrap between words. */
.output-table td { white-space: nowrap; }
/* A wide table is set a little tighter, so it also fits a window of about 1000 px. */
.cell.wide .output-table th, .cell.wide .output-table td { padding-left: 0.5rem; padding-right: 0.5rem; }

/* Tables written in the prose (GFM pipe tables, no class): ruled cells, a tinted header,
   the column alignment of their delimiter row (`align`, which the rules above would
   override), and a horizontal scroll of their own when wider than the column. */
table:not([class]) { display: block; width: max-content; max-width: 100%; overflow-x: auto; margin: 0 0 1rem; }
table:not([class]) th, table:not([class]) td,
table:not([class]) tbody tr:last-child td { border: 1px solid var(--border); }
table:not([class]) thead th { background: var(--surface); font-weight: 600; }
th[align="left"], td[align="left"] { text-align: left; }
th[align="center"], td[align="center"] { text-align: center; }
th[align="right"], td[align="right"] { text-align: right; }

/* Footnotes: superscript numbers, and their texts in a quiet list at the end of the page. */
sup.footnote-ref { font-size: 0.75em; line-height: 0; }
sup.footnote-ref a { padding: 0 0.1em; text-decoration: none; }
sup.footnote-ref a:hover, a.footnote-backref:hover { text-decoration: underline; }
section.footnotes { margin-top: 2.5rem; padding-top: 0.75rem; border-top: 1px solid var(--border); font-size: 0.875rem; color: var(--muted); }
section.footnotes ol { margin: 0; padding-left: 1.5rem; }
section.footnotes li > :last-child { margin-bottom: 0.5rem; }
section.footnotes li:target { color: var(--text); }
a.footnote-backref { text-decoration: none; }
del { text-decoration-thickness: 1px; }

/* The reproducibility footer. */
.run-manifest { margin-top: 3rem; padding-top: 1rem; border-top: 1px solid var(--border); font-size: 0.875rem; color: var(--muted); }
.run-manifest h2 { font-size: 1rem; margin: 0 0 0.5rem; padding: 0; border: 0; color: var(--text); }
.run-manifest dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.25rem 1rem; margin: 0; }
.run-manifest dt { font-weight: 600; }
.run-manifest dd { margin: 0; min-width: 0; }
.run-manifest ul { margin: 0; padding: 0; list-style: none; }
.run-manifest li + li { margin-top: 0.25rem; }
.run-manifest .checksum { display: block; }
.run-manifest code { font-size: 0.8rem; }
.checksum, .command { overflow-wrap: anywhere; }

/* The index. */
.notebook-list { padding: 0; list-style: none; }
.notebook-list li { padding: 1rem 0; border-bottom: 1px solid var(--border); }
.notebook-list h2 { margin: 0 0 0.25rem; padding: 0; border: 0; font-size: 1.25rem; }
.notebook-list p { margin: 0 0 0.25rem; }
.last-run, .empty { color: var(--muted); font-size: 0.875rem; }

@media (max-width: 600px) {
  body { padding: 1rem 0.75rem 2rem; }
  .run-manifest dl { grid-template-columns: 1fr; }
  .run-manifest dd { margin-bottom: 0.5rem; }
}

@media print {
  :root {
    color-scheme: light;
    --text: #000000;
    --muted: #333333;
    --background: #ffffff;
    --surface: #f4f4f4;
    --border: #bbbbbb;
    --accent: #000000;
    --output-mark: #888888;
  }
  body { max-width: none; padding: 0; font-size: 11pt; }
  .site-header, .figure-exports { display: none; }
  a { color: inherit; text-decoration: none; }
  pre, pre.output { white-space: pre-wrap; overflow-wrap: anywhere; overflow: visible; }
  .outputs { overflow: visible; }
  .cell.wide { margin-left: 0; margin-right: 0; }
  .cell > pre.code, figure, table, tr { break-inside: avoid; }
  h1, h2, h3 { break-after: avoid; }
}

/* Table of contents: a quiet box under the title; hidden in print. */
nav.toc { margin: 1rem 0 2rem; padding: 0.75rem 1rem; border: 1px solid var(--border, rgba(127,127,127,0.3)); border-radius: 6px; font-size: 0.95rem; }
nav.toc .toc-title { margin: 0 0 0.25rem; font-weight: 600; }
nav.toc ol { margin: 0; padding-left: 1.25rem; }
nav.toc li.toc-sub { margin-left: 1rem; list-style-type: circle; }
@media print { nav.toc { display: none; } }

/* Maths: MathML Core drawn by the browser; a maths font (with an OpenType MATH table)
   lets delimiters stretch. Local fonts only: nothing is fetched. */
math {
  font-family: "STIX Two Math", "Cambria Math", "Latin Modern Math", "DejaVu Math TeX Gyre", math;
}
math[display="block"] { margin: 0.8em 0; overflow-x: auto; overflow-y: hidden; }
"""
