/// Text from a notebook or a record made safe to print on a terminal.
///
/// A notebook is text anyone can write: an ESC byte in it echoed raw can move the cursor,
/// recolour the screen or retitle the window, a NUL cuts a line short in some terminals,
/// and a bidirectional override makes `a.md` read as something else. Every message that
/// echoes notebook or record text (source lines, names, values, suggestions) passes it
/// through `escaped(_:)`, which writes such characters the way a Swift string literal
/// would, `\u{1B}`, so what is shown can be typed back.
public enum TerminalText {
    /// `text` with C0 and C1 control characters, DEL, line and paragraph separators and
    /// the bidirectional formatting characters written as `\u{…}`. Tabs stay (the caret
    /// display keeps them so it lines up); `keepingTabs: false` escapes them too.
    public static func escaped(_ text: some StringProtocol, keepingTabs: Bool = true) -> String {
        // The common case, nothing to escape, costs one scan and no copy of the scalars.
        guard text.unicodeScalars.contains(where: { needsEscape($0, keepingTabs: keepingTabs) }) else {
            return String(text)
        }
        var result = ""
        result.reserveCapacity(text.utf8.count + 16)
        for scalar in text.unicodeScalars {
            if needsEscape(scalar, keepingTabs: keepingTabs) {
                result += escape(scalar)
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// How `scalar` is shown: `\u{1B}` for one that must not reach a terminal raw, else itself.
    public static func escape(_ scalar: Unicode.Scalar) -> String {
        "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
    }

    /// Whether `scalar` is shown escaped.
    public static func needsEscape(_ scalar: Unicode.Scalar, keepingTabs: Bool = true) -> Bool {
        switch scalar.value {
        case 0x09: !keepingTabs
        case 0x00...0x1F, 0x7F...0x9F: true
        // Arabic letter mark, left-to-right and right-to-left marks, line and paragraph
        // separators, the embeddings and overrides, and the isolates.
        case 0x061C, 0x200E, 0x200F, 0x2028...0x202E, 0x2066...0x2069: true
        default: false
        }
    }
}
