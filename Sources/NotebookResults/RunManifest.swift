/// A name with its value, in a fixed order (parameters as declared, overrides as given).
public struct NamedValue: Sendable, Equatable, Codable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// The facts that make a run reproducible: shown in the page footer, kept in the record.
public struct RunManifest: Sendable, Equatable, Codable {
    public var seed: UInt64
    /// Every parameter as the run used it, in declaration order.
    public var parameters: [NamedValue]
    /// The `-p name=value` overrides of the run, sorted by name; `check` applies them again.
    public var overrides: [NamedValue]
    public var engineVersion: String
    public var blasConfiguration: String
    /// The kernel OpenBLAS picked for this CPU (`Zen`, `Haswell`, …).
    public var blasCore: String
    public var blasThreads: Int
    /// The machine architecture (`x86_64`, `aarch64`).
    public var cpuArchitecture: String
    /// Dataset file name → SHA-256 (hex) of the file as read.
    public var datasetChecksums: [String: String]
    /// Other files the run read (checkpoints loaded by `load weights`), path → SHA-256 (hex).
    public var inputChecksums: [String: String]
    public var command: String
    /// Wall-clock seconds of the run; negative when left out on purpose (a reproducible
    /// build with `SOURCE_DATE_EPOCH`), and then not shown.
    public var seconds: Double
    public var finishedAt: String

    public init(seed: UInt64, parameters: [NamedValue] = [], overrides: [NamedValue] = [],
                engineVersion: String, blasConfiguration: String, blasCore: String = "",
                blasThreads: Int, cpuArchitecture: String = "",
                datasetChecksums: [String: String], inputChecksums: [String: String] = [:],
                command: String, seconds: Double, finishedAt: String) {
        self.seed = seed
        self.parameters = parameters
        self.overrides = overrides
        self.engineVersion = engineVersion
        self.blasConfiguration = blasConfiguration
        self.blasCore = blasCore
        self.blasThreads = blasThreads
        self.cpuArchitecture = cpuArchitecture
        self.datasetChecksums = datasetChecksums
        self.inputChecksums = inputChecksums
        self.command = command
        self.seconds = seconds
        self.finishedAt = finishedAt
    }
}
