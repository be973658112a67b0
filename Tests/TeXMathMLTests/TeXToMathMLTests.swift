import GeneratedInput
import TeXMathML
import Testing

/// Tests of `TeXToMathML` through its public API: exact MathML for representative TeX,
/// visible errors for bad TeX, well-formed output for any input, and its use by the
/// Markdown stage.
@Suite struct TeXToMathMLTests {
    // MARK: - The VAE formulas

    @Test func evidenceLowerBound() {
        let tex = #"\log p_\theta(x) \ge \mathbb{E}_{q_\phi(z \mid x)}\left[\log p_\theta(x \mid z)\right] - \mathrm{KL}\left(q_\phi(z \mid x) \,\|\, p(z)\right)"#
        let expected = """
            <mrow><mi>log</mi><mo>&#x2061;</mo><mspace width="0.1667em"></mspace>\
            <msub><mi>p</mi><mi>θ</mi></msub><mo stretchy="false">(</mo><mi>x</mi><mo stretchy="false">)</mo>\
            <mo>≥</mo>\
            <msub><mi>𝔼</mi><mrow><msub><mi>q</mi><mi>ϕ</mi></msub><mo stretchy="false">(</mo><mi>z</mi>\
            <mo lspace="0em" rspace="0em">∣</mo><mi>x</mi><mo stretchy="false">)</mo></mrow></msub>\
            <mspace width="0.1667em"></mspace>\
            <mrow><mo fence="true" stretchy="true">[</mo><mi>log</mi><mo>&#x2061;</mo><mspace width="0.1667em"></mspace>\
            <msub><mi>p</mi><mi>θ</mi></msub><mo stretchy="false">(</mo><mi>x</mi><mo>∣</mo><mi>z</mi>\
            <mo stretchy="false">)</mo><mo fence="true" stretchy="true">]</mo></mrow>\
            <mo>−</mo><mi>KL</mi><mspace width="0.1667em"></mspace>\
            <mrow><mo fence="true" stretchy="true">(</mo><msub><mi>q</mi><mi>ϕ</mi></msub><mo stretchy="false">(</mo>\
            <mi>z</mi><mo>∣</mo><mi>x</mi><mo stretchy="false">)</mo><mspace width="0.1667em"></mspace>\
            <mo lspace="0em" rspace="0em" stretchy="false">‖</mo><mspace width="0.1667em"></mspace>\
            <mi>p</mi><mo stretchy="false">(</mo><mi>z</mi><mo stretchy="false">)</mo>\
            <mo fence="true" stretchy="true">)</mo></mrow></mrow>
            """
        #expect(TeXToMathML.presentation(tex, display: true) == expected)
    }

    @Test func gaussianKullbackLeibler() {
        let tex = #"-\tfrac{1}{2}\sum_j \left(1 + \log\sigma_j^2 - \mu_j^2 - \sigma_j^2\right)"#
        let expected = """
            <mrow><mo>−</mo><mspace width="0.1667em"></mspace>\
            <mfrac displaystyle="false"><mn>1</mn><mn>2</mn></mfrac>\
            <msub><mo>∑</mo><mi>j</mi></msub>\
            <mrow><mo fence="true" stretchy="true">(</mo><mn>1</mn><mo>+</mo>\
            <mi>log</mi><mo>&#x2061;</mo><mspace width="0.1667em"></mspace><msubsup><mi>σ</mi><mi>j</mi><mn>2</mn></msubsup>\
            <mo>−</mo><msubsup><mi>μ</mi><mi>j</mi><mn>2</mn></msubsup>\
            <mo>−</mo><msubsup><mi>σ</mi><mi>j</mi><mn>2</mn></msubsup>\
            <mo fence="true" stretchy="true">)</mo></mrow></mrow>
            """
        #expect(TeXToMathML.presentation(tex, display: false) == expected)
        // In display style the sum takes its index underneath.
        #expect(TeXToMathML.presentation(tex, display: true).contains("<munder><mo>∑</mo><mi>j</mi></munder>"))
    }

    @Test func reparameterization() {
        #expect(TeXToMathML.presentation(#"z = \mu + \sigma \odot \varepsilon"#, display: false)
            == "<mrow><mi>z</mi><mo>=</mo><mi>μ</mi><mo>+</mo><mi>σ</mi><mo>⊙</mo><mi>ε</mi></mrow>")
    }

    @Test func encoderDistribution() {
        let tex = #"q_\phi(z \mid x) = \mathcal{N}(\mu_\phi(x), \operatorname{diag}\sigma^2_\phi(x))"#
        let expected = """
            <mrow><msub><mi>q</mi><mi>ϕ</mi></msub><mo stretchy="false">(</mo><mi>z</mi><mo>∣</mo><mi>x</mi>\
            <mo stretchy="false">)</mo><mo>=</mo><mi>𝒩</mi><mo stretchy="false">(</mo>\
            <msub><mi>μ</mi><mi>ϕ</mi></msub><mo stretchy="false">(</mo><mi>x</mi><mo stretchy="false">)</mo>\
            <mo>,</mo><mi>diag</mi><mo>&#x2061;</mo><mspace width="0.1667em"></mspace>\
            <msubsup><mi>σ</mi><mi>ϕ</mi><mn>2</mn></msubsup><mo stretchy="false">(</mo><mi>x</mi>\
            <mo stretchy="false">)</mo><mo stretchy="false">)</mo></mrow>
            """
        #expect(TeXToMathML.presentation(tex, display: false) == expected)
    }

    // MARK: - The subset, piece by piece

    @Test(arguments: [
        // Letters, numbers, operators.
        ("x", "<mi>x</mi>"),
        ("3.14 + 2x", "<mrow><mn>3.14</mn><mo>+</mo><mn>2</mn><mi>x</mi></mrow>"),
        (#"a \le b \ge c \approx d \sim e"#,
         "<mrow><mi>a</mi><mo>≤</mo><mi>b</mi><mo>≥</mo><mi>c</mi><mo>≈</mo><mi>d</mi><mo>∼</mo><mi>e</mi></mrow>"),
        ("a < b", "<mrow><mi>a</mi><mo>&lt;</mo><mi>b</mi></mrow>"),
        (#"a \cdot b \times c"#, "<mrow><mi>a</mi><mo>⋅</mo><mi>b</mi><mo>×</mo><mi>c</mi></mrow>"),
        (#"x \to y \Rightarrow z \mapsto w"#,
         "<mrow><mi>x</mi><mo>→</mo><mi>y</mi><mo>⇒</mo><mi>z</mi><mo>↦</mo><mi>w</mi></mrow>"),
        // A leading minus, or one after a relation or an opening, is unary.
        ("-x", "<mrow><mo>−</mo><mi>x</mi></mrow>"),
        ("x = -1", #"<mrow><mi>x</mi><mo>=</mo><mo form="prefix">−</mo><mn>1</mn></mrow>"#),
        ("(-x)", #"<mrow><mo stretchy="false">(</mo><mo form="prefix">−</mo><mi>x</mi><mo stretchy="false">)</mo></mrow>"#),
        // Greek: lowercase italic, capitals upright.
        (#"\alpha + \Sigma"#, #"<mrow><mi>α</mi><mo>+</mo><mi mathvariant="normal">Σ</mi></mrow>"#),
        (#"\nabla_\phi \partial"#, #"<mrow><msub><mi mathvariant="normal">∇</mi><mi>ϕ</mi></msub><mi>∂</mi></mrow>"#),
        // Scripts.
        ("x_1", "<msub><mi>x</mi><mn>1</mn></msub>"),
        ("x^2_i", "<msubsup><mi>x</mi><mi>i</mi><mn>2</mn></msubsup>"),
        ("x_{ij}^{-1}", "<msubsup><mi>x</mi><mrow><mi>i</mi><mi>j</mi></mrow><mrow><mo>−</mo><mn>1</mn></mrow></msubsup>"),
        (#"W^\top"#, "<msup><mi>W</mi><mi>⊤</mi></msup>"),
        ("f'(x)", #"<mrow><mrow><mi>f</mi><mo>′</mo></mrow><mo stretchy="false">(</mo><mi>x</mi><mo stretchy="false">)</mo></mrow>"#),
        // Fractions and roots.
        (#"\frac{a}{b}"#, "<mfrac><mi>a</mi><mi>b</mi></mfrac>"),
        (#"\tfrac12"#, #"<mfrac displaystyle="false"><mn>1</mn><mn>2</mn></mfrac>"#),
        (#"\dfrac{1}{n}"#, #"<mfrac displaystyle="true"><mn>1</mn><mi>n</mi></mfrac>"#),
        (#"\sqrt{x}"#, "<msqrt><mi>x</mi></msqrt>"),
        (#"\sqrt[n]{x}"#, "<mroot><mi>x</mi><mi>n</mi></mroot>"),
        (#"\binom{n}{k}"#, #"<mrow><mo fence="true" stretchy="true">(</mo><mfrac linethickness="0"><mi>n</mi><mi>k</mi></mfrac><mo fence="true" stretchy="true">)</mo></mrow>"#),
        // Fonts: Unicode math alphabets, `\mathrm` upright.
        (#"\mathcal{N}(0, I)"#, #"<mrow><mi>𝒩</mi><mo stretchy="false">(</mo><mn>0</mn><mo>,</mo><mi>I</mi><mo stretchy="false">)</mo></mrow>"#),
        (#"\mathbb{E}[x]"#, #"<mrow><mi>𝔼</mi><mo stretchy="false">[</mo><mi>x</mi><mo stretchy="false">]</mo></mrow>"#),
        (#"\mathbf{z} \in \mathbb{R}^d"#, "<mrow><mi>𝐳</mi><mo>∈</mo><msup><mi>ℝ</mi><mi>d</mi></msup></mrow>"),
        (#"\mathbf{\mu}, \boldsymbol{\mu}"#, "<mrow><mi>𝛍</mi><mo>,</mo><mi>𝝁</mi></mrow>"),
        (#"\mathrm{KL}"#, "<mi>KL</mi>"),
        (#"\mathrm{d}x"#, #"<mrow><mi mathvariant="normal">d</mi><mi>x</mi></mrow>"#),
        (#"\text{if } x"#, "<mrow><mtext>if&#xA0;</mtext><mi>x</mi></mrow>"),
        // Function names: function application, a thin space unless parenthesised.
        (#"\operatorname{diag}\sigma"#, #"<mrow><mi>diag</mi><mo>&#x2061;</mo><mspace width="0.1667em"></mspace><mi>σ</mi></mrow>"#),
        (#"\log(x)"#, #"<mrow><mi>log</mi><mo>&#x2061;</mo><mo stretchy="false">(</mo><mi>x</mi><mo stretchy="false">)</mo></mrow>"#),
        // Limits beside in text style; TeX's tight relations in scripts.
        (#"\sum_{i=1}^n x_i"#, #"<mrow><msubsup><mo>∑</mo><mrow><mi>i</mi><mo lspace="0em" rspace="0em">=</mo><mn>1</mn></mrow><mi>n</mi></msubsup><msub><mi>x</mi><mi>i</mi></msub></mrow>"#),
        (#"\int_0^1 f"#, "<mrow><msubsup><mo>∫</mo><mn>0</mn><mn>1</mn></msubsup><mi>f</mi></mrow>"),
        // Delimiters: plain ones keep their size, `\left`/`\right` ones stretch.
        (#"\left( \frac{a}{b} \right)"#, #"<mrow><mo fence="true" stretchy="true">(</mo><mfrac><mi>a</mi><mi>b</mi></mfrac><mo fence="true" stretchy="true">)</mo></mrow>"#),
        (#"\left. x \right|"#, #"<mrow><mi>x</mi><mo fence="true" stretchy="true">|</mo></mrow>"#),
        (#"\lVert x \rVert"#, #"<mrow><mo form="prefix" stretchy="false">‖</mo><mi>x</mi><mo form="postfix" stretchy="false">‖</mo></mrow>"#),
        (#"\langle x, y \rangle"#, #"<mrow><mo stretchy="false">⟨</mo><mi>x</mi><mo>,</mo><mi>y</mi><mo stretchy="false">⟩</mo></mrow>"#),
        (#"\{ a \}"#, #"<mrow><mo stretchy="false">{</mo><mi>a</mi><mo stretchy="false">}</mo></mrow>"#),
        (#"p(x | z)"#, #"<mrow><mi>p</mi><mo stretchy="false">(</mo><mi>x</mi><mo lspace="0em" rspace="0em" stretchy="false">|</mo><mi>z</mi><mo stretchy="false">)</mo></mrow>"#),
        (#"\big( x \big)"#, #"<mrow><mo lspace="0em" rspace="0em" minsize="1.2em" maxsize="1.2em" stretchy="true" symmetric="true">(</mo><mi>x</mi><mo lspace="0em" rspace="0em" minsize="1.2em" maxsize="1.2em" stretchy="true" symmetric="true">)</mo></mrow>"#),
        // Accents.
        (#"\hat{x} + \bar{y}"#, #"<mrow><mover accent="true"><mi>x</mi><mo stretchy="false">ˆ</mo></mover><mo>+</mo><mover accent="true"><mi>y</mi><mo stretchy="false">¯</mo></mover></mrow>"#),
        (#"\overline{ab}"#, #"<mrow style="border-top: 0.065em solid; padding-top: 0.1em"><mi>a</mi><mi>b</mi></mrow>"#),
        // Spacing and dots.
        (#"a\,b\!c"#, #"<mrow><mi>a</mi><mspace width="0.1667em"></mspace><mi>b</mi><mspace style="margin-left: -0.1667em"></mspace><mi>c</mi></mrow>"#),
        (#"x_1, \ldots, x_n"#, "<mrow><msub><mi>x</mi><mn>1</mn></msub><mo>,</mo><mi>…</mi><mo>,</mo><msub><mi>x</mi><mi>n</mi></msub></mrow>"),
        // Tables.
        (#"\begin{pmatrix} a & b \\ c & d \end{pmatrix}"#,
         #"<mrow><mo fence="true" stretchy="true">(</mo><mtable displaystyle="false"><mtr><mtd><mi>a</mi></mtd><mtd><mi>b</mi></mtd></mtr><mtr><mtd><mi>c</mi></mtd><mtd><mi>d</mi></mtd></mtr></mtable><mo fence="true" stretchy="true">)</mo></mrow>"#),
        (#"\begin{cases} 1 & x > 0 \\ 0 & \text{else} \end{cases}"#,
         #"<mrow><mo fence="true" stretchy="true">{</mo><mtable displaystyle="false"><mtr><mtd style="text-align: left; padding-left: 0"><mn>1</mn></mtd><mtd style="text-align: left; padding-left: 1em"><mrow><mi>x</mi><mo>&gt;</mo><mn>0</mn></mrow></mtd></mtr><mtr><mtd style="text-align: left; padding-left: 0"><mn>0</mn></mtd><mtd style="text-align: left; padding-left: 1em"><mtext>else</mtext></mtd></mtr></mtable></mrow>"#),
    ])
    func inlinePresentation(_ tex: String, _ expected: String) {
        #expect(TeXToMathML.presentation(tex, display: false) == expected)
    }

    @Test(arguments: [
        (#"\sum_{i=1}^n x_i"#, #"<mrow><munderover><mo>∑</mo><mrow><mi>i</mi><mo lspace="0em" rspace="0em">=</mo><mn>1</mn></mrow><mi>n</mi></munderover><msub><mi>x</mi><mi>i</mi></msub></mrow>"#),
        (#"\lim_{n \to \infty} a_n"#, #"<mrow><munder><mi>lim</mi><mrow><mi>n</mi><mo lspace="0em" rspace="0em">→</mo><mi>∞</mi></mrow></munder><mo>&#x2061;</mo><mspace width="0.1667em"></mspace><msub><mi>a</mi><mi>n</mi></msub></mrow>"#),
        (#"\int_0^1 f"#, "<mrow><msubsup><mo>∫</mo><mn>0</mn><mn>1</mn></msubsup><mi>f</mi></mrow>"),
        (#"\begin{aligned} a &= b \\ &= c \end{aligned}"#,
         #"<mtable displaystyle="true"><mtr><mtd style="text-align: right; padding-left: 0; padding-right: 0"><mi>a</mi></mtd><mtd style="text-align: left; padding-left: 0; padding-right: 0"><mrow><mo>=</mo><mi>b</mi></mrow></mtd></mtr><mtr><mtd style="text-align: right; padding-left: 0; padding-right: 0"></mtd><mtd style="text-align: left; padding-left: 0; padding-right: 0"><mrow><mo>=</mo><mi>c</mi></mrow></mtd></mtr></mtable>"#),
        // Rows without an environment, as in `gathered`.
        (#"a \\ b"#, #"<mtable displaystyle="true"><mtr><mtd><mi>a</mi></mtd></mtr><mtr><mtd><mi>b</mi></mtd></mtr></mtable>"#),
    ])
    func displayPresentation(_ tex: String, _ expected: String) {
        #expect(TeXToMathML.presentation(tex, display: true) == expected)
    }

    @Test func mathElementKeepsTheTeXAsAnnotation() {
        #expect(TeXToMathML.math("x_1", display: false) == """
            <math display="inline"><semantics><msub><mi>x</mi><mn>1</mn></msub>\
            <annotation encoding="application/x-tex">x_1</annotation></semantics></math>
            """)
        #expect(TeXToMathML.math(#"a < b \& c"#, display: true) == """
            <math display="block"><semantics><mrow><mi>a</mi><mo>&lt;</mo><mi>b</mi><mi>&amp;</mi><mi>c</mi></mrow>\
            <annotation encoding="application/x-tex">a &lt; b \\&amp; c</annotation></semantics></math>
            """)
    }

    // MARK: - Bad TeX

    @Test(arguments: [
        // Unknown commands are shown, their arguments too.
        (#"\foo{x}"#, "<mrow><merror><mtext>\\foo</mtext></merror><mi>x</mi></mrow>"),
        (#"\KL(q, p)"#, #"<mrow><merror><mtext>\KL</mtext></merror><mo stretchy="false">(</mo><mi>q</mi><mo>,</mo><mi>p</mi><mo stretchy="false">)</mo></mrow>"#),
        // Unbalanced braces.
        (#"\frac{a}{b"#, "<mfrac><mi>a</mi><mrow><merror><mtext>{</mtext></merror><mi>b</mi></mrow></mfrac>"),
        ("a}b", "<mrow><mi>a</mi><merror><mtext>}</mtext></merror><mi>b</mi></mrow>"),
        ("{{x", "<mrow><merror><mtext>{</mtext></merror><mrow><merror><mtext>{</mtext></merror><mi>x</mi></mrow></mrow>"),
        // Missing arguments and closers, stray alignment.
        ("x^", "<msup><mi>x</mi><merror><mtext>^</mtext></merror></msup>"),
        (#"\frac"#, #"<mfrac><merror><mtext>\frac</mtext></merror><merror><mtext>\frac</mtext></merror></mfrac>"#),
        (#"\left( x"#, #"<mrow><mo fence="true" stretchy="true">(</mo><mi>x</mi><merror><mtext>\right</mtext></merror></mrow>"#),
        (#"x \right)"#, #"<mrow><mi>x</mi><merror><mtext>\right)</mtext></merror></mrow>"#),
        ("a & b", "<mrow><mi>a</mi><merror><mtext>&amp;</mtext></merror><mi>b</mi></mrow>"),
        (#"\end{pmatrix}"#, #"<merror><mtext>\end{pmatrix}</mtext></merror>"#),
        (#"\begin{foo} a \end{foo}"#, #"<mrow><merror><mtext>\begin{foo}</mtext></merror><mtable displaystyle="false"><mtr><mtd><mi>a</mi></mtd></mtr></mtable></mrow>"#),
        (#"\begin{pmatrix} a"#, #"<mrow><mo fence="true" stretchy="true">(</mo><mtable displaystyle="false"><mtr><mtd><mrow><mi>a</mi><merror><mtext>\begin{pmatrix}</mtext></merror></mrow></mtd></mtr></mtable><mo fence="true" stretchy="true">)</mo></mrow>"#),
        ("x\\", #"<mrow><mi>x</mi><merror><mtext>\</mtext></merror></mrow>"#),
        // Text is escaped.
        (#"\text{<b>&}"#, "<mtext>&lt;b&gt;&amp;</mtext>"),
        ("", "<mrow></mrow>"),
    ])
    func errorsAreVisible(_ tex: String, _ expected: String) {
        #expect(TeXToMathML.presentation(tex, display: false) == expected)
    }

    /// Garbled TeX from a seeded generator: never a trap, always well-formed markup with
    /// only MathML Core elements, and the annotation gives back the TeX.
    @Test func randomTeXKeepsTheMarkupWellFormed() {
        let pieces = ["{", "}", "^", "_", "'", "&", "\\\\", "\\", "\\left", "\\right", "\\middle", "(", ")", "[", "]",
                      "|", ".", "\\frac", "\\sqrt", "\\begin{pmatrix}", "\\end{pmatrix}", "\\begin{aligned}",
                      "\\end{cases}", "\\begin", "\\end", "\\text{", "\\mathbb", "\\mathrm{", "\\operatorname",
                      "\\sum", "\\int", "\\lim", "\\log", "\\alpha", "\\|", "\\{", "\\}", "\\,", "\\!", "\\big",
                      "\\hat", "\\overline", "\\unknown", "\\not", "\\limits", "\\displaystyle", "\\color{red}",
                      "\\hspace{", "1em", "x", "y", "2", "3.5", "+", "-", "=", "<", ">", "\"", "&amp;", " ", "\n",
                      "%", "#", "~", "é", "日", "α", "∑", "\u{1}", "\\tag{", "\\substack{", "\\binom"]
        var generator = SplitMix64(seed: 42)
        for _ in 0..<4000 {
            let count = Int(generator.next() % 40)
            let tex = (0..<count).map { _ in pieces[Int(generator.next() % UInt64(pieces.count))] }.joined()
            let display = generator.next() % 2 == 0
            let math = TeXToMathML.math(tex, display: display)
            let problems = xmlProblems(in: math)
            #expect(problems.isEmpty, "\(tex.debugDescription): \(problems)")
            #expect(annotation(of: math) == tex.replacingAll("\u{1}", with: "\u{FFFD}"), "\(tex.debugDescription)")
        }
    }

    /// Nesting far beyond real formulas is cut off with an error, not a stack overflow.
    @Test func deepNestingIsCutOff() {
        let inputs = [
            String(repeating: "{", count: 5000),
            String(repeating: "x^{", count: 5000),
            String(repeating: "\\frac{", count: 3000),
            String(repeating: "\\left(", count: 3000),
            String(repeating: "\\sqrt", count: 5000) + "x",
            String(repeating: "\\displaystyle ", count: 5000),
            String(repeating: "\\begin{pmatrix}", count: 3000),
            String(repeating: "\\mathbf", count: 5000),
        ]
        for tex in inputs {
            let math = TeXToMathML.math(tex, display: true)
            #expect(math.contains("<merror>"), "\(tex.prefix(20))")
            #expect(xmlProblems(in: math).isEmpty, "\(tex.prefix(20))")
        }
    }

    // MARK: - Helpers

    private static let mathMLElements: Set<String> = [
        "math", "semantics", "annotation", "mrow", "mi", "mn", "mo", "mtext", "mspace", "msub", "msup", "msubsup",
        "munder", "mover", "munderover", "mfrac", "msqrt", "mroot", "mtable", "mtr", "mtd", "merror", "mstyle",
        "mpadded", "mphantom",
    ]

    /// What makes `markup` not well-formed XML of MathML Core elements: unknown or
    /// unbalanced tags, bad attributes, raw `<` or `&` that are not markup or references.
    private func xmlProblems(in markup: String) -> [String] {
        var problems: [String] = []
        var stack: [String] = []
        let scalars = Array(markup.unicodeScalars)
        var i = 0
        func isNameCharacter(_ scalar: Unicode.Scalar) -> Bool {
            ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar) || scalar == "-"
        }
        /// Checks the reference at `i` (an `&`) and returns the index after it.
        func reference(at start: Int) -> Int {
            var end = start + 1
            while end < scalars.count, end - start < 12, scalars[end] != ";" { end += 1 }
            let name = String(String.UnicodeScalarView(scalars[min(start + 1, scalars.count)..<min(end, scalars.count)]))
            let valid = ["amp", "lt", "gt", "quot"].contains(name)
                || (name.hasPrefix("#x") && name.count > 2 && name.dropFirst(2).allSatisfy(\.isHexDigit))
            if !valid || end >= scalars.count { problems.append("bad reference at \(start)") }
            return end + 1
        }
        while i < scalars.count {
            let scalar = scalars[i]
            if scalar == "&" {
                i = reference(at: i)
                continue
            }
            if scalar == ">" { problems.append("raw > at \(i)") }
            if scalar.value < 0x20 && scalar != "\n" && scalar != "\t" { problems.append("control character at \(i)") }
            guard scalar == "<" else { i += 1; continue }
            i += 1
            let closing = i < scalars.count && scalars[i] == "/"
            if closing { i += 1 }
            var name = ""
            while i < scalars.count, isNameCharacter(scalars[i]) { name.unicodeScalars.append(scalars[i]); i += 1 }
            if !Self.mathMLElements.contains(name) { problems.append("unknown element <\(name)>") }
            // Attributes: ` name="value"`.
            while !closing, i < scalars.count, scalars[i] == " " {
                i += 1
                var attribute = ""
                while i < scalars.count, isNameCharacter(scalars[i]) { attribute.unicodeScalars.append(scalars[i]); i += 1 }
                guard !attribute.isEmpty, i + 1 < scalars.count, scalars[i] == "=", scalars[i + 1] == "\"" else {
                    problems.append("bad attribute in <\(name)>")
                    return problems
                }
                i += 2
                while i < scalars.count, scalars[i] != "\"" {
                    if scalars[i] == "<" { problems.append("< in attribute") }
                    if scalars[i] == "&" { i = reference(at: i) } else { i += 1 }
                }
                i += 1
            }
            guard i < scalars.count, scalars[i] == ">" else {
                problems.append("unterminated tag <\(name)>")
                return problems
            }
            i += 1
            if closing {
                if stack.last == name { stack.removeLast() } else { problems.append("</\(name)> closes \(stack.last ?? "nothing")") }
            } else {
                stack.append(name)
            }
        }
        if !stack.isEmpty { problems.append("unclosed \(stack)") }
        return problems
    }

    /// The unescaped text of the annotation.
    private func annotation(of math: String) -> String? {
        let open = #"<annotation encoding="application/x-tex">"#
        guard let start = math.firstRange(of: open)?.upperBound,
              let end = math.ranges(of: "</annotation>").last?.lowerBound else { return nil }
        return String(math[start..<end])
            .replacingAll("&lt;", with: "<").replacingAll("&gt;", with: ">")
            .replacingAll("&quot;", with: "\"").replacingAll("&#xA0;", with: "\u{A0}")
            .replacingAll("&#x2009;", with: "\u{2009}").replacingAll("&amp;", with: "&")
    }
}
