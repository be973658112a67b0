/// What a block produced, as data: the Site renders it, the Record fingerprints it.
///
/// Outputs carry numbers and pixels, never HTML or SVG, so the execution stage
/// knows nothing of how they are drawn.
public enum BlockOutput: Sendable, Equatable, Codable {
    case text(String)
    case table(TableOutput)
    case lineChart(LineChartOutput)
    case imageGrid(ImageGridOutput)
    case scatter(ScatterOutput)
    case barChart(BarChartOutput)
}

/// One bar per named item, such as the KL divergence of each latent dimension sorted from
/// largest to smallest, with the active units highlighted and the activity threshold marked.
public struct BarChartOutput: Sendable, Equatable, Codable {
    public var title: String
    public var caption: String
    public var xLabel: String
    public var yLabel: String
    /// Drawn left to right in this order; a bar whose value is NaN or infinite is left out.
    public var bars: [Bar]
    /// A value marked across the chart as a dashed line with its label, e.g. the KL above
    /// which a latent unit counts as active.
    public var threshold: Threshold?

    public struct Bar: Sendable, Equatable, Codable {
        public var label: String
        public var value: Double
        /// Drawn in the first series colour; the other bars are grey.
        public var highlighted: Bool
        public init(label: String, value: Double, highlighted: Bool = false) {
            self.label = label
            self.value = value
            self.highlighted = highlighted
        }
    }

    public struct Threshold: Sendable, Equatable, Codable {
        public var value: Double
        public var label: String
        public init(value: Double, label: String) {
            self.value = value
            self.label = label
        }
    }

    public init(title: String, caption: String = "", xLabel: String, yLabel: String, bars: [Bar],
                threshold: Threshold? = nil) {
        self.title = title
        self.caption = caption
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.bars = bars
        self.threshold = threshold
    }
}

/// Points in a plane coloured by class, such as test images encoded into a latent space.
public struct ScatterOutput: Sendable, Equatable, Codable {
    public var title: String
    public var caption: String
    public var xLabel: String
    public var yLabel: String
    public var points: [Point]
    /// Class names indexed by `Point.label`, for the legend.
    public var classNames: [String]

    public struct Point: Sendable, Equatable, Codable {
        public var x: Double
        public var y: Double
        public var label: Int
        public init(x: Double, y: Double, label: Int) {
            self.x = x
            self.y = y
            self.label = label
        }
    }

    public init(title: String, caption: String, xLabel: String, yLabel: String, points: [Point], classNames: [String]) {
        self.title = title
        self.caption = caption
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.points = points
        self.classNames = classNames
    }
}

/// The latent coordinates an image grid spans, for a manifold: column i decodes
/// x = `xRange` interpolated, row j decodes y = `yRange` interpolated (top row first).
public struct GridAxes: Sendable, Equatable, Codable {
    public var xLabel: String
    public var yLabel: String
    public var xRange: ClosedRange<Double>
    public var yRange: ClosedRange<Double>

    public init(xLabel: String, yLabel: String, xRange: ClosedRange<Double>, yRange: ClosedRange<Double>) {
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.xRange = xRange
        self.yRange = yRange
    }
}

/// A table of figures, such as the per-epoch losses.
public struct TableOutput: Sendable, Equatable, Codable {
    public var title: String
    public var columns: [String]
    /// Cells already formatted for reading; numbers right-aligned by the renderer.
    public var rows: [[String]]
    /// What the numbers are and how they were estimated, after the title; nil for none, so a
    /// table without one encodes as before it existed.
    public var caption: String?

    public init(title: String, columns: [String], rows: [[String]], caption: String? = nil) {
        self.title = title
        self.columns = columns
        self.rows = rows
        self.caption = caption
    }
}

/// One or more named series over a shared x axis (e.g. train and test loss per epoch).
public struct LineChartOutput: Sendable, Equatable, Codable {
    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var series: [Series]

    public struct Series: Sendable, Equatable, Codable {
        public var name: String
        public var points: [Point]
        /// The model the series belongs to, when a chart overlays several: series of one
        /// group share a colour and the legend names each group once.
        public var group: String?
        /// Drawn as a dashed line: by convention the training curve, the test curve solid.
        public var dashed: Bool

        public init(name: String, points: [Point], group: String? = nil, dashed: Bool = false) {
            self.name = name
            self.points = points
            self.group = group
            self.dashed = dashed
        }

        enum CodingKeys: String, CodingKey {
            case name, points, group, dashed
        }

        /// Results written before groups existed have neither `group` nor `dashed`.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            name = try container.decode(String.self, forKey: .name)
            points = try container.decode([Point].self, forKey: .points)
            group = try container.decodeIfPresent(String.self, forKey: .group)
            dashed = try container.decodeIfPresent(Bool.self, forKey: .dashed) ?? false
        }

        /// `group` and `dashed` are written only when set, so a chart without them encodes to
        /// the same bytes as before they existed (cached results and fixtures stay valid).
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(name, forKey: .name)
            try container.encode(points, forKey: .points)
            try container.encodeIfPresent(group, forKey: .group)
            if dashed { try container.encode(dashed, forKey: .dashed) }
        }
    }

    public struct Point: Sendable, Equatable, Codable {
        public var x: Double
        public var y: Double
        public init(x: Double, y: Double) {
            self.x = x
            self.y = y
        }
    }

    public init(title: String, xLabel: String, yLabel: String, series: [Series]) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.series = series
    }
}

/// A grid of equally sized grey-scale images, intensities in 0...1, row-major.
///
/// A reconstruction grid is drawn as pairs of rows: originals above their
/// reconstructions; `rowLabels` names each row ("original", "reconstruction").
public struct ImageGridOutput: Sendable, Equatable, Codable {
    public var title: String
    public var caption: String
    public var rows: Int
    public var columns: Int
    public var imageWidth: Int
    public var imageHeight: Int
    /// `rows * columns` images, each `imageWidth * imageHeight` values in 0...1.
    public var images: [[Float]]
    /// Optional label per row, drawn to the left of it.
    public var rowLabels: [String]
    /// For a manifold: the latent range the grid spans, drawn as axes with tick values.
    public var axes: GridAxes?

    public init(title: String, caption: String, rows: Int, columns: Int, imageWidth: Int, imageHeight: Int,
                images: [[Float]], rowLabels: [String] = [], axes: GridAxes? = nil) {
        self.title = title
        self.caption = caption
        self.rows = rows
        self.columns = columns
        self.imageWidth = imageWidth
        self.imageHeight = imageHeight
        self.images = images
        self.rowLabels = rowLabels
        self.axes = axes
    }
}

/// A number a block computed, at full precision (figures show it rounded).
public struct Metric: Sendable, Equatable, Codable {
    /// What it is, e.g. `epoch 3 test loss`.
    public var name: String
    public var value: Double
    /// The model it is about (`model-1`, or the name the notebook gave it), for the exported
    /// `losses.csv` and `metrics.json`; nil in results written before it existed. The record
    /// leaves it out: its blocks already say which model they train.
    public var model: String?

    public init(name: String, value: Double, model: String? = nil) {
        self.name = name
        self.value = value
        self.model = model
    }

    /// The name with its model, for lists of metrics from several models: `'beta4' epoch 1 train loss`.
    public var qualifiedName: String { model.map { "'\($0)' \(name)" } ?? name }

    private enum CodingKeys: String, CodingKey { case name, value, model }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        value = try container.decode(Double.self, forKey: .value)
        model = try container.decodeIfPresent(String.self, forKey: .model)
    }

    /// `model` only when known, so a metric without one encodes as before it existed.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(value, forKey: .value)
        try container.encodeIfPresent(model, forKey: .model)
    }
}

/// The outputs of one runnable block.
public struct BlockResult: Sendable, Equatable, Codable {
    /// The code block's ordinal in `Document.codeBlocks`.
    public var blockIndex: Int
    public var outputs: [BlockOutput]
    /// The block's losses and metrics unrounded, in the order computed: what `check`
    /// compares first, since a table shows them to two decimals only.
    public var metrics: [Metric]
    /// Wall-clock seconds the block took.
    public var seconds: Double
    /// When the block was computed (ISO 8601) if its outputs came from the cache; nil when
    /// this run computed them.
    public var computedAt: String?

    public init(blockIndex: Int, outputs: [BlockOutput], metrics: [Metric] = [], seconds: Double,
                computedAt: String? = nil) {
        self.blockIndex = blockIndex
        self.outputs = outputs
        self.metrics = metrics
        self.seconds = seconds
        self.computedAt = computedAt
    }
}

/// Everything a run produced, with what makes it reproducible.
public struct RunResult: Sendable, Equatable, Codable {
    public var document: Document
    public var results: [BlockResult]
    public var manifest: RunManifest

    public init(document: Document, results: [BlockResult], manifest: RunManifest) {
        self.document = document
        self.results = results
        self.manifest = manifest
    }
}
