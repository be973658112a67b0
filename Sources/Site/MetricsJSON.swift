import Foundation
import NotebookResults
import Record

/// `metrics.json`, written beside a page: every number of the run, unrounded, with what
/// reproduces it; pretty-printed with sorted keys, so the same run gives the same bytes.
///
/// - `format`: `notebook-metrics/1`;
/// - `notebook`: the notebook's file name;
/// - `run`: the record's manifest (`RecordedManifest`: seed, parameters, overrides, engine,
///   BLAS and its threads and kernel, CPU, dataset and checkpoint SHA-256s). Nothing
///   time-dependent: the run time and finish time stay in the page footer;
/// - `models`: per model, `epochs` (how many it trained), `final` (its last epoch's losses,
///   named as the columns of `losses.csv`) and `metrics` (the last value of every other
///   metric of it: `evaluate test loss`, `evaluate test log-likelihood L_100`, `KL z1`,
///   `active units`, …);
/// - `blocks`: per runnable block, its number (from 1), its `label` if any, its `metrics` in
///   the order computed (each with its `model`) and the `tables` it showed (title, columns,
///   rows as on the page).
///
/// Non-finite numbers are written as the strings `nan`, `inf` and `-inf`, as in the cache.
public enum MetricsJSON {
    public static let fileName = "metrics.json"
    public static let format = "notebook-metrics/1"

    struct File: Encodable {
        var format: String
        var notebook: String
        var run: RecordedManifest
        var models: [String: Model]
        var blocks: [Block]
    }

    struct Model: Encodable {
        var epochs: Int
        var final: [String: Double]
        var metrics: [String: Double]
    }

    struct Block: Encodable {
        var block: Int
        var label: String?
        var metrics: [Metric]
        var tables: [TableOutput]
    }

    /// The JSON bytes of a run's numbers.
    public static func data(of run: RunResult) -> Data {
        let labels = Dictionary(run.document.runnableBlocks.map { ($0.index, $0.cell?.label) }) { first, _ in first }
        let blocks = run.results.enumerated().map { ordinal, result in
            Block(block: ordinal + 1, label: labels[result.blockIndex] ?? nil, metrics: result.metrics,
                  tables: result.outputs.compactMap { if case .table(let table) = $0 { table } else { nil } })
        }

        var models: [String: Model] = [:]
        for row in LossesCSV.rows(of: run) {
            var values: [String: Double] = [:]
            for (column, value) in zip(LossesCSV.columns.dropFirst(2), LossesCSV.values(of: row)) {
                if let value { values[column] = value }
            }
            models[row.model, default: Model(epochs: 0, final: [:], metrics: [:])].epochs += 1
            models[row.model]!.final = values
        }
        for metric in run.results.flatMap(\.metrics) where LossesCSV.epochMetric(metric.name) == nil {
            models[metric.model ?? "", default: Model(epochs: 0, final: [:], metrics: [:])].metrics[metric.name] = metric.value
        }

        let file = File(format: format, notebook: URL(fileURLWithPath: run.document.path).lastPathComponent,
                        run: RecordedManifest(run.manifest), models: models, blocks: blocks)
        let encoder = ResultsJSON.encoder()
        encoder.outputFormatting.insert(.prettyPrinted)
        do {
            return try encoder.encode(file) + Data("\n".utf8)
        } catch {
            // Every value above encodes (non-finite numbers as strings); reaching here is a bug.
            preconditionFailure("metrics.json could not be encoded: \(error)")
        }
    }
}
