/// A parsed notebook: its structure as values, the prose rendered to HTML, interleaved
/// with its fenced code blocks.
///
/// The Markdown stage produces it once; later stages never look at Markdown again, and
/// never search its HTML: the title, the summary and the headings with their anchors are
/// handed over here. `segments` keeps the reading order: prose HTML and code blocks
/// alternate as they appear in the file (a block nested in a list or quote splits the
/// prose around it).
public struct Document: Sendable, Equatable, Codable {
    /// The file the document was read from, as given on the command line.
    public var path: String
    /// The page title: `title:` of the front matter, else the plain text of the first
    /// level-1 heading (maths keeps its `$` delimiters); nil when there is neither.
    public var title: String?
    /// The plain text of the first paragraph of prose, white space collapsed, maths as
    /// `$…$`; nil when the notebook has no prose paragraph.
    public var summary: String?
    /// The level-2 and level-3 headings in reading order, each with the `id` its HTML carries.
    public var headings: [Heading]
    /// Prose and code in reading order.
    public var segments: [Segment]
    /// The YAML front matter, if the file starts with one.
    public var frontMatter: FrontMatter
    /// What the Markdown stage found wrong in the prose (a footnote reference without a
    /// definition). The compiler reports them with its own errors, so a document that
    /// reaches a run has none; they are not encoded.
    public var problems: [Problem] = []
    /// The images the prose shows (`![alt](figs/a.png)`), in reading order, for the site
    /// to copy the local ones; empty in results written before it existed.
    public var images: [ImageReference] = []

    public init(path: String, title: String?, summary: String? = nil, headings: [Heading] = [],
                segments: [Segment], frontMatter: FrontMatter = .empty, images: [ImageReference] = [],
                problems: [Problem] = []) {
        self.path = path
        self.title = title
        self.summary = summary
        self.headings = headings
        self.segments = segments
        self.frontMatter = frontMatter
        self.images = images
        self.problems = problems
    }

    private enum CodingKeys: String, CodingKey {
        case path, title, summary, headings, segments, frontMatter, images
    }

    /// Decodes a document; one written before `images` existed has none.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        path = try container.decode(String.self, forKey: .path)
        title = try container.decodeIfPresent(String.self, forKey: .title)
        summary = try container.decodeIfPresent(String.self, forKey: .summary)
        headings = try container.decode([Heading].self, forKey: .headings)
        segments = try container.decode([Segment].self, forKey: .segments)
        frontMatter = try container.decode(FrontMatter.self, forKey: .frontMatter)
        images = try container.decodeIfPresent([ImageReference].self, forKey: .images) ?? []
    }

    /// Encodes a document; `images` only when there are some, so a document without
    /// images is written as before it existed.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(path, forKey: .path)
        try container.encodeIfPresent(title, forKey: .title)
        try container.encodeIfPresent(summary, forKey: .summary)
        try container.encode(headings, forKey: .headings)
        try container.encode(segments, forKey: .segments)
        try container.encode(frontMatter, forKey: .frontMatter)
        if !images.isEmpty { try container.encode(images, forKey: .images) }
    }

    /// A problem in the prose, at the position of the text it is about.
    public struct Problem: Sendable, Equatable, Codable {
        public var location: SourceLocation
        public var message: String
        /// How many characters the text it is about spans.
        public var length: Int

        public init(location: SourceLocation, message: String, length: Int) {
            self.location = location
            self.message = message
            self.length = length
        }
    }

    public enum Segment: Sendable, Equatable, Codable {
        /// Rendered HTML of the prose between two code blocks.
        case html(String)
        /// A fenced or indented code block, runnable or not.
        case code(CodeBlock)
        /// Where a table of contents belongs: right after the first level-1 heading. A
        /// document without one has no such segment; a page may put its contents first.
        case contents
    }

    /// The code blocks in reading order.
    public var codeBlocks: [CodeBlock] {
        segments.compactMap { if case .code(let block) = $0 { block } else { nil } }
    }

    /// The runnable (`swift-vae`) blocks in reading order.
    public var runnableBlocks: [CodeBlock] { codeBlocks.filter(\.isRunnable) }

    /// This document with `cell` set on the code block whose `index` is `blockIndex`.
    public func settingCell(_ cell: CellDisplay?, ofBlock blockIndex: Int) -> Document {
        var copy = self
        copy.segments = segments.map { segment in
            guard case .code(var block) = segment, block.index == blockIndex else { return segment }
            block.cell = cell
            return .code(block)
        }
        return copy
    }
}

/// A section heading of the prose, with the anchor its HTML element carries.
public struct Heading: Sendable, Equatable, Codable {
    /// 2 or 3 (`##`, `###`).
    public var level: Int
    /// The heading's `id`, unique on the page (`training-2` for a second "Training").
    public var anchor: String
    /// The heading's plain text (maths keeps its `$` delimiters).
    public var text: String

    public init(level: Int, anchor: String, text: String) {
        self.level = level
        self.anchor = anchor
        self.text = text
    }
}

/// One code block of the notebook with the positions needed to report errors inside it.
public struct CodeBlock: Sendable, Equatable, Codable {
    /// The language word of the info string (`swift-vae`, `python`, or empty); Quarto's
    /// ```` ```{swift-vae} ```` gives the word inside the braces.
    public var language: String
    /// The rest of the info string after the language word (e.g. `{#train}`); for
    /// ```` ```{swift-vae tolerance=1e-2} ```` the rest inside the braces, braced: `{tolerance=1e-2}`.
    public var attributes: String
    /// The block's text, lines separated by `\n`, without the fences.
    public var source: String
    /// Where the opening fence starts.
    public var fenceLocation: SourceLocation
    /// The file line of the block's first content line.
    public var firstContentLine: Int
    /// The file column (1-based) at which content lines start, after any container
    /// indentation (list items, block quotes) and fence indentation.
    public var contentColumn: Int
    /// The ordinal of this block among all code blocks of the document, from 0.
    public var index: Int
    /// How the page shows a runnable block with `#|` cell options, set by the Language stage
    /// in the program's document; nil for a block without them (and in JSON written before them).
    public var cell: CellDisplay?

    public init(language: String, attributes: String, source: String, fenceLocation: SourceLocation,
                firstContentLine: Int, contentColumn: Int, index: Int, cell: CellDisplay? = nil) {
        self.language = language
        self.attributes = attributes
        self.source = source
        self.fenceLocation = fenceLocation
        self.firstContentLine = firstContentLine
        self.contentColumn = contentColumn
        self.index = index
        self.cell = cell
    }

    /// The language word that marks a block to run.
    public static let runnableLanguage = "swift-vae"

    public var isRunnable: Bool { language == Self.runnableLanguage }

    /// The location in the Markdown file of a column within a line of this block (both 0-based).
    public func location(ofLine lineOffset: Int, column columnOffset: Int) -> SourceLocation {
        SourceLocation(file: fenceLocation.file,
                       line: firstContentLine + lineOffset,
                       column: contentColumn + columnOffset)
    }
}

/// An image the prose refers to, with where its reference starts in the Markdown file.
public struct ImageReference: Sendable, Equatable, Codable {
    /// The image's URL as cmark reads it (`figs/a.png`, `https://…`); percent-encoded.
    public var source: String
    /// Where `![` starts.
    public var location: SourceLocation

    public init(source: String, location: SourceLocation) {
        self.source = source
        self.location = location
    }
}
