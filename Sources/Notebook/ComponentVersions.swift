import VAEEngine

/// The versions of what a run depends on, for `notebook --version`: the engine, cmark
/// and OpenBLAS, read from the libraries actually loaded.
public enum ComponentVersions {
    /// `EngineInfo.version`, the engine's numerics version.
    public static var engine: String { EngineInfo.version }
    /// OpenBLAS' build description (version, kernel, maximum threads).
    public static var blas: String { BLAS.configuration }
    /// The CPU kernel OpenBLAS chose at load time.
    public static var blasCore: String { BLAS.coreName }
    /// The version of the cmark library the Markdown stage calls.
    public static var cmark: String { MarkdownParser.cmarkVersion }
}
