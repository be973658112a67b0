import NotebookResults
/// What a run of a notebook produced, in the form `notebook check` compares: committed beside
/// the notebook as `name.record.json`.
///
/// Numbers are kept unrounded; image grids and scatters as fingerprints (statistics that
/// survive tiny float noise, small thumbnails, and an exact hash) rather than pixels, so the
/// file stays small and a re-record reads well in a diff. Nothing time- or path-dependent is
/// kept: two runs of the same notebook on the same configuration write the same bytes.
public struct NotebookRecord: Sendable, Equatable, Codable {
    /// The format and its version; readers refuse versions they do not know.
    public var format: String
    /// `sha256:` and the hash of the file as stored with this value blank (`RecordChecksum`),
    /// so an edit by hand is caught rather than trusted.
    public var checksum: String
    /// The notebook's file name.
    public var notebook: String
    public var manifest: RecordedManifest
    public var blocks: [RecordedBlock]

    public static let currentFormat = "notebook-record/1"
}

/// The configuration and inputs of the recorded run.
public struct RecordedManifest: Sendable, Equatable, Codable {
    public var seed: UInt64
    public var parameters: [NamedValue]
    public var overrides: [NamedValue]
    public var engine: String
    public var blas: String
    public var blasCore: String
    public var blasThreads: Int
    public var cpu: String
    /// Dataset file → SHA-256.
    public var datasets: [String: String]
    /// Checkpoint path → SHA-256, for every checkpoint the notebook loaded.
    public var inputs: [String: String]

    enum CodingKeys: String, CodingKey {
        case seed, parameters, overrides, engine, blas, cpu, datasets, inputs
        case blasCore = "blas-core"
        case blasThreads = "blas-threads"
    }

    public init(_ manifest: RunManifest) {
        seed = manifest.seed
        parameters = manifest.parameters
        overrides = manifest.overrides
        engine = manifest.engineVersion
        blas = manifest.blasConfiguration
        blasCore = manifest.blasCore
        blasThreads = manifest.blasThreads
        cpu = manifest.cpuArchitecture
        datasets = manifest.datasetChecksums
        inputs = manifest.inputChecksums
    }

    /// What decides the bits of a result beyond the notebook and its inputs; when all of it
    /// matches, `check` compares exactly.
    var configuration: [(name: String, value: String)] {
        [("engine", engine), ("CPU", cpu), ("BLAS kernel", blasCore), ("BLAS threads", String(blasThreads)),
         ("BLAS", blas)]
    }
}

/// One runnable block's outputs.
public struct RecordedBlock: Sendable, Equatable, Codable {
    /// The block's number among the runnable blocks, from 1.
    public var block: Int
    /// The line of its opening fence when recorded (for reading; not compared).
    public var line: Int
    public var metrics: [Metric]
    public var outputs: [RecordedOutput]
}

/// One output of a block: its kind and title, and the data that identifies it.
public struct RecordedOutput: Sendable, Equatable, Codable {
    public var kind: Kind
    public var title: String?
    public var text: String?
    public var columns: [String]?
    public var rows: [[String]]?
    public var series: [RecordedSeries]?
    public var grid: GridFingerprint?
    public var scatter: ScatterFingerprint?
    /// A bar chart's bars in drawing order, unrounded.
    public var bars: [RecordedBar]?
    /// A bar chart's marked threshold.
    public var threshold: RecordedThreshold?

    public enum Kind: String, Sendable, Codable {
        case text, table
        case lineChart = "line-chart"
        case imageGrid = "image-grid"
        case scatter
        case barChart = "bar-chart"
    }

    /// How a reader names it in a message: its title, or its kind for untitled text.
    var label: String {
        if let title, !title.isEmpty { return "\"\(title)\"" }
        return kind.rawValue
    }
}

/// A line chart's series, unrounded.
public struct RecordedSeries: Sendable, Equatable, Codable {
    public var name: String
    /// `[x, y]` pairs.
    public var points: [[Double]]
}

/// One bar of a bar chart, unrounded. Bars whose value is NaN or infinite are not drawn
/// and not recorded.
public struct RecordedBar: Sendable, Equatable, Codable {
    public var label: String
    public var value: Double
    public var highlighted: Bool

    public init(label: String, value: Double, highlighted: Bool) {
        self.label = label
        self.value = value
        self.highlighted = highlighted
    }
}

/// The value a bar chart marks with a dashed line, and its label.
public struct RecordedThreshold: Sendable, Equatable, Codable {
    public var label: String
    public var value: Double

    public init(label: String, value: Double) {
        self.label = label
        self.value = value
    }
}
