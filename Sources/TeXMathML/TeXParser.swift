/// Reads TeX maths and builds MathML Core nodes; see `TeXToMathML` for the decisions.
///
/// A recursive-descent reader over the Unicode scalars of the source. It never fails:
/// whatever it does not understand becomes a visible `<merror>` holding the TeX, and it
/// always moves forward, so every input ends. Nesting deeper than `maximumDepth` (far
/// beyond real formulas) stops the reading with an error holding the rest of the source,
/// which keeps the recursion's stack use small.
struct TeXParser {
    /// The constructs whose closing tokens end a list: `}`, `\right`, `&`/`\\`/`\end`, `]`.
    private enum Context { case brace, left, table, bracket }

    /// One atom of a list, with the TeX class that decides the spacing around it.
    struct Item {
        var node: TeXMathMLNode
        var atom: TeXAtom
        var limits: Limits = .side
    }

    /// Where sub- and superscripts go.
    enum Limits {
        /// To the side (`msub`, `msup`, `msubsup`).
        case side
        /// Under and over in display style, to the side in text style (`\sum`, `\lim`).
        case display
        /// Always under and over (`\underbrace`, `\limits`).
        case always
    }

    /// How a table ends.
    private enum Closing: Equatable {
        case environment(String)
        case brace
        case topLevel
    }

    static let maximumDepth = 40
    static let thinSpace = "0.1667em"

    private let source: [Unicode.Scalar]
    private var position = 0
    /// TeX's display style (limits under and over) versus text or script style.
    private var displayStyle: Bool
    /// Script or scriptscript style, where TeX drops most spaces between atoms.
    private var inScript = false
    private var font: TeXFont?
    private var contexts: [Context] = []
    private var depth = 0

    init(_ tex: String, display: Bool) {
        source = Array(tex.unicodeScalars)
        displayStyle = display
    }

    // MARK: - Formula

    /// The whole formula as one node. Display maths may hold rows (`\\`) and columns (`&`)
    /// without an environment, as in `gathered`/`aligned`.
    mutating func parseFormula() -> TeXMathMLNode {
        guard displayStyle else {
            return .row(finish(parseList(), leading: true))
        }
        let rows = parseTable(closing: .topLevel)
        if rows.count == 1, rows[0].count == 1 { return rows[0][0] }
        let aligned = rows.contains { $0.count > 1 }
        return table(rows, environment: aligned ? "aligned" : "gathered", columnSpec: [])
    }

    // MARK: - Lists

    /// Atoms up to the end of the source or a token that closes an open construct.
    private mutating func parseList() -> [Item] {
        depth += 1
        defer { depth -= 1 }
        if depth > Self.maximumDepth { return [tooDeep()] }
        var items: [Item] = []
        while true {
            skipSpaces()
            guard let character = peek(), !atStop() else { break }
            if character == "\\", let name = peekCommandName() {
                // Commands that act on the rest of the list.
                if let style = Self.styleCommands[name] {
                    skipCommand()
                    items.append(styledRest(displayStyle: style.display, scriptLevel: style.scriptLevel))
                    continue
                }
                if let switched = Self.fontSwitches[name] {
                    skipCommand()
                    font = switched
                    continue
                }
                if name == "color" {
                    skipCommand()
                    items.append(coloredRest())
                    continue
                }
            }
            let item: Item
            if character == "^" || character == "_" || character == "'" {
                item = Item(node: .row([]), atom: .ord)
            } else if let atom = parseAtom(single: false) {
                item = atom
            } else {
                continue
            }
            items.append(attachScripts(to: item))
        }
        return items
    }

    private static let styleCommands: [String: (display: Bool, scriptLevel: Int?)] = [
        "displaystyle": (true, nil), "textstyle": (false, nil),
        "scriptstyle": (false, 1), "scriptscriptstyle": (false, 2),
    ]

    private static let fontSwitches: [String: TeXFont] = [
        "rm": .roman, "it": .italic, "bf": .bold, "cal": .script, "sf": .sansSerif, "tt": .monospace,
        "mit": .italic,
    ]

    /// `\displaystyle` and friends: the rest of the list in an `mstyle`.
    private mutating func styledRest(displayStyle display: Bool, scriptLevel: Int?) -> Item {
        let saved = (displayStyle, inScript)
        displayStyle = display
        inScript = scriptLevel != nil
        let rest = parseList()
        (displayStyle, inScript) = saved
        var attributes = [(name: "displaystyle", value: display ? "true" : "false")]
        if let scriptLevel { attributes.append(("scriptlevel", String(scriptLevel))) }
        return Item(node: .element("mstyle", [.row(finish(rest, leading: true))], attributes), atom: .ord)
    }

    /// `\color{red}`: the rest of the list in that colour.
    private mutating func coloredRest() -> Item {
        guard let color = readColor() else { return errorItem("\\color") }
        let rest = parseList()
        return Item(node: .element("mstyle", [.row(finish(rest, leading: true))], [("mathcolor", color)]), atom: .ord)
    }

    /// Whether the next token closes one of the open constructs.
    private func atStop() -> Bool {
        guard let character = peek() else { return true }
        switch character {
        case "}": return contexts.contains(.brace)
        case "&": return contexts.contains(.table)
        case "]": return contexts.last == .bracket
        case "\\":
            switch peekCommandName() {
            case "right": return contexts.contains(.left)
            case "\\", "cr", "end": return contexts.contains(.table)
            default: return false
            }
        default: return false
        }
    }

    // MARK: - Atoms

    /// One atom without its scripts, or nil for commands that show nothing (`\label{…}`).
    /// Consumes at least one character. `single`: one character of a number or word, as
    /// in a macro argument (`\frac12`, `x_ab`).
    private mutating func parseAtom(single: Bool) -> Item? {
        depth += 1
        defer { depth -= 1 }
        if depth > Self.maximumDepth { return tooDeep() }
        let character = source[position]
        if character == "\\" { return parseCommand() }
        position += 1
        switch character {
        case "{":
            let items = parseGroupContent()
            return Item(node: .row(finish(items, leading: true)), atom: .ord)
        case "}", "&", "#", "^", "_":
            return errorItem(String(character))
        case "'":
            return Item(node: .token("mi", "′"), atom: .ord)
        case "~":
            return Item(node: .space("0.25em"), atom: .space)
        case "0"..."9":
            var text = String(character)
            if !single {
                while let next = peek(), next.properties.numericType != nil, next.isASCII { text.unicodeScalars.append(next); position += 1 }
                if peek() == ".", let after = peek(offset: 1), ("0"..."9").contains(after) {
                    text += "."
                    position += 1
                    while let next = peek(), ("0"..."9").contains(next) { text.unicodeScalars.append(next); position += 1 }
                }
            }
            return number(text)
        case "a"..."z", "A"..."Z":
            if font == .roman && !single {
                var word = String(character)
                while let next = peekSkippingSpaces(), next.isASCII, next.properties.isAlphabetic {
                    skipSpaces()
                    word.unicodeScalars.append(next)
                    position += 1
                }
                if word.unicodeScalars.count > 1 { return Item(node: .token("mi", word), atom: .ord) }
            }
            return identifier(String(character), upright: false)
        default:
            return characterItem(character)
        }
    }

    /// Any other character: operators, fences, punctuation, or a letter from another script.
    private func characterItem(_ character: Unicode.Scalar) -> Item {
        switch character {
        case "-": return Item(node: .token("mo", "−"), atom: .bin)
        case "*": return Item(node: .token("mo", "∗"), atom: .bin)
        case "+": return Item(node: .token("mo", "+"), atom: .bin)
        case "=", "<", ">": return Item(node: .token("mo", String(character)), atom: .rel)
        case "(", "[": return Item(node: fence(String(character)), atom: .open)
        case ")", "]": return Item(node: fence(String(character)), atom: .close)
        case ",", ";": return Item(node: .token("mo", String(character)), atom: .punct)
        case ":":
            // TeX's `:` is a relation; the operator dictionary spaces it as punctuation.
            return Item(node: .token("mo", ":", [("lspace", "0.2778em"), ("rspace", "0.2778em")]), atom: .rel)
        case "!": return Item(node: .token("mo", "!"), atom: .close)
        case "?": return Item(node: ordinaryOperator("?"), atom: .close)
        case "|", "/", ".", "@", "\"", "`", "\\": return Item(node: ordinaryOperator(String(character)), atom: .ord)
        default:
            let text = String(character)
            if character.properties.isAlphabetic { return identifier(text, upright: false) }
            if let atom = TeXSymbols.atom(ofCharacter: text) {
                switch atom {
                case .open, .close: return Item(node: fence(text), atom: atom)
                case .op: return Item(node: .token("mo", text), atom: .op, limits: .display)
                default: return Item(node: .token("mo", text), atom: atom)
                }
            }
            if character.properties.numericType != nil { return number(text) }
            return Item(node: .token("mi", text), atom: .ord)
        }
    }

    private func number(_ digits: String) -> Item {
        guard let font, font != .roman, font != .italic else { return Item(node: .token("mn", digits), atom: .ord) }
        var text = ""
        for scalar in digits.unicodeScalars { text += TeXSymbols.styled(scalar, in: font) ?? String(scalar) }
        return Item(node: .token("mn", text), atom: .ord)
    }

    /// A letter or letter-like symbol in the current font. `upright`: TeX sets it upright
    /// (capital Greek, `\nabla`), so MathML's automatic italic must be turned off.
    private func identifier(_ text: String, upright: Bool) -> Item {
        let scalars = text.unicodeScalars
        if let font, scalars.count == 1, let styled = TeXSymbols.styled(scalars.first!, in: font) {
            return Item(node: .token("mi", styled), atom: .ord)
        }
        let wantsUpright = font == .roman || (upright && font != .italic)
        if wantsUpright && Self.isAutoItalic(text) {
            return Item(node: .token("mi", text, [("mathvariant", "normal")]), atom: .ord)
        }
        return Item(node: .token("mi", text), atom: .ord)
    }

    /// Whether MathML sets this `<mi>` in italic by default: a single Latin or Greek letter
    /// (or one of the few symbols in the italic math alphabet).
    static func isAutoItalic(_ text: String) -> Bool {
        let scalars = text.unicodeScalars
        guard scalars.count == 1, let scalar = scalars.first else { return false }
        switch scalar.value {
        case 0x41...0x5A, 0x61...0x7A, 0x391...0x3A9, 0x3B1...0x3C9: return true
        case 0x131, 0x237, 0x3D1, 0x3D5, 0x3D6, 0x3F0, 0x3F1, 0x3F4, 0x3F5, 0x2202, 0x2207: return true
        default: return false
        }
    }

    /// A delimiter used as such but not stretched (TeX's plain `(`, `[`, `\{`).
    private func fence(_ text: String, form: String? = nil) -> TeXMathMLNode {
        var attributes: [(name: String, value: String)] = []
        if let form { attributes.append(("form", form)) }
        attributes.append(("stretchy", "false"))
        return .token("mo", text, attributes)
    }

    /// An operator character that TeX treats as an ordinary symbol: no space around it.
    private func ordinaryOperator(_ text: String) -> TeXMathMLNode {
        var attributes: [(name: String, value: String)] = [("lspace", "0em"), ("rspace", "0em")]
        if text == "|" || text == "‖" || text == "/" || text == "\\" { attributes.append(("stretchy", "false")) }
        return .token("mo", text, attributes)
    }

    private func symbolItem(_ symbol: TeXSymbols.Symbol) -> Item {
        let text = symbol.text
        switch symbol.atom {
        case .ord:
            if text == "|" || text == "‖" || text == "\\" { return Item(node: ordinaryOperator(text), atom: .ord) }
            return identifier(text, upright: symbol.upright)
        case .inner:
            return Item(node: .token("mi", text), atom: .inner)
        case .open, .close:
            let form = text == "|" || text == "‖" ? (symbol.atom == .open ? "prefix" : "postfix") : nil
            return Item(node: fence(text, form: form), atom: symbol.atom)
        case .punct where text != ":":
            return Item(node: .token("mo", text, [("lspace", "0em"), ("rspace", Self.thinSpace)]), atom: .punct)
        case .op:
            return Item(node: .token("mo", text), atom: .op, limits: symbol.limits ? .display : .side)
        case .function:
            return Item(node: .token("mi", text), atom: .function, limits: symbol.limits ? .display : .side)
        default:
            return Item(node: .token("mo", text), atom: symbol.atom)
        }
    }

    // MARK: - Commands

    private mutating func parseCommand() -> Item? {
        let start = position
        guard let name = readCommandName() else { return errorItem("\\") }
        if let symbol = TeXSymbols.symbol(name) { return symbolItem(symbol) }
        switch name {
        case ",", "thinspace": return spaceItem(Self.thinSpace)
        case ":", ">", "medspace": return spaceItem("0.2222em")
        case ";", "thickspace": return spaceItem("0.2778em")
        case "!", "negthinspace": return spaceItem("-0.1667em")
        case "negmedspace": return spaceItem("-0.2222em")
        case "negthickspace": return spaceItem("-0.2778em")
        case " ", "\t", "\n", "nobreakspace": return spaceItem("0.25em")
        case "quad": return spaceItem("1em")
        case "qquad": return spaceItem("2em")
        case "enspace", "enskip": return spaceItem("0.5em")
        case "hspace", "hspace*", "mspace", "kern", "mkern", "hskip", "mskip":
            guard let width = readLength(braced: name.hasPrefix("hspace") || name == "mspace") else {
                return errorItem("\\" + name)
            }
            return spaceItem(width)

        case "frac", "dfrac", "tfrac", "cfrac", "binom", "dbinom", "tbinom":
            return fraction(name)
        case "sqrt": return root()
        case "left": return leftRight()
        case "middle":
            guard let text = readDelimiter() else { return errorItem("\\middle") }
            if text.isEmpty { return nil }
            let stretchy = contexts.contains(.left) ? "true" : "false"
            return Item(node: .token("mo", text, [("lspace", "0.1667em"), ("rspace", "0.1667em"), ("stretchy", stretchy)]), atom: .rel)
        case "big", "Big", "bigg", "Bigg", "bigl", "Bigl", "biggl", "Biggl",
             "bigr", "Bigr", "biggr", "Biggr", "bigm", "Bigm", "biggm", "Biggm":
            return sizedDelimiter(name)
        case "right":
            // Only reached without a matching `\left`.
            _ = readDelimiter()
            return errorItem(String(String.UnicodeScalarView(source[start..<position])))
        case "begin": return environment()
        case "end":
            // Only reached outside any environment.
            let environment = readBraceText().map { "{\($0)}" } ?? ""
            return errorItem("\\end" + environment)
        case "\\", "cr", "newline", "hline", "hdashline", "relax", "nonumber", "notag", "limits", "nolimits",
             "allowbreak", "nobreak", "displaylines", "strut", "mathstrut":
            return nil
        case "label", "cline":
            _ = readBraceText()
            return nil
        case "tag", "tag*":
            guard let text = readTextArgument() else { return errorItem("\\tag") }
            let label = name == "tag" ? "(\(text.text))" : text.text
            return Item(node: .element("mrow", [.space("2em"), .token("mtext", label)]), atom: .ord)

        case "mathrm", "mathup", "textup", "mathnormal", "mathit", "mathbf", "mathsf", "mathtt", "mathcal",
             "mathscr", "mathbb", "mathfrak", "boldsymbol", "bm", "mathbfit", "pmb", "Bbb", "bold":
            return fontArgument(Self.fontCommands[name] ?? .roman, command: name)
        case "text", "textrm", "textnormal", "mbox", "hbox", "textit", "textbf", "texttt", "textsf", "textmd", "emph":
            return textItem(command: name)
        case "operatorname", "operatorname*":
            guard let argument = readTextArgument() else { return errorItem("\\" + name) }
            let text = String(argument.text.unicodeScalars.filter { $0 != " " && $0 != "\n" && $0 != "\t" })
            guard !text.isEmpty else { return nil }
            let attributes: [(name: String, value: String)] = Self.isAutoItalic(text) ? [("mathvariant", "normal")] : []
            return Item(node: .token("mi", text, attributes), atom: .function, limits: name.hasSuffix("*") ? .display : .side)
        case "mathop":
            let items = parseArgumentItems() ?? []
            return Item(node: .row(finish(items, leading: true)), atom: .function, limits: .display)
        case "mathord", "mathbin", "mathrel", "mathopen", "mathclose", "mathpunct", "mathinner":
            let items = parseArgumentItems() ?? [errorItem("\\" + name)]
            let atoms: [String: TeXAtom] = ["mathord": .ord, "mathbin": .bin, "mathrel": .rel, "mathopen": .open,
                                            "mathclose": .close, "mathpunct": .punct, "mathinner": .inner]
            return Item(node: .row(finish(items, leading: true)), atom: atoms[name] ?? .ord)

        case _ where Self.accents[name] != nil:
            let accent = Self.accents[name]!
            let base = parseArgument() ?? .error("\\" + name)
            var attributes: [(name: String, value: String)] = []
            if !accent.stretchy { attributes.append(("stretchy", "false")) }
            let mark = TeXMathMLNode.token("mo", accent.mark, attributes)
            if accent.under {
                return Item(node: .element("munder", [base, mark], [("accentunder", "true")]), atom: .ord)
            }
            return Item(node: .element("mover", [base, mark], [("accent", "true")]), atom: .ord)
        case "overline", "underline":
            // A border rather than a stretched glyph: few fonts stretch U+203E or U+0332, and
            // an unstretched bar over `x+y` would read as `x∓y`.
            let base = parseArgument() ?? .error("\\" + name)
            let side = name == "overline" ? "top" : "bottom"
            let content = base.tag == "mrow" && base.attributes.isEmpty ? base.children : [base]
            return Item(node: .element("mrow", content, [("style", "border-\(side): 0.065em solid; padding-\(side): 0.1em")]), atom: .ord)
        case "overbrace", "underbrace":
            let base = parseArgument() ?? .error("\\" + name)
            let over = name == "overbrace"
            let brace = TeXMathMLNode.token("mo", over ? "⏞" : "⏟", [("stretchy", "true")])
            return Item(node: .element(over ? "mover" : "munder", [base, brace]), atom: .ord, limits: .always)
        case "overset", "underset", "stackrel":
            let saved = (displayStyle, inScript)
            (displayStyle, inScript) = (false, true)
            let script = parseArgument() ?? .error("\\" + name)
            (displayStyle, inScript) = saved
            let baseItems = parseArgumentItems() ?? [errorItem("\\" + name)]
            let base = TeXMathMLNode.row(finish(baseItems, leading: true))
            let atom = baseItems.count == 1 ? baseItems[0].atom : .ord
            let tag = name == "underset" ? "munder" : "mover"
            return Item(node: .element(tag, [base, script]), atom: atom)
        case "xrightarrow", "xleftarrow":
            let saved = (displayStyle, inScript)
            (displayStyle, inScript) = (false, true)
            let script = parseArgument() ?? .row([])
            (displayStyle, inScript) = saved
            let arrow = TeXMathMLNode.token("mo", name == "xrightarrow" ? "→" : "←", [("stretchy", "true")])
            return Item(node: .element("mover", [arrow, .element("mpadded", [script], [("width", "+0.6em"), ("lspace", "0.3em")])]), atom: .rel)

        case "phantom":
            return Item(node: .element("mphantom", [parseArgument() ?? .row([])]), atom: .ord)
        case "hphantom":
            let content = TeXMathMLNode.element("mphantom", [parseArgument() ?? .row([])])
            return Item(node: .element("mpadded", [content], [("height", "0"), ("depth", "0")]), atom: .ord)
        case "vphantom":
            let content = TeXMathMLNode.element("mphantom", [parseArgument() ?? .row([])])
            return Item(node: .element("mpadded", [content], [("width", "0")]), atom: .ord)
        case "boxed", "fbox":
            let content = name == "fbox"
                ? (readTextArgument().map { TeXMathMLNode.token("mtext", $0.text) } ?? .error("\\fbox"))
                : (parseArgument() ?? .error("\\boxed"))
            return Item(node: .element("mrow", [content], [("style", "border: 1px solid; padding: 0.1em 0.2em")]), atom: .ord)
        case "textcolor":
            guard let color = readColor() else { return errorItem("\\textcolor") }
            let content = parseArgument() ?? .error("\\textcolor")
            return Item(node: .element("mstyle", [content], [("mathcolor", color)]), atom: .ord)
        case "not":
            skipSpaces()
            guard peek() != nil, !atStop(), let negated = parseAtom(single: true) else { return errorItem("\\not") }
            guard let text = negated.node.text, negated.node.tag == "mo" || negated.node.tag == "mi" else {
                return errorItem("\\not")
            }
            return Item(node: .token("mo", TeXSymbols.negated(text)), atom: .rel)
        case "bmod":
            return Item(node: .token("mo", "mod", [("lspace", "0.2222em"), ("rspace", "0.2222em")]), atom: .bin)
        case "pmod", "mod":
            let argument = parseArgument() ?? .error("\\" + name)
            var nodes: [TeXMathMLNode] = [.space(name == "pmod" ? "0.4444em" : "1em")]
            if name == "pmod" { nodes.append(fence("(")) }
            nodes += [.token("mi", "mod"), .space("0.3333em"), argument]
            if name == "pmod" { nodes.append(fence(")")) }
            return Item(node: .element("mrow", nodes), atom: .ord)
        case "substack":
            skipSpaces()
            guard peek() == "{" else { return errorItem("\\substack") }
            position += 1
            contexts.append(.brace)
            let rows = parseTable(closing: .brace)
            contexts.removeLast()
            return Item(node: table(rows, environment: "substack", columnSpec: []), atom: .ord)
        default:
            return errorItem("\\" + name)
        }
    }

    /// Horizontal space; a negative one (`\!`) is a negative margin, as browsers treat a
    /// negative `mspace` width as zero.
    private func spaceItem(_ width: String) -> Item {
        if width.hasPrefix("-") {
            return Item(node: .element("mspace", [], [("style", "margin-left: \(width)")]), atom: .space)
        }
        return Item(node: .space(width), atom: .space)
    }

    private static let fontCommands: [String: TeXFont] = [
        "mathrm": .roman, "mathup": .roman, "textup": .roman, "mathnormal": .italic, "mathit": .italic,
        "mathbf": .bold, "bold": .bold, "mathsf": .sansSerif, "mathtt": .monospace, "mathcal": .script,
        "mathscr": .script, "mathbb": .doubleStruck, "Bbb": .doubleStruck, "mathfrak": .fraktur,
        "boldsymbol": .boldItalic, "bm": .boldItalic, "mathbfit": .boldItalic, "pmb": .boldItalic,
    ]

    /// Accents over (or under) their argument. Narrow ones use the spacing modifier letters,
    /// which every font centres over the base; wide ones the combining marks that math
    /// fonts stretch.
    private static let accents: [String: (mark: String, stretchy: Bool, under: Bool)] = [
        "hat": ("ˆ", false, false), "check": ("ˇ", false, false), "tilde": ("˜", false, false),
        "acute": ("´", false, false), "grave": ("ˋ", false, false), "dot": ("˙", false, false),
        "ddot": ("¨", false, false), "breve": ("˘", false, false), "bar": ("¯", false, false),
        "vec": ("→", false, false), "mathring": ("˚", false, false),
        "widehat": ("\u{302}", true, false), "widetilde": ("\u{303}", true, false),
        "widecheck": ("\u{30C}", true, false),
        "overrightarrow": ("→", true, false), "overleftarrow": ("←", true, false),
        "overleftrightarrow": ("↔", true, false),
        "underrightarrow": ("→", true, true), "underleftarrow": ("←", true, true),
    ]

    /// `\mathbf{…}` and friends: the argument in that font.
    private mutating func fontArgument(_ newFont: TeXFont, command: String) -> Item {
        let saved = font
        font = newFont
        let argument = parseArgument()
        font = saved
        return Item(node: argument ?? .error("\\" + command), atom: .ord)
    }

    /// `\text{…}` and friends: the argument as text.
    private mutating func textItem(command: String) -> Item {
        guard let argument = readTextArgument() else { return errorItem("\\" + command) }
        var attributes: [(name: String, value: String)] = []
        switch command {
        case "textit", "emph": attributes.append(("style", "font-style: italic"))
        case "textbf": attributes.append(("style", "font-weight: bold"))
        case "texttt": attributes.append(("style", "font-family: monospace"))
        case "textsf": attributes.append(("style", "font-family: sans-serif"))
        default: break
        }
        var text = argument.text
        // Browsers drop the spaces at the ends of a token; TeX keeps them in text.
        if text.unicodeScalars.first == " " { text = "\u{A0}" + text.dropFirst() }
        if text.unicodeScalars.count > 1, text.unicodeScalars.last == " " { text = String(text.dropLast()) + "\u{A0}" }
        var nodes: [TeXMathMLNode] = [.token("mtext", text, attributes)]
        if argument.unclosed { nodes.insert(.error("{"), at: 0) }
        return Item(node: .row(nodes), atom: .ord)
    }

    private mutating func fraction(_ name: String) -> Item {
        let explicitStyle: Bool? = name.hasPrefix("d") || name == "cfrac" ? true : name.hasPrefix("t") ? false : nil
        let isDisplayFraction = explicitStyle ?? displayStyle
        let saved = (displayStyle, inScript)
        displayStyle = false
        inScript = inScript || !isDisplayFraction
        let numerator = parseArgument() ?? .error("\\" + name)
        let denominator = parseArgument() ?? .error("\\" + name)
        (displayStyle, inScript) = saved
        var attributes: [(name: String, value: String)] = []
        if let explicitStyle { attributes.append(("displaystyle", explicitStyle ? "true" : "false")) }
        guard name.hasSuffix("binom") else {
            return Item(node: .element("mfrac", [numerator, denominator], attributes), atom: .inner)
        }
        attributes.insert(("linethickness", "0"), at: 0)
        let stack = TeXMathMLNode.element("mfrac", [numerator, denominator], attributes)
        let node = TeXMathMLNode.element("mrow", [stretchyFence("("), stack, stretchyFence(")")])
        return Item(node: node, atom: .inner)
    }

    private mutating func root() -> Item {
        skipSpaces()
        var index: TeXMathMLNode?
        if peek() == "[" {
            position += 1
            let saved = (displayStyle, inScript)
            (displayStyle, inScript) = (false, true)
            contexts.append(.bracket)
            var items = parseList()
            contexts.removeLast()
            (displayStyle, inScript) = saved
            if peek() == "]" { position += 1 } else { items.insert(errorItem("["), at: 0) }
            index = .row(finish(items, leading: true))
        }
        let radicand = parseArgument() ?? .error("\\sqrt")
        if let index { return Item(node: .element("mroot", [radicand, index]), atom: .ord) }
        return Item(node: .element("msqrt", [radicand]), atom: .ord)
    }

    private func stretchyFence(_ text: String) -> TeXMathMLNode {
        .token("mo", text, [("fence", "true"), ("stretchy", "true")])
    }

    /// `\left( … \right)`: an `mrow` whose outer operators stretch over its content.
    private mutating func leftRight() -> Item {
        let open = readDelimiter()
        contexts.append(.left)
        let items = parseList()
        contexts.removeLast()
        var nodes: [TeXMathMLNode] = []
        switch open {
        case .none: nodes.append(.error("\\left"))
        case .some(let text) where !text.isEmpty: nodes.append(stretchyFence(text))
        default: break
        }
        nodes += finish(items, leading: false)
        if peekCommandName() == "right" {
            skipCommand()
            switch readDelimiter() {
            case .none: nodes.append(.error("\\right"))
            case .some(let text) where !text.isEmpty: nodes.append(stretchyFence(text))
            default: break
            }
        } else {
            nodes.append(.error("\\right"))
        }
        return Item(node: .element("mrow", nodes), atom: .inner)
    }

    /// `\big(`, `\Bigl[`, …: a delimiter of fixed size.
    private mutating func sizedDelimiter(_ name: String) -> Item {
        var size = name
        var kind: Character = " "
        if let last = name.last, "lrm".contains(last) { kind = last; size.removeLast() }
        let heights = ["big": "1.2em", "Big": "1.8em", "bigg": "2.4em", "Bigg": "3em"]
        guard let text = readDelimiter() else { return errorItem("\\" + name) }
        guard !text.isEmpty else { return spaceItem("0.12em") }
        let height = heights[size] ?? "1.2em"
        var attributes: [(name: String, value: String)] = []
        let atom: TeXAtom
        switch kind {
        case "l": atom = .open; attributes.append(("form", "prefix"))
        case "r": atom = .close; attributes.append(("form", "postfix"))
        case "m": atom = .rel; attributes += [("lspace", "0.2778em"), ("rspace", "0.2778em")]
        default: atom = .ord; attributes += [("lspace", "0em"), ("rspace", "0em")]
        }
        attributes += [("minsize", height), ("maxsize", height), ("stretchy", "true"), ("symmetric", "true")]
        return Item(node: .token("mo", text, attributes), atom: atom)
    }

    /// The delimiter after `\left`, `\right`, `\middle` or `\big`: its text, "" for the
    /// null delimiter `.`, nil when there is none or it is not a delimiter (consumed).
    private mutating func readDelimiter() -> String? {
        skipSpaces()
        guard let character = peek() else { return nil }
        if character == "\\" {
            guard let name = peekCommandName() else { position += 1; return nil }
            if name == "right" || name == "end" || name == "\\" { return nil }
            skipCommand()
            return TeXSymbols.delimiter(name.count == 1 ? "\\" + name : name)
                ?? (name == "{" ? "{" : name == "}" ? "}" : nil)
        }
        if atStop() { return nil }
        position += 1
        return TeXSymbols.delimiter(String(character))
    }

    // MARK: - Scripts

    /// The atom with the sub- and superscripts and primes that follow it.
    private mutating func attachScripts(to base: Item) -> Item {
        var item = base
        var lower: TeXMathMLNode?
        var upper: TeXMathMLNode?
        var primes = 0
        loop: while true {
            skipSpaces()
            guard let character = peek() else { break }
            switch character {
            case "'":
                if upper != nil { break loop }
                position += 1
                primes += 1
            case "^", "_":
                if (character == "^" ? upper : lower) != nil { break loop }
                position += 1
                let saved = (displayStyle, inScript)
                (displayStyle, inScript) = (false, true)
                let script = parseArgument() ?? .error(String(character))
                (displayStyle, inScript) = saved
                if character == "^" && script == .token("mi", "′") {
                    primes += 1  // `^\prime` is a prime
                } else if character == "^" {
                    upper = script
                } else {
                    lower = script
                }
            case "\\":
                switch peekCommandName() {
                case "limits": skipCommand(); if item.atom == .op || item.atom == .function { item.limits = .always }
                case "nolimits": skipCommand(); item.limits = .side
                default: break loop
                }
            default:
                break loop
            }
        }
        if primes > 0 {
            // At the base, not as a superscript: the prime glyph is already raised.
            let mark = primes == 2 ? "″" : primes == 3 ? "‴" : String(repeating: "′", count: primes)
            item.node = .element("mrow", [item.node, .token("mo", mark)])
        }
        guard lower != nil || upper != nil else { return item }
        let underOver = item.limits == .always || (item.limits == .display && displayStyle)
        switch (lower, upper) {
        case let (sub?, sup?):
            item.node = .element(underOver ? "munderover" : "msubsup", [item.node, sub, sup])
        case let (sub?, nil):
            item.node = .element(underOver ? "munder" : "msub", [item.node, sub])
        case let (nil, sup?):
            item.node = .element(underOver ? "mover" : "msup", [item.node, sup])
        default:
            break
        }
        return item
    }

    // MARK: - Arguments

    /// A macro argument: a braced group or a single token; nil when there is none.
    private mutating func parseArgument() -> TeXMathMLNode? {
        parseArgumentItems().map { .row(finish($0, leading: true)) }
    }

    private mutating func parseArgumentItems() -> [Item]? {
        skipSpaces()
        guard let character = peek(), !atStop() else { return nil }
        if character == "{" {
            position += 1
            return parseGroupContent()
        }
        return parseAtom(single: true).map { [$0] } ?? []
    }

    /// The content of a braced group whose `{` was just read, and its `}`.
    private mutating func parseGroupContent() -> [Item] {
        let savedFont = font
        contexts.append(.brace)
        var items = parseList()
        contexts.removeLast()
        font = savedFont
        if peek() == "}" {
            position += 1
        } else {
            items.insert(errorItem("{"), at: 0)
        }
        return items
    }

    /// A braced argument read as text, as `\text` reads it: braces nest, `\{`, `\}`, `\$`,
    /// `\%`, `\&`, `\#`, `\_` are those characters, other commands stay as written.
    private mutating func readTextArgument() -> (text: String, unclosed: Bool)? {
        skipSpaces()
        guard let character = peek(), !atStop() else { return nil }
        guard character == "{" else {
            if character == "\\" {
                let start = position
                _ = readCommandName()
                return (String(String.UnicodeScalarView(source[start..<position])), false)
            }
            position += 1
            return (String(character), false)
        }
        position += 1
        var text = String.UnicodeScalarView()
        var level = 1
        while let next = peek() {
            position += 1
            switch next {
            case "{":
                level += 1
            case "}":
                level -= 1
                if level == 0 { return (String(text), false) }
            case "\\":
                guard let escaped = peek() else { text.append("\\"); continue }
                if "{}$%&#_ ".unicodeScalars.contains(escaped) {
                    position += 1
                    text.append(escaped)
                } else if escaped == "\\" {
                    position += 1
                    text.append(" ")
                } else if let space = Self.textSpaces[String(escaped)] {
                    position += 1
                    text.append(contentsOf: space.unicodeScalars)
                } else if Self.isLetter(escaped) {
                    var name = ""
                    while let letter = peek(), Self.isLetter(letter) { name.unicodeScalars.append(letter); position += 1 }
                    if let replacement = Self.textCommands[name] {
                        text.append(contentsOf: replacement.unicodeScalars)
                        while peek() == " " { position += 1 }
                    } else {
                        text.append(contentsOf: ("\\" + name).unicodeScalars)
                    }
                } else {
                    text.append("\\")
                }
            case "~":
                text.append("\u{A0}")
            case "\n", "\t":
                text.append(" ")
            default:
                text.append(next)
            }
        }
        return (String(text), true)
    }

    private static let textSpaces: [String: String] = [",": "\u{2009}", ":": "\u{2005}", ";": "\u{2004}", "!": ""]
    private static let textCommands: [String: String] = [
        "quad": "\u{2003}", "qquad": "\u{2003}\u{2003}", "textbackslash": "\\", "ldots": "…", "dots": "…",
        "textendash": "–", "textemdash": "—", "S": "§", "P": "¶",
    ]

    /// The text of a braced argument without interpretation (`\begin{…}`, `\label{…}`).
    private mutating func readBraceText() -> String? {
        readTextArgument().map(\.text)
    }

    /// A colour name or `#rgb` for `\color` and `\textcolor`, nil when not one.
    private mutating func readColor() -> String? {
        guard let text = readBraceText()?.trimmingSpaces, !text.isEmpty, text.count <= 32,
              text.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "#") })
        else { return nil }
        return text
    }

    /// A TeX length (`0.5em`, `3mu`, `-2pt`) as a CSS length, braced or not.
    private mutating func readLength(braced: Bool) -> String? {
        skipSpaces()
        var text: String
        if peek() == "{" {
            guard let content = readBraceText() else { return nil }
            text = content
        } else {
            guard !braced else { return nil }
            var scalars = String.UnicodeScalarView()
            while let next = peek(), "+-0123456789.".unicodeScalars.contains(next) { scalars.append(next); position += 1 }
            skipSpaces()
            for _ in 0..<2 {
                guard let next = peek(), ("a"..."z").contains(next) else { break }
                scalars.append(next)
                position += 1
            }
            text = String(scalars)
        }
        text = String(text.unicodeScalars.filter { !$0.properties.isWhitespace })
        let unit = String(text.suffix(2))
        guard let value = Double(text.dropLast(2)), value.isFinite, abs(value) < 1000 else { return nil }
        switch unit {
        case "mu": return Self.format(value / 18) + "em"
        case "em", "ex", "pt", "px", "cm", "mm", "in": return Self.format(value) + unit
        default: return nil
        }
    }

    private static func format(_ value: Double) -> String {
        let rounded = (value * 10_000).rounded() / 10_000
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }

    // MARK: - Environments and tables

    private mutating func environment() -> Item {
        guard let name = readBraceText()?.trimmingSpaces, !name.isEmpty else { return errorItem("\\begin") }
        var columnSpec: [Unicode.Scalar] = []
        if name == "array" || name == "subarray" {
            columnSpec = (readBraceText() ?? "").unicodeScalars.filter { "lcr".unicodeScalars.contains($0) }
        } else if name.hasPrefix("alignat") || name == "alignedat" {
            _ = readBraceText()
        }
        let known = Self.environmentFences[name] != nil || Self.alignedEnvironments.contains(name)
            || Self.gatheredEnvironments.contains(name) || name == "array" || name == "subarray"
        let saved = (displayStyle, inScript)
        displayStyle = Self.alignedEnvironments.contains(name) || Self.gatheredEnvironments.contains(name) || name == "dcases"
        let rows = parseTable(closing: .environment(name))
        (displayStyle, inScript) = saved
        var nodes: [TeXMathMLNode] = []
        if !known { nodes.append(.error("\\begin{\(name)}")) }
        let fences = Self.environmentFences[name] ?? ("", "")
        if !fences.open.isEmpty { nodes.append(stretchyFence(fences.open)) }
        nodes.append(table(rows, environment: name, columnSpec: columnSpec))
        if !fences.close.isEmpty { nodes.append(stretchyFence(fences.close)) }
        let fenced = !fences.open.isEmpty || !fences.close.isEmpty
        return Item(node: .row(nodes), atom: fenced ? .inner : .ord)
    }

    private static let environmentFences: [String: (open: String, close: String)] = [
        "matrix": ("", ""), "pmatrix": ("(", ")"), "bmatrix": ("[", "]"), "Bmatrix": ("{", "}"),
        "vmatrix": ("|", "|"), "Vmatrix": ("‖", "‖"), "smallmatrix": ("", ""),
        "cases": ("{", ""), "dcases": ("{", ""), "rcases": ("", "}"),
    ]
    private static let alignedEnvironments: Set<String> = [
        "aligned", "align", "align*", "alignat", "alignat*", "alignedat", "split", "flalign", "flalign*",
        "eqnarray", "eqnarray*",
    ]
    private static let gatheredEnvironments: Set<String> = [
        "gathered", "gather", "gather*", "equation", "equation*", "multline", "multline*",
    ]

    /// Rows of cells up to the end of the table; each cell's nodes already finished.
    private mutating func parseTable(closing: Closing) -> [[TeXMathMLNode]] {
        contexts.append(.table)
        defer { contexts.removeLast() }
        var rows: [[TeXMathMLNode]] = []
        var row: [TeXMathMLNode] = []
        var cell: [TeXMathMLNode] = []
        func endCell() {
            row.append(.row(cell))
            cell = []
        }
        rowsLoop: while true {
            cell += finish(parseList(), leading: cell.isEmpty)
            skipSpaces()
            if peek() == "&" {
                position += 1
                endCell()
                continue
            }
            if peek() == "}" && closing == .brace {
                position += 1
                break
            }
            switch peekCommandName() {
            case "\\", "cr":
                skipCommand()
                skipRowSpacing()
                endCell()
                rows.append(row)
                row = []
                continue
            case "end":
                skipCommand()
                let name = readBraceText()?.trimmingSpaces ?? ""
                if case .environment(let open) = closing {
                    if name != open { cell.append(.error("\\end{\(name)}")) }
                    break rowsLoop
                }
                // An `\end` that closes nothing: show it and go on.
                cell.append(.error("\\end{\(name)}"))
                continue
            default:
                switch closing {
                case .environment(let open): cell.append(.error("\\begin{\(open)}"))
                case .brace: cell.append(.error("{"))
                case .topLevel: break
                }
                break rowsLoop
            }
        }
        endCell()
        rows.append(row)
        // A `\\` after the last row does not start another one.
        if rows.count > 1, rows[rows.count - 1].count == 1, rows[rows.count - 1][0] == .row([]) {
            rows.removeLast()
        }
        return rows
    }

    /// `[4pt]` after `\\`.
    private mutating func skipRowSpacing() {
        var probe = position
        while probe < source.count, source[probe] == " " { probe += 1 }
        guard probe < source.count, source[probe] == "[" else { return }
        var end = probe + 1
        while end < source.count, end - probe < 16, source[end] != "]" { end += 1 }
        guard end < source.count, source[end] == "]" else { return }
        let content = String(String.UnicodeScalarView(source[(probe + 1)..<end]))
        if content.unicodeScalars.allSatisfy({ "+-0123456789. abcdefghijklmnopqrstuvwxyz".unicodeScalars.contains($0) }) {
            position = end + 1
        }
    }

    private func table(_ rows: [[TeXMathMLNode]], environment: String, columnSpec: [Unicode.Scalar]) -> TeXMathMLNode {
        let aligned = Self.alignedEnvironments.contains(environment)
        let cases = environment.hasSuffix("cases")
        let display = aligned || Self.gatheredEnvironments.contains(environment) || environment == "dcases"
        let tableRows = rows.map { cells in
            TeXMathMLNode.element("mtr", cells.enumerated().map { column, cell in
                var style: String?
                if aligned {
                    style = column % 2 == 0
                        ? "text-align: right; padding-left: \(column == 0 ? "0" : "1em"); padding-right: 0"
                        : "text-align: left; padding-left: 0; padding-right: 0"
                } else if cases {
                    style = "text-align: left; padding-left: \(column == 0 ? "0" : "1em")"
                } else if column < columnSpec.count, columnSpec[column] != "c" {
                    style = columnSpec[column] == "l" ? "text-align: left" : "text-align: right"
                }
                let content = cell == .row([]) ? [] : [cell]
                return TeXMathMLNode.element("mtd", content, style.map { [("style", $0)] } ?? [])
            })
        }
        var attributes: [(name: String, value: String)] = [("displaystyle", display ? "true" : "false")]
        if environment == "smallmatrix" { attributes.append(("scriptlevel", "1")) }
        if environment == "substack" { attributes = [("style", "border-spacing: 0")] }
        return .element("mtable", tableRows, attributes)
    }

    // MARK: - Finishing a list

    /// The nodes of a list with TeX's spacing rules applied, where the browser's operator
    /// dictionary does not already space as TeX does: a binary operator with nothing to
    /// its left becomes unary (`form="prefix"`), function names get U+2061 FUNCTION
    /// APPLICATION and a thin space before an ordinary argument, and fractions and
    /// `\left…\right` groups are set off by thin spaces. `leading`: the nodes will be the
    /// whole content of an `mrow`, where the browser itself treats a first operator as
    /// a prefix.
    private func finish(_ items: [Item], leading: Bool) -> [TeXMathMLNode] {
        var atoms = items.map(\.atom)
        var unary = Array(repeating: false, count: items.count)
        let solid = items.indices.filter { atoms[$0] != .space }
        for (k, index) in solid.enumerated() where atoms[index] == .bin {
            let previous = k > 0 ? atoms[solid[k - 1]] : nil
            let next = k + 1 < solid.count ? atoms[solid[k + 1]] : nil
            let afterNothing = previous.map { [TeXAtom.bin, .op, .function, .rel, .open, .punct].contains($0) } ?? true
            let beforeNothing = next.map { [TeXAtom.rel, .close, .punct].contains($0) } ?? true
            if afterNothing || beforeNothing {
                atoms[index] = .ord
                unary[index] = true
            }
        }
        var nodes: [TeXMathMLNode] = []
        var unaryPositions: [Int] = []
        var previous: TeXAtom?
        var pendingApplication = false
        for index in items.indices {
            let atom = atoms[index]
            if atom == .space {
                nodes.append(items[index].node)
                continue
            }
            if pendingApplication && ![.rel, .bin, .punct, .close].contains(atom) {
                nodes.append(.token("mo", "\u{2061}"))
            }
            pendingApplication = atom == .function
            if let previous, needsThinSpace(previous, atom) { nodes.append(.space(Self.thinSpace)) }
            if unary[index] { unaryPositions.append(nodes.count) }
            if inScript && [.bin, .rel, .punct].contains(atom) {
                // TeX drops the spaces around these in scripts; the browser keeps them.
                nodes.append(Self.withoutSpacing(items[index].node))
            } else {
                nodes.append(items[index].node)
            }
            previous = atom
        }
        for position in unaryPositions where !(leading && position == 0 && nodes.count > 1) {
            nodes[position] = Self.withPrefixForm(nodes[position])
        }
        return nodes
    }

    /// Whether TeX puts a thin space between atoms of these classes where MathML would not
    /// (neither is an operator the browser spaces from its dictionary).
    private func needsThinSpace(_ left: TeXAtom, _ right: TeXAtom) -> Bool {
        if left == .function && (right == .ord || right == .function) { return true }
        if right == .function && (left == .ord || left == .close || left == .inner) { return true }
        if inScript { return false }
        if left == .inner && (right == .ord || right == .inner || right == .open) { return true }
        if right == .inner && (left == .ord || left == .close || left == .function) { return true }
        return false
    }

    /// The node with `lspace` and `rspace` of zero on its operator, unless they are set.
    private static func withoutSpacing(_ node: TeXMathMLNode) -> TeXMathMLNode {
        var node = node
        if node.tag == "mo" {
            if node.attribute("lspace") == nil { node.setAttribute("lspace", "0em") }
            if node.attribute("rspace") == nil { node.setAttribute("rspace", "0em") }
        } else if ["msub", "msup", "msubsup", "munder", "mover", "munderover"].contains(node.tag),
                  !node.children.isEmpty {
            node.children[0] = withoutSpacing(node.children[0])
        }
        return node
    }

    private static func withPrefixForm(_ node: TeXMathMLNode) -> TeXMathMLNode {
        var node = node
        if node.tag == "mo" {
            node.setAttribute("form", "prefix")
        } else if ["msub", "msup", "msubsup", "munder", "mover", "munderover"].contains(node.tag),
                  let first = node.children.first, first.tag == "mo" {
            node.children[0].setAttribute("form", "prefix")
        }
        return node
    }

    // MARK: - Errors

    private func errorItem(_ tex: String) -> Item {
        Item(node: .error(tex), atom: .ord)
    }

    /// Nesting too deep to follow: the rest of the source, shown as an error.
    private mutating func tooDeep() -> Item {
        let rest = String(String.UnicodeScalarView(source[position...]))
        position = source.count
        return errorItem(rest)
    }

    // MARK: - Characters

    private func peek(offset: Int = 0) -> Unicode.Scalar? {
        position + offset < source.count ? source[position + offset] : nil
    }

    /// The next character after spaces and comments, without moving.
    private func peekSkippingSpaces() -> Unicode.Scalar? {
        var copy = self
        copy.skipSpaces()
        return copy.peek()
    }

    /// Skips white space and `%` comments.
    private mutating func skipSpaces() {
        while let character = peek() {
            if character == "%" {
                while let next = peek(), next != "\n" { position += 1 }
            } else if character.properties.isWhitespace {
                position += 1
            } else {
                return
            }
        }
    }

    /// The name of the command at the position (without its backslash), nil if none.
    private func peekCommandName() -> String? {
        guard peek() == "\\", position + 1 < source.count else { return nil }
        var end = position + 1
        guard Self.isLetter(source[end]) else { return String(source[end]) }
        while end < source.count, Self.isLetter(source[end]) { end += 1 }
        var name = String(String.UnicodeScalarView(source[(position + 1)..<end]))
        if end < source.count, source[end] == "*", Self.starredCommands.contains(name) { name += "*" }
        return name
    }

    private static let starredCommands: Set<String> = ["operatorname", "hspace", "tag"]

    /// Reads a command's name, nil for a lone backslash at the end.
    private mutating func readCommandName() -> String? {
        guard let name = peekCommandName() else {
            position = min(position + 1, source.count)
            return nil
        }
        position += 1 + name.unicodeScalars.count
        return name
    }

    private mutating func skipCommand() {
        _ = readCommandName()
    }

    private static func isLetter(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar)
    }
}

private extension String {
    var trimmingSpaces: String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        return String(scalars[first...last])
    }
}
