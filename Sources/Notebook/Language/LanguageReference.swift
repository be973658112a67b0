import NotebookResults
import Foundation

/// The language reference, generated from the command schemas the parser itself uses,
/// so the documentation cannot drift from what the parser accepts.
public enum LanguageReference {
    /// The whole reference as Markdown (committed as `docs/language.md`).
    public static func markdown() -> String {
        var text = """
            # The `swift-vae` command language

            A notebook is a Markdown file; its fenced `swift-vae` blocks hold one command per line.
            `#` starts a comment. Options are `key=value` with no spaces around `=`; lists are written
            `[512,256]`; numbers use Swift/C syntax (`128`, `1e-4`, `0.5`); a path with spaces is quoted.
            `param name = value` declares a parameter that `notebook run vae.md -p name=value`
            overrides and that commands use as `$name`. Blocks of other languages are shown but not run.

            The whole notebook is checked before anything runs: unknown commands and options, wrong
            types and ranges, missing prerequisites (a model before training, training before loss
            figures, a 2-D latent for a manifold) and missing checkpoint files are all reported at once
            as `file.md:LINE:COL: error: message`, with the source line, a caret and a suggestion.

            Loss figures are per image. With `loss=bce` or `bce-clipped` the reconstruction is a
            Bernoulli negative log-likelihood and reconstruction + KL is the −ELBO, in nats. With
            `loss=mse` it is a squared error, which is no likelihood: tables, charts and summaries show
            the objective (squared error + KL, with no unit) instead, and `evaluate … iwae=K` is an
            error. With β ≠ 1, `reduction=mean` or a warm-up, the objective trained has columns of its
            own beside the −ELBO. On grey pixels (`binarize=none`) a Bernoulli likelihood is not a
            normalized density: the −ELBO and L_K compare models on the same images but bound no
            log-likelihood. A model's test −ELBO is estimated with one z per image on the random
            stream of its last test pass, so its training summary, `evaluate test` and `table models`
            print one number.

            This page is generated from the parser's own schemas (`LanguageReference.markdown()`);
            a test keeps it identical and compiles every example in it.

            """
        for schema in CommandSchema.all {
            text += "\n## `\(schema.name)`\n\n\(schema.summary)\n\n"
            let arguments = schema.positionals.map { ($0, true) } + schema.options.map { ($0, false) }
            if !arguments.isEmpty {
                text += "| argument | accepts | default | meaning |\n| --- | --- | --- | --- |\n"
                for (argument, isPositional) in arguments {
                    let name = isPositional ? argument.name : "\(argument.name)=…"
                    let accepts = argument.type.noun.replacingOccurrences(of: "|", with: "\\|")
                    text += "| `\(name)` | \(accepts) | \(argument.defaultValue.map { "`\($0)`" } ?? "required") "
                        + "| \(argument.summary) |\n"
                }
                text += "\n"
            }
            text += "```swift-vae\n\(schema.example)\n```\n"
        }
        return text + cellsAndFrontMatter()
    }
}
