import CCmark
import NotebookResults

/// GFM strikethrough on cmark's inlines: `~text~` and `~~text~~` become `<del>`.
///
/// Runs of one or two tildes in text nodes are delimiters, found like emphasis: a run can
/// open when it is left-flanking and close when it is right-flanking, and closes the nearest
/// open run of the same length among the same parent's inlines. Runs of three or more are
/// text. Code spans, raw HTML and link destinations are other node types, so their tildes
/// are never touched. The struck inlines go into a custom inline node that renders as
/// `<del>…</del>`.
enum GFMStrikethrough {
    private enum Item {
        case text(String)
        case node(OpaquePointer)
        case delimiter(length: Int, canOpen: Bool, canClose: Bool)
        case struck([Item])
    }

    /// Wraps the struck inlines among `parent`'s children.
    static func apply(to parent: OpaquePointer) {
        var items: [Item] = []
        var textNodes: [OpaquePointer] = []
        var hasDelimiter = false
        var child = cmark_node_first_child(parent)
        while let current = child {
            if cmark_node_get_type(current) == CMARK_NODE_TEXT, let literal = cmark_node_get_literal(current) {
                let scalars = Array(String(cString: literal).unicodeScalars)
                let before = neighbour(cmark_node_previous(current), last: true)
                let after = neighbour(cmark_node_next(current), last: false)
                let split = split(scalars, before: before, after: after)
                hasDelimiter = hasDelimiter || split.contains { if case .delimiter = $0 { true } else { false } }
                items += split
                textNodes.append(current)
            } else {
                items.append(.node(current))
            }
            child = cmark_node_next(current)
        }
        guard hasDelimiter else { return }

        var openers: [Int] = []
        var index = 0
        var matched = false
        while index < items.count {
            guard case .delimiter(let length, let canOpen, let canClose) = items[index] else {
                index += 1
                continue
            }
            if canClose, let position = openers.lastIndex(where: {
                if case .delimiter(let openLength, _, _) = items[$0] { openLength == length } else { false }
            }) {
                let opener = openers[position]
                let inner = Array(items[(opener + 1)..<index])
                items.replaceSubrange(opener...index, with: [.struck(inner)])
                openers.removeSubrange(position...)
                index = opener + 1
                matched = true
                continue
            }
            if canOpen { openers.append(index) }
            index += 1
        }
        guard matched else { return }

        // Every child leaves the parent; the text nodes, whose text the items hold, are freed.
        while let current = cmark_node_first_child(parent) { cmark_node_unlink(current) }
        for node in textNodes { cmark_node_free(node) }
        append(items, to: parent)
    }

    private static func append(_ items: [Item], to parent: OpaquePointer) {
        var pending = ""
        func flush() {
            guard !pending.isEmpty, let node = cmark_node_new(CMARK_NODE_TEXT) else { return }
            cmark_node_set_literal(node, pending)
            cmark_node_append_child(parent, node)
            pending = ""
        }
        for item in items {
            switch item {
            case .text(let text):
                pending += text
            case .delimiter(let length, _, _):
                pending += String(repeating: "~", count: length)
            case .node(let node):
                flush()
                cmark_node_append_child(parent, node)
            case .struck(let inner):
                flush()
                guard let del = cmark_node_new(CMARK_NODE_CUSTOM_INLINE) else { continue }
                cmark_node_set_on_enter(del, "<del>")
                cmark_node_set_on_exit(del, "</del>")
                cmark_node_append_child(parent, del)
                append(inner, to: del)
            }
        }
        flush()
    }

    /// What flanking sees next to a text node: the nearest character of a text neighbour,
    /// a space at a line break or the paragraph's edge, and punctuation next to other
    /// inlines (their markup starts and ends with `*`, `` ` ``, `]` or `>`).
    private static func neighbour(_ node: OpaquePointer?, last: Bool) -> Unicode.Scalar {
        guard let node else { return " " }
        switch cmark_node_get_type(node) {
        case CMARK_NODE_TEXT:
            guard let literal = cmark_node_get_literal(node) else { return " " }
            let scalars = String(cString: literal).unicodeScalars
            return (last ? scalars.last : scalars.first) ?? " "
        case CMARK_NODE_SOFTBREAK, CMARK_NODE_LINEBREAK:
            return " "
        default:
            return "*"
        }
    }

    private static func split(_ scalars: [Unicode.Scalar], before: Unicode.Scalar, after: Unicode.Scalar) -> [Item] {
        var items: [Item] = []
        var text = ""
        var index = 0
        while index < scalars.count {
            guard scalars[index] == "~" else {
                text.unicodeScalars.append(scalars[index])
                index += 1
                continue
            }
            var end = index
            while end < scalars.count, scalars[end] == "~" { end += 1 }
            let length = end - index
            if length > 2 {
                text += String(repeating: "~", count: length)
            } else {
                let previous = index > 0 ? scalars[index - 1] : before
                let next = end < scalars.count ? scalars[end] : after
                let leftFlanking = !isSpace(next) && (!isPunctuation(next) || isSpace(previous) || isPunctuation(previous))
                let rightFlanking = !isSpace(previous) && (!isPunctuation(previous) || isSpace(next) || isPunctuation(next))
                if !text.isEmpty { items.append(.text(text)) }
                text = ""
                items.append(.delimiter(length: length, canOpen: leftFlanking, canClose: rightFlanking))
            }
            index = end
        }
        if !text.isEmpty { items.append(.text(text)) }
        return items
    }

    private static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.isWhitespace
    }

    private static func isPunctuation(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII { return scalar.properties.generalCategory != .uppercaseLetter && !scalar.properties.isAlphabetic
            && !("0"..."9").contains(scalar) && !scalar.properties.isWhitespace && scalar.value > 0x20 && scalar.value < 0x7F }
        switch scalar.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation:
            return true
        default:
            return false
        }
    }
}
