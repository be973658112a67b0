/// Facts about the engine that runs record.
public enum EngineInfo {
    /// Bumped whenever numerics may change, so records name the engine that made them.
    public static let version = "0.1.0"
}
