/// Converts the TeX maths of notebook prose to MathML Core, which Chromium (109 and later),
/// Firefox and Safari render natively: the page needs no JavaScript and no web font.
///
/// ```swift
/// TeXToMathML.math("x_1", display: false)
/// // <math display="inline"><semantics><msub><mi>x</mi><mn>1</mn></msub>
/// //   <annotation encoding="application/x-tex">x_1</annotation></semantics></math>
/// ```
///
/// The supported TeX is what notes on machine learning use: letters, numbers, operators and
/// Greek; scripts, primes and limits; `\frac` (`\dfrac`, `\tfrac`, `\binom`), `\sqrt`;
/// `\left…\middle…\right` and `\big`-sized delimiters; the fonts `\mathrm`, `\mathbf`,
/// `\mathcal`, `\mathbb`, `\mathfrak`, `\mathsf`, `\mathtt`, `\boldsymbol`; `\text`,
/// `\operatorname`, the function names (`\log`, `\max`, …); accents (`\hat`, `\bar`,
/// `\tilde`, `\vec`, `\dot`, `\overline`, `\underbrace`, …); spacing (`\,` … `\qquad`,
/// `\hspace`); and the environments `matrix`, `pmatrix`, `bmatrix`, `Bmatrix`, `vmatrix`,
/// `Vmatrix`, `cases`, `aligned`, `gathered`, `array` (also `align`, `gather`, `split`).
/// Display maths may use `\\` and `&` without an environment.
///
/// Decisions:
/// - Never fails. An unknown command is shown as `<merror><mtext>\name</mtext></merror>`
///   and its arguments are shown as ordinary groups; a `{` without `}` or a stray `}`,
///   `&`, `\right` or `\end` is shown the same way. The output is always well-formed.
/// - Spacing follows TeX's atom classes: relations, binary operators and punctuation are
///   `<mo>` spaced by the browser's operator dictionary; a binary operator at the start or
///   after a relation is unary (`form="prefix"`); function names get U+2061 FUNCTION
///   APPLICATION and a thin space before their argument unless it is parenthesised;
///   fractions and `\left…\right` groups get TeX's thin spaces.
/// - Plain delimiters do not stretch (`stretchy="false"`), as in TeX; `\left`/`\right`
///   ones do.
/// - `\mathcal`, `\mathbb`, `\mathbf`, … map letters to Unicode's Mathematical
///   Alphanumeric Symbols (𝒩, 𝔼, 𝐱) instead of `mathvariant`, which Chromium ignores.
///   `\mathrm{KL}` is one `<mi>`, set upright like every multi-letter `<mi>`.
/// - `\sum`, `\prod`, `\lim`, `\max`, … put limits under and over in display style
///   (`munderover`) and beside in text style (`msubsup`); `\int` always beside.
/// - Where MathML Core or common fonts fall short, inline CSS stands in: column alignment
///   in tables is `text-align` on `mtd` (Core has no `columnalign`); `\overline` and
///   `\underline` are a border (few fonts stretch an overbar glyph, and a short bar over
///   `x+y` would read as `x∓y`); `\!` is a negative margin (browsers clamp a negative
///   `mspace` width to zero).
/// - Primes sit at the base (`<mi>f</mi><mo>′</mo>`): the prime glyph is already raised.
/// - In scripts, relations and binary operators get `lspace`/`rspace` of zero, as TeX
///   sets `\sum_{i=1}` tight; browsers would keep the full spacing.
/// - The original TeX is kept in `<annotation encoding="application/x-tex">`, for copy and
///   paste and for assistive technology.
public enum TeXToMathML {
    /// The `<math>` element for `tex`: `display="block"` for display maths, else
    /// `display="inline"`, with the presentation and the TeX annotation in `<semantics>`.
    public static func math(_ tex: String, display: Bool) -> String {
        var output = "<math display=\"\(display ? "block" : "inline")\"><semantics>"
        output += presentation(tex, display: display)
        output += "<annotation encoding=\"application/x-tex\">"
        output += TeXMathMLNode.escaped(tex, quotes: false)
        output += "</annotation></semantics></math>"
        return output
    }

    /// The presentation MathML for `tex` alone: one element (an `<mrow>` when the formula
    /// has several parts), for use inside a `<math>` element.
    public static func presentation(_ tex: String, display: Bool) -> String {
        var parser = TeXParser(tex, display: display)
        var output = ""
        parser.parseFormula().write(to: &output)
        return output
    }
}
