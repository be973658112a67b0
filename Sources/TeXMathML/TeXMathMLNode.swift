/// One MathML element: a token (`mi`, `mn`, `mo`, `mtext`) with text, or a container with
/// children. Written out as XML-compatible HTML: every element closed explicitly, text and
/// attribute values escaped.
struct TeXMathMLNode: Equatable {
    var tag: String
    var attributes: [(name: String, value: String)] = []
    /// The text of a token element (unescaped); nil for containers.
    var text: String?
    var children: [TeXMathMLNode] = []

    static func token(_ tag: String, _ text: String, _ attributes: [(name: String, value: String)] = []) -> TeXMathMLNode {
        TeXMathMLNode(tag: tag, attributes: attributes, text: text)
    }

    static func element(_ tag: String, _ children: [TeXMathMLNode], _ attributes: [(name: String, value: String)] = []) -> TeXMathMLNode {
        TeXMathMLNode(tag: tag, attributes: attributes, text: nil, children: children)
    }

    /// `nodes` as one node: itself when alone, else an `<mrow>`.
    static func row(_ nodes: [TeXMathMLNode]) -> TeXMathMLNode {
        nodes.count == 1 ? nodes[0] : .element("mrow", nodes)
    }

    /// A visible error: the offending TeX in red (the browser's `merror` style).
    static func error(_ tex: String) -> TeXMathMLNode {
        .element("merror", [.token("mtext", tex)])
    }

    static func space(_ width: String) -> TeXMathMLNode {
        .element("mspace", [], [("width", width)])
    }

    func attribute(_ name: String) -> String? {
        attributes.first { $0.name == name }?.value
    }

    mutating func setAttribute(_ name: String, _ value: String) {
        if let index = attributes.firstIndex(where: { $0.name == name }) {
            attributes[index].value = value
        } else {
            attributes.append((name, value))
        }
    }

    static func == (lhs: TeXMathMLNode, rhs: TeXMathMLNode) -> Bool {
        lhs.tag == rhs.tag && lhs.text == rhs.text && lhs.children == rhs.children
            && lhs.attributes.map(\.name) == rhs.attributes.map(\.name)
            && lhs.attributes.map(\.value) == rhs.attributes.map(\.value)
    }

    func write(to output: inout String) {
        output += "<" + tag
        for attribute in attributes {
            output += " " + attribute.name + "=\"" + TeXMathMLNode.escaped(attribute.value, quotes: true) + "\""
        }
        output += ">"
        if let text {
            output += TeXMathMLNode.escaped(text, quotes: false)
        } else {
            for child in children { child.write(to: &output) }
        }
        output += "</" + tag + ">"
    }

    /// `text` with `&`, `<`, `>` (and `"` when `quotes`) escaped; invisible and space
    /// characters as numeric references, so that they can be seen in the markup.
    static func escaped(_ text: String, quotes: Bool) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"" where quotes: result += "&quot;"
            case "\u{A0}", "\u{2009}", "\u{200B}", "\u{2061}", "\u{2062}", "\u{2063}", "\u{2064}":
                result += "&#x" + String(scalar.value, radix: 16, uppercase: true) + ";"
            default:
                // Other control characters are not allowed in XML or HTML text.
                if scalar.value < 0x20 && scalar != "\n" && scalar != "\t" || scalar.value == 0x7F {
                    result += "\u{FFFD}"
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result
    }
}
