/// The TeX commands `TeXToMathML` knows that stand for one symbol, and the font maps of
/// `\mathbf`, `\mathcal`, `\mathbb` and friends.
///
/// Every symbol carries its TeX atom class, which decides the MathML element and the
/// spacing: ordinary symbols are `<mi>`, binary operators, relations and punctuation
/// `<mo>` (the browser's operator dictionary spaces them as TeX does), large operators
/// `<mo>` with limits, function names `<mi>` followed by U+2061 FUNCTION APPLICATION.
enum TeXSymbols {
    struct Symbol {
        var text: String
        var atom: TeXAtom
        /// For `<mi>`: whether to add `mathvariant="normal"` (upright single letters such as
        /// capital Greek, which MathML would otherwise set in italic).
        var upright = false
        /// For large operators and function names: whether limits go under and over in
        /// display style (`\sum`, `\lim`) rather than to the side (`\int`, `\log`).
        var limits = false
    }

    static func symbol(_ name: String) -> Symbol? {
        table[name]
    }

    private static let table: [String: Symbol] = {
        var table: [String: Symbol] = [:]
        func add(_ atom: TeXAtom, _ pairs: [(String, String)], upright: Bool = false, limits: Bool = false) {
            for (name, text) in pairs {
                table[name] = Symbol(text: text, atom: atom, upright: upright, limits: limits)
            }
        }
        add(.ord, [
            ("alpha", "α"), ("beta", "β"), ("gamma", "γ"), ("delta", "δ"), ("epsilon", "ϵ"),
            ("varepsilon", "ε"), ("zeta", "ζ"), ("eta", "η"), ("theta", "θ"), ("vartheta", "ϑ"),
            ("iota", "ι"), ("kappa", "κ"), ("varkappa", "ϰ"), ("lambda", "λ"), ("mu", "μ"),
            ("nu", "ν"), ("xi", "ξ"), ("omicron", "ο"), ("pi", "π"), ("varpi", "ϖ"), ("rho", "ρ"),
            ("varrho", "ϱ"), ("sigma", "σ"), ("varsigma", "ς"), ("tau", "τ"), ("upsilon", "υ"),
            ("phi", "ϕ"), ("varphi", "φ"), ("chi", "χ"), ("psi", "ψ"), ("omega", "ω"),
            ("digamma", "ϝ"),
            ("varGamma", "Γ"), ("varDelta", "Δ"), ("varTheta", "Θ"), ("varLambda", "Λ"),
            ("varXi", "Ξ"), ("varPi", "Π"), ("varSigma", "Σ"), ("varUpsilon", "Υ"),
            ("varPhi", "Φ"), ("varPsi", "Ψ"), ("varOmega", "Ω"),
            ("partial", "∂"), ("ell", "ℓ"), ("imath", "ı"), ("jmath", "ȷ"), ("wp", "℘"),
        ])
        add(.ord, [
            ("Gamma", "Γ"), ("Delta", "Δ"), ("Theta", "Θ"), ("Lambda", "Λ"), ("Xi", "Ξ"),
            ("Pi", "Π"), ("Sigma", "Σ"), ("Upsilon", "Υ"), ("Phi", "Φ"), ("Psi", "Ψ"),
            ("Omega", "Ω"),
            ("Alpha", "Α"), ("Beta", "Β"), ("Epsilon", "Ε"), ("Zeta", "Ζ"), ("Eta", "Η"),
            ("Iota", "Ι"), ("Kappa", "Κ"), ("Mu", "Μ"), ("Nu", "Ν"), ("Omicron", "Ο"),
            ("Rho", "Ρ"), ("Tau", "Τ"), ("Chi", "Χ"),
            ("nabla", "∇"), ("hbar", "ℏ"), ("infty", "∞"), ("emptyset", "∅"), ("varnothing", "∅"),
            ("forall", "∀"), ("exists", "∃"), ("nexists", "∄"), ("neg", "¬"), ("lnot", "¬"),
            ("top", "⊤"), ("bot", "⊥"), ("prime", "′"), ("aleph", "ℵ"), ("beth", "ℶ"),
            ("Re", "ℜ"), ("Im", "ℑ"), ("angle", "∠"), ("triangle", "△"), ("square", "□"),
            ("Box", "□"), ("surd", "√"), ("flat", "♭"), ("sharp", "♯"), ("natural", "♮"),
            ("clubsuit", "♣"), ("diamondsuit", "♢"), ("heartsuit", "♡"), ("spadesuit", "♠"),
            ("vdots", "⋮"), ("degree", "°"), ("checkmark", "✓"), ("S", "§"), ("P", "¶"),
            ("dag", "†"), ("ddag", "‡"), ("copyright", "©"), ("pounds", "£"),
            ("backslash", "\\"), ("vert", "|"), ("Vert", "‖"), ("|", "‖"), ("$", "$"),
            ("%", "%"), ("&", "&"), ("#", "#"), ("_", "_"),
        ], upright: true)
        add(.inner, [("ldots", "…"), ("dots", "…"), ("dotsc", "…"), ("dotsb", "⋯"),
                     ("dotsm", "⋯"), ("dotso", "…"), ("dotsi", "⋯"), ("cdots", "⋯"),
                     ("ddots", "⋱"), ("mathellipsis", "…")], upright: true)
        add(.bin, [
            ("pm", "±"), ("mp", "∓"), ("times", "×"), ("div", "÷"), ("cdot", "⋅"), ("ast", "∗"),
            ("star", "⋆"), ("circ", "∘"), ("bullet", "∙"), ("oplus", "⊕"), ("ominus", "⊖"),
            ("otimes", "⊗"), ("oslash", "⊘"), ("odot", "⊙"), ("cap", "∩"), ("cup", "∪"),
            ("sqcap", "⊓"), ("sqcup", "⊔"), ("wedge", "∧"), ("land", "∧"), ("vee", "∨"),
            ("lor", "∨"), ("setminus", "∖"), ("smallsetminus", "∖"), ("uplus", "⊎"),
            ("dagger", "†"), ("ddagger", "‡"), ("amalg", "⨿"), ("wr", "≀"), ("diamond", "⋄"),
            ("bigtriangleup", "△"), ("bigtriangledown", "▽"), ("triangleleft", "◃"),
            ("triangleright", "▹"), ("circledast", "⊛"), ("boxplus", "⊞"), ("boxminus", "⊟"),
            ("boxtimes", "⊠"), ("boxdot", "⊡"), ("divideontimes", "⋇"), ("ltimes", "⋉"),
            ("rtimes", "⋊"), ("intercal", "⊺"),
        ])
        add(.rel, [
            ("ne", "≠"), ("neq", "≠"), ("le", "≤"), ("leq", "≤"), ("ge", "≥"), ("geq", "≥"),
            ("leqslant", "⩽"), ("geqslant", "⩾"), ("ll", "≪"), ("gg", "≫"), ("lll", "⋘"),
            ("ggg", "⋙"), ("approx", "≈"), ("approxeq", "≊"), ("sim", "∼"), ("simeq", "≃"),
            ("cong", "≅"), ("equiv", "≡"), ("propto", "∝"), ("varpropto", "∝"), ("doteq", "≐"),
            ("triangleq", "≜"), ("coloneqq", "≔"), ("eqqcolon", "≕"), ("prec", "≺"),
            ("succ", "≻"), ("preceq", "⪯"), ("succeq", "⪰"), ("in", "∈"), ("notin", "∉"),
            ("ni", "∋"), ("owns", "∋"), ("subset", "⊂"), ("supset", "⊃"), ("subseteq", "⊆"),
            ("supseteq", "⊇"), ("subsetneq", "⊊"), ("supsetneq", "⊋"), ("sqsubseteq", "⊑"),
            ("sqsupseteq", "⊒"), ("mid", "∣"), ("nmid", "∤"), ("parallel", "∥"),
            ("nparallel", "∦"), ("perp", "⟂"), ("vdash", "⊢"), ("dashv", "⊣"), ("models", "⊨"),
            ("to", "→"), ("rightarrow", "→"), ("leftarrow", "←"), ("gets", "←"),
            ("leftrightarrow", "↔"), ("Rightarrow", "⇒"), ("Leftarrow", "⇐"),
            ("Leftrightarrow", "⇔"), ("implies", "⟹"), ("impliedby", "⟸"), ("iff", "⟺"),
            ("mapsto", "↦"), ("longrightarrow", "⟶"), ("longleftarrow", "⟵"),
            ("longleftrightarrow", "⟷"), ("Longrightarrow", "⟹"), ("Longleftarrow", "⟸"),
            ("Longleftrightarrow", "⟺"), ("longmapsto", "⟼"), ("uparrow", "↑"),
            ("downarrow", "↓"), ("updownarrow", "↕"), ("Uparrow", "⇑"), ("Downarrow", "⇓"),
            ("hookrightarrow", "↪"), ("hookleftarrow", "↩"), ("rightharpoonup", "⇀"),
            ("leftharpoonup", "↼"), ("rightleftharpoons", "⇌"), ("nearrow", "↗"),
            ("searrow", "↘"), ("swarrow", "↙"), ("nwarrow", "↖"), ("leadsto", "⇝"),
            ("asymp", "≍"), ("bowtie", "⋈"), ("smile", "⌣"), ("frown", "⌢"), ("lesssim", "≲"),
            ("gtrsim", "≳"), ("nless", "≮"), ("ngtr", "≯"), ("nleq", "≰"), ("ngeq", "≱"),
            ("nsim", "≁"), ("ncong", "≇"), ("nsubseteq", "⊈"), ("nsupseteq", "⊉"),
            ("vDash", "⊨"), ("Vdash", "⊩"), ("therefore", "∴"), ("because", "∵"),
            ("sqsubset", "⊏"), ("sqsupset", "⊐"), ("lhd", "⊲"), ("rhd", "⊳"),
            ("unlhd", "⊴"), ("unrhd", "⊵"), ("circeq", "≗"), ("eqsim", "≂"), ("backsim", "∽"),
        ])
        add(.punct, [("colon", ":"), ("ldotp", "."), ("cdotp", "⋅")])
        add(.open, [("{", "{"), ("lbrace", "{"), ("langle", "⟨"), ("lfloor", "⌊"), ("lceil", "⌈"),
                    ("lvert", "|"), ("lVert", "‖"), ("lbrack", "["), ("lgroup", "⟮")])
        add(.close, [("}", "}"), ("rbrace", "}"), ("rangle", "⟩"), ("rfloor", "⌋"), ("rceil", "⌉"),
                     ("rvert", "|"), ("rVert", "‖"), ("rbrack", "]"), ("rgroup", "⟯")])
        add(.op, [("sum", "∑"), ("prod", "∏"), ("coprod", "∐"), ("bigcup", "⋃"), ("bigcap", "⋂"),
                  ("bigvee", "⋁"), ("bigwedge", "⋀"), ("bigoplus", "⨁"), ("bigotimes", "⨂"),
                  ("bigodot", "⨀"), ("biguplus", "⨄"), ("bigsqcup", "⨆")], limits: true)
        add(.op, [("int", "∫"), ("iint", "∬"), ("iiint", "∭"), ("oint", "∮"), ("smallint", "∫")])
        add(.function, [("arccos", "arccos"), ("arcsin", "arcsin"), ("arctan", "arctan"),
                        ("arg", "arg"), ("cos", "cos"), ("cosh", "cosh"), ("cot", "cot"),
                        ("coth", "coth"), ("csc", "csc"), ("deg", "deg"), ("dim", "dim"),
                        ("exp", "exp"), ("hom", "hom"), ("ker", "ker"), ("lg", "lg"), ("ln", "ln"),
                        ("log", "log"), ("sec", "sec"), ("sin", "sin"), ("sinh", "sinh"),
                        ("tan", "tan"), ("tanh", "tanh")])
        add(.function, [("det", "det"), ("gcd", "gcd"), ("inf", "inf"), ("lim", "lim"),
                        ("liminf", "lim\u{2009}inf"), ("limsup", "lim\u{2009}sup"), ("max", "max"),
                        ("min", "min"), ("Pr", "Pr"), ("sup", "sup")], limits: true)
        return table
    }()

    /// The delimiters `\left`, `\right`, `\middle` and `\big…` accept, by TeX spelling:
    /// a character (`(`) or a command without its backslash (`langle`). `.` is the null
    /// delimiter (empty string).
    static func delimiter(_ spelling: String) -> String? {
        switch spelling {
        case "(", ")", "[", "]", "|", "/": spelling
        case ".": ""
        case "<", "langle": "⟨"
        case ">", "rangle": "⟩"
        case "{", "lbrace": "{"
        case "}", "rbrace": "}"
        case "\\|", "Vert", "lVert", "rVert": "‖"
        case "vert", "lvert", "rvert": "|"
        case "lbrack": "["
        case "rbrack": "]"
        case "lfloor": "⌊"
        case "rfloor": "⌋"
        case "lceil": "⌈"
        case "rceil": "⌉"
        case "lgroup": "⟮"
        case "rgroup": "⟯"
        case "backslash": "\\"
        case "uparrow": "↑"
        case "downarrow": "↓"
        case "updownarrow": "↕"
        case "Uparrow": "⇑"
        case "Downarrow": "⇓"
        default: nil
        }
    }

    /// `\not` before a relation: the negated relation.
    static func negated(_ text: String) -> String {
        switch text {
        case "=": "≠"
        case "∈": "∉"
        case "⊂": "⊄"
        case "⊃": "⊅"
        case "⊆": "⊈"
        case "⊇": "⊉"
        case "≡": "≢"
        case "∼": "≁"
        case "≈": "≉"
        case "≤": "≰"
        case "≥": "≱"
        case "<": "≮"
        case ">": "≯"
        case "∣": "∤"
        case "∥": "∦"
        case "≅": "≇"
        case "≃": "≄"
        default: text + "\u{338}"
        }
    }

    /// The class of a character typed directly (`+`, `≤`, `∑`) rather than as a command.
    static func atom(ofCharacter text: String) -> TeXAtom? {
        characterAtoms[text]
    }

    private static let characterAtoms: [String: TeXAtom] = {
        var atoms: [String: TeXAtom] = [:]
        for (_, symbol) in table where symbol.atom != .ord && symbol.atom != .function {
            atoms[symbol.text] = symbol.atom
        }
        for text in ["+", "−", "*"] { atoms[text] = .bin }
        for text in ["=", "<", ">"] { atoms[text] = .rel }
        for text in ["(", "["] { atoms[text] = .open }
        for text in [")", "]"] { atoms[text] = .close }
        for text in [",", ";"] { atoms[text] = .punct }
        atoms["|"] = nil
        atoms["‖"] = nil
        return atoms
    }()

    // MARK: - Fonts

    /// `text` in the math alphabet of `font` (Unicode's Mathematical Alphanumeric Symbols,
    /// which every browser shows without the MathML `mathvariant` attribute, unsupported
    /// in Chromium), or nil when the font leaves it alone.
    static func styled(_ scalar: Unicode.Scalar, in font: TeXFont) -> String? {
        let value = scalar.value
        let upper = value >= 0x41 && value <= 0x5A
        let lower = value >= 0x61 && value <= 0x7A
        let digit = value >= 0x30 && value <= 0x39
        let greekUpper = value >= 0x391 && value <= 0x3A9 && value != 0x3A2
        let greekLower = value >= 0x3B1 && value <= 0x3C9
        func offset(_ base: UInt32, from start: UInt32) -> String? {
            Unicode.Scalar(base + value - start).map { String($0) }
        }
        switch font {
        case .bold:
            if upper { return offset(0x1D400, from: 0x41) }
            if lower { return offset(0x1D41A, from: 0x61) }
            if digit { return offset(0x1D7CE, from: 0x30) }
            if greekUpper { return offset(0x1D6A8, from: 0x391) }
            if greekLower { return offset(0x1D6C2, from: 0x3B1) }
        case .boldItalic:
            if upper { return offset(0x1D468, from: 0x41) }
            if lower { return offset(0x1D482, from: 0x61) }
            if digit { return offset(0x1D7CE, from: 0x30) }
            if greekUpper { return offset(0x1D71C, from: 0x391) }
            if greekLower { return offset(0x1D736, from: 0x3B1) }
        case .script:
            if let exception = scriptExceptions[scalar] { return String(exception) }
            if upper { return offset(0x1D49C, from: 0x41) }
            if lower { return offset(0x1D4B6, from: 0x61) }
        case .fraktur:
            if let exception = frakturExceptions[scalar] { return String(exception) }
            if upper { return offset(0x1D504, from: 0x41) }
            if lower { return offset(0x1D51E, from: 0x61) }
        case .doubleStruck:
            if let exception = doubleStruckExceptions[scalar] { return String(exception) }
            if upper { return offset(0x1D538, from: 0x41) }
            if lower { return offset(0x1D552, from: 0x61) }
            if digit { return offset(0x1D7D8, from: 0x30) }
        case .sansSerif:
            if upper { return offset(0x1D5A0, from: 0x41) }
            if lower { return offset(0x1D5BA, from: 0x61) }
            if digit { return offset(0x1D7E2, from: 0x30) }
        case .monospace:
            if upper { return offset(0x1D670, from: 0x41) }
            if lower { return offset(0x1D68A, from: 0x61) }
            if digit { return offset(0x1D7F6, from: 0x30) }
        case .roman, .italic:
            return nil
        }
        return nil
    }

    // Letters that Unicode encoded before the math alphabets, in the Letterlike Symbols block.
    private static let scriptExceptions: [Unicode.Scalar: Unicode.Scalar] = [
        "B": "ℬ", "E": "ℰ", "F": "ℱ", "H": "ℋ", "I": "ℐ", "L": "ℒ", "M": "ℳ", "R": "ℛ",
        "e": "ℯ", "g": "ℊ", "o": "ℴ",
    ]
    private static let frakturExceptions: [Unicode.Scalar: Unicode.Scalar] = [
        "C": "ℭ", "H": "ℌ", "I": "ℑ", "R": "ℜ", "Z": "ℨ",
    ]
    private static let doubleStruckExceptions: [Unicode.Scalar: Unicode.Scalar] = [
        "C": "ℂ", "H": "ℍ", "N": "ℕ", "P": "ℙ", "Q": "ℚ", "R": "ℝ", "Z": "ℤ",
    ]
}

/// TeX's atom classes, which decide the spacing between neighbours.
enum TeXAtom: Equatable {
    case ord, op, function, bin, rel, open, close, punct, inner
    /// Explicit spacing (`\,`, `\quad`): no class of its own, TeX looks through it.
    case space
}

/// The math fonts of `\mathrm`, `\mathbf`, … and the old `\rm`, `\bf`, ….
enum TeXFont: Equatable {
    case roman, italic, bold, boldItalic, script, fraktur, doubleStruck, sansSerif, monospace
}
