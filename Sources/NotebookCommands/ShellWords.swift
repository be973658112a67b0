/// Words joined into one command line that a POSIX shell splits back into the same words.
///
/// A page's "Reproduce" command is meant to be pasted into a shell, so a notebook named
/// `my $nb.md` or a `-p` value holding `;` or `$(…)` must reach `notebook` as written and
/// run nothing else. A word made only of characters no shell treats specially stays bare, so
/// the usual command reads as typed; any other word is put in single quotes, inside which a
/// POSIX shell expands nothing, and each `'` in it is written `'\''` (close the quotes, an
/// escaped quote, open them again).
public enum ShellWords {
    /// The characters a word may hold and still be left bare: `[A-Za-z0-9_./=:,+@%-]`.
    static func isSafe(_ character: Unicode.Scalar) -> Bool {
        switch character {
        case "A"..."Z", "a"..."z", "0"..."9", "_", ".", "/", "=", ":", ",", "+", "@", "%", "-": true
        default: false
        }
    }

    /// `word` as a shell reads it back unchanged: bare when every character is safe,
    /// otherwise in single quotes; the empty word is `''`.
    public static func quote(_ word: String) -> String {
        if !word.isEmpty, word.unicodeScalars.allSatisfy(isSafe) { return word }
        return "'" + word.replacingOccurrences(of: "'", with: #"'\''"#) + "'"
    }

    /// `words` quoted and joined with spaces: one command line.
    public static func join(_ words: [String]) -> String {
        words.map(quote).joined(separator: " ")
    }
}
