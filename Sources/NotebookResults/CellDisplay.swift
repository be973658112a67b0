/// How a page shows one runnable block, from its Quarto-style `#|` cell options:
///
/// ````
/// ```swift-vae
/// #| label: training
/// #| echo: false
/// train epochs=10
/// ```
/// ````
///
/// The Language stage checks the options and sets `CodeBlock.cell`; the page reads only
/// this, never the block's text, so a page rendered from a run's JSON alone shows the
/// block the same way.
public struct CellDisplay: Sendable, Equatable, Codable {
    /// Whether the code is shown (`#| echo: false` hides it; its outputs stay).
    public var echo: Bool
    /// Whether the outputs are shown (`#| output: false` hides them; they are still run,
    /// recorded and checked).
    public var output: Bool
    /// The cell's `id` on the page (`#| label: name`), unique in the notebook.
    public var label: String?
    /// How many of the block's first lines are `#|` options, which the page leaves out of the code.
    public var optionLineCount: Int

    public init(echo: Bool = true, output: Bool = true, label: String? = nil, optionLineCount: Int = 0) {
        self.echo = echo
        self.output = output
        self.label = label
        self.optionLineCount = optionLineCount
    }

    /// A block without options: code and outputs shown, no id.
    public static let `default` = CellDisplay()

    private enum CodingKeys: String, CodingKey { case echo, output, label, optionLineCount }

    // Every field has a default, so JSON missing any of them (older or newer) still decodes.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        echo = try container.decodeIfPresent(Bool.self, forKey: .echo) ?? true
        output = try container.decodeIfPresent(Bool.self, forKey: .output) ?? true
        label = try container.decodeIfPresent(String.self, forKey: .label)
        optionLineCount = try container.decodeIfPresent(Int.self, forKey: .optionLineCount) ?? 0
    }
}
