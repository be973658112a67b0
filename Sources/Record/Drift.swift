import NotebookResults
import Foundation

/// One difference between a re-run and its record.
public struct Drift: Sendable, Equatable, CustomStringConvertible {
    /// The block's number among runnable blocks (from 1); nil for the manifest.
    public var block: Int?
    /// The block's opening fence in the notebook, or the notebook itself for the manifest.
    public var location: SourceLocation
    /// The figure or output, e.g. `"Loss per epoch"`, or `metrics`, `manifest`.
    public var figure: String
    /// What differs inside it, e.g. `series "test" at x = 2`.
    public var item: String
    public var expected: String
    public var actual: String
    /// How far apart, when the values are numbers: `+0.264%`, `Δ 3.1e-04`.
    public var deviation: String?
    /// Where the output sits in its block, for the report (nil for metrics and manifest).
    public var outputIndex: Int?
    /// The model a metric belongs to: two models of a block both have an "epoch 1 train loss".
    public var model: String?

    public init(block: Int?, location: SourceLocation, figure: String, item: String, expected: String, actual: String,
                deviation: String? = nil, outputIndex: Int? = nil, model: String? = nil) {
        self.block = block
        self.location = location
        self.figure = figure
        self.item = item
        self.expected = expected
        self.actual = actual
        self.deviation = deviation
        self.outputIndex = outputIndex
        self.model = model
    }

    /// The item with its model, as messages and the report name it: `'beta4' epoch 1 train loss`.
    public var qualifiedItem: String { model.map { "'\($0)' \(item)" } ?? item }

    public var description: String {
        let place = block.map { "block \($0), " } ?? ""
        var text = "\(location): drift: \(place)\(figure): \(qualifiedItem): expected \(expected), actual \(actual)"
        if let deviation { text += " (\(deviation))" }
        return text
    }
}

/// The result of comparing a re-run with its record.
public struct CheckOutcome: Sendable {
    /// Exact when the configuration matches the record's; otherwise why not.
    public enum Mode: Sendable, Equatable {
        case exact
        case tolerant(reason: String)
    }

    public var mode: Mode
    public var drifts: [Drift]
    /// How many outputs and metrics were compared.
    public var comparedOutputs: Int
    public var comparedMetrics: Int

    public var passed: Bool { drifts.isEmpty }
    /// The first block that differs, the one to look at first.
    public var firstDriftingBlock: Int? { drifts.compactMap(\.block).min() }
}
