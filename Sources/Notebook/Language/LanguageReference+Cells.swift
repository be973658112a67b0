import NotebookResults

extension LanguageReference {
    /// The sections on what surrounds the commands: Quarto-style fences and `#|` cell
    /// options, and the front matter keys, generated from the tables the compiler checks
    /// against. Their examples are whole notebooks in `markdown` blocks, which a test compiles.
    static func cellsAndFrontMatter() -> String {
        var text = """

            ## Cells and cell options

            A block fenced ```` ```swift-vae ```` or, as Quarto writes it, ```` ```{swift-vae} ```` runs;
            attributes go after the language either way (```` ```swift-vae {tolerance=1e-2} ````,
            ```` ```{swift-vae tolerance=1e-2} ````). Quarto's cell options are the block's first lines,
            `#| key: value`; to the commands they are comments, and the page leaves them out of the code.
            A value may be quoted; an unknown option or a bad value is an error at its position.

            | option | accepts | meaning |
            | --- | --- | --- |

            """
        for option in CellOptions.options {
            text += "| `\(option.name)` | \(option.accepts) | \(option.summary) |\n"
        }
        text += """

            ````markdown
            ```{swift-vae}
            #| label: setup
            #| echo: false
            seed 1
            data fashion-mnist train=100
            model mlp encoder=[8] latent=2 decoder=[8]
            ```

            ```swift-vae
            #| output: false
            #| tolerance: 1e-2
            train epochs=1
            ```
            ````

            ## Front matter

            A notebook may start with YAML front matter between `---` lines, as Quarto, Jekyll and
            Pandoc read it. These keys are checked; other top-level keys (`author`, `format`, …) belong
            to those tools and are ignored. Invalid YAML, a front matter never closed, a key given twice
            and a key of the wrong shape are errors at their line and column.

            | key | takes | meaning |
            | --- | --- | --- |

            """
        for key in FrontMatterSettings.keys {
            text += "| `\(key.key)` | \(key.accepts) | \(key.summary) |\n"
        }
        text += """

            Under `check`, \(CheckTolerance.optionNames.map { "`\($0)`" }.joined(separator: " and ")) are numbers
            from 0 to 1. Under `params`, each value is one value as `param` takes it (a number, a word,
            a quoted string), never a list or a mapping; a name declared there cannot also be declared with
            `param`.

            ````markdown
            ---
            title: A first VAE
            author: someone
            check:
              tolerance: 1e-3
            params:
              epochs: 2
              latent: 2
            ---

            ```swift-vae
            seed 1
            data fashion-mnist train=100
            model mlp encoder=[8] latent=$latent decoder=[8]
            train epochs=$epochs
            ```
            ````

            """
        return text
    }
}
