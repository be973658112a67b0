import Foundation
import NotebookResults

/// `losses.csv`, written beside a page: one row per model and epoch with every loss the run
/// recorded for it, for a spreadsheet or pandas.
///
/// Columns, in this order (`columns`):
/// `model,epoch,train_neg_elbo,train_reconstruction,train_kl,train_objective,test_neg_elbo,test_reconstruction,test_kl,test_objective`.
/// −ELBO is reconstruction + KL; the objective is what training minimised (equal to the
/// −ELBO unless the notebook trains a β-VAE, a per-pixel mean or a warm-up). The metrics do not
/// say the loss, so for a `loss=mse` model `*_neg_elbo` holds squared error + KL, which
/// `docs/exports.md` says is no −ELBO; the column keeps its name for readers. A test value is empty
/// for an epoch without test images. Numbers are the shortest text that reads back as the
/// very `Double` the run recorded (`nan`, `inf`, `-inf` for non-finite ones), so nothing is
/// lost to rounding. Rows are grouped by model in the order the models first trained, then
/// by epoch. Lines end with CRLF and fields are quoted as RFC 4180 says (a model name with a
/// comma, a quote or a line break).
///
/// The numbers come from the blocks' metrics (`epoch 3 test KL`, …), which name their model;
/// results written before metrics named one leave `model` empty.
public enum LossesCSV {
    public static let fileName = "losses.csv"

    public static let columns = ["model", "epoch", "train_neg_elbo", "train_reconstruction", "train_kl",
                                 "train_objective", "test_neg_elbo", "test_reconstruction", "test_kl", "test_objective"]

    /// One epoch of one model: its values by split and part, as recorded.
    struct Row {
        var model: String
        var epoch: Int
        /// `train loss`, `test KL`, … → value.
        var values: [String: Double] = [:]
    }

    /// The rows of a run in file order.
    static func rows(of run: RunResult) -> [Row] {
        var models: [String] = []
        var rows: [String: [Int: Row]] = [:]
        for metric in run.results.flatMap(\.metrics) {
            guard let (epoch, part) = epochMetric(metric.name) else { continue }
            let model = metric.model ?? ""
            if rows[model] == nil {
                models.append(model)
                rows[model] = [:]
            }
            rows[model]![epoch, default: Row(model: model, epoch: epoch)].values[part] = metric.value
        }
        return models.flatMap { model in rows[model]!.values.sorted { $0.epoch < $1.epoch } }
    }

    /// The CSV text of a run's losses (a header only for a run that trained nothing).
    public static func text(of run: RunResult) -> String {
        var lines = [columns.joined(separator: ",")]
        for row in rows(of: run) {
            let fields = [quoted(row.model), String(row.epoch)] + values(of: row).map { $0.map(number) ?? "" }
            lines.append(fields.joined(separator: ","))
        }
        return lines.map { $0 + "\r\n" }.joined()
    }

    /// A row's numbers in the order of `columns` after `model` and `epoch`; nil where the
    /// run has none (no test images).
    static func values(of row: Row) -> [Double?] {
        ["train", "test"].flatMap { split -> [Double?] in
            let reconstruction = row.values["\(split) reconstruction"]
            let kl = row.values["\(split) KL"]
            let negativeELBO = reconstruction.flatMap { r in kl.map { r + $0 } }
            return [negativeELBO, reconstruction, kl, row.values["\(split) loss"]]
        }
    }

    /// `epoch 12 test reconstruction` → (12, `test reconstruction`); nil for other metrics.
    static func epochMetric(_ name: String) -> (epoch: Int, part: String)? {
        let words = name.split(separator: " ", maxSplits: 2).map(String.init)
        guard words.count == 3, words[0] == "epoch", let epoch = Int(words[1]) else { return nil }
        let part = words[2]
        let known = ["train loss", "train reconstruction", "train KL", "test loss", "test reconstruction", "test KL"]
        return known.contains(part) ? (epoch, part) : nil
    }

    /// The shortest decimal text that reads back as `value` (Swift's `description`).
    static func number(_ value: Double) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value < 0 ? "-inf" : "inf" }
        return value.description
    }

    /// A field as RFC 4180 writes it: in double quotes, inner quotes doubled, when it holds
    /// a comma, a quote or a line break.
    static func quoted(_ field: String) -> String {
        // By scalar: a CRLF is one Character, equal to neither "\r" nor "\n".
        guard field.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else {
            return field
        }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
