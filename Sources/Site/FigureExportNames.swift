import Foundation

/// The file names of a page's exported figures: meaningful, the same on every run of the
/// same notebook, and never two alike on one page.
///
/// A figure's name is `<cell>-<figure>`, with `.svg` (and `.png` for an image grid):
///
/// - `<cell>` is the block's `#| label:` when it has one, else `block-N`, N the block's
///   number among the notebook's runnable blocks from 1 (the numbering of the record and of
///   the page footer);
/// - `<figure>` is the figure's title made a file name (`Loss per epoch` → `loss-per-epoch`),
///   else its kind (`line-chart`, `image-grid`, `scatter`, `bar-chart`).
///
/// Names keep ASCII letters and digits only, lower-cased (so they stay distinct on
/// case-insensitive file systems), every other run of characters one `-`; titles are cut to
/// `maximumTitleLength` at a `-`. A name already taken on the page gets `-2`, `-3`, … in
/// reading order. Names depend on the notebook's text and the figures' titles only, never
/// on a run's numbers, so re-running a notebook rewrites the same files.
struct FigureExportNames {
    static let maximumTitleLength = 40

    private var taken: Set<String> = []

    /// The next figure's name (without extension).
    mutating func name(cell: String, figure: String) -> String {
        let base = "\(cell)-\(figure)"
        var name = base
        var count = 1
        while taken.contains(name) {
            count += 1
            name = "\(base)-\(count)"
        }
        taken.insert(name)
        return name
    }

    /// The `<cell>` part for a block with `label` (if any) at runnable position `ordinal` (from 1).
    static func cell(label: String?, ordinal: Int) -> String {
        if let label {
            let slug = slug(label)
            if !slug.isEmpty { return slug }
        }
        return "block-\(ordinal)"
    }

    /// The `<figure>` part for a figure titled `title`, of kind `kind`.
    static func figure(title: String, kind: String) -> String {
        var slug = slug(title)
        if slug.count > maximumTitleLength {
            slug = String(slug.prefix(maximumTitleLength))
            if let cut = slug.lastIndex(of: "-") { slug = String(slug[..<cut]) }
        }
        return slug.isEmpty ? kind : slug
    }

    /// `KL per latent dimension of 'beta4'` → `kl-per-latent-dimension-of-beta4`.
    static func slug(_ text: String) -> String {
        var slug = ""
        var pendingDash = false
        for scalar in text.unicodeScalars {
            let isKept = scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar))
            if isKept {
                if pendingDash && !slug.isEmpty { slug += "-" }
                pendingDash = false
                slug.unicodeScalars.append(scalar)
            } else {
                pendingDash = true
            }
        }
        return slug.lowercased()
    }
}
