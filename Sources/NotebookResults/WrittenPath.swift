/// Paths as the user wrote them, cut by hand rather than by Foundation: on Linux,
/// `NSString.deletingLastPathComponent` traps on a one-letter name without a slash (`e`),
/// which `scripts/fuzz` found through `save weights e`.
public enum WrittenPath {
    /// The folder part of `path` as written: `runs/a.ckpt` → `runs`, `/a` → `/`, `a` → ``.
    public static func folder(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }
}
