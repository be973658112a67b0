import NotebookResults
import Foundation
import VAEEngine

/// Shows training progress: a live line on a terminal, one log line per epoch otherwise.
public final class ProgressReporter: @unchecked Sendable {
    public enum Style: Sendable { case live, log, quiet }

    public let style: Style
    private let write: (String) -> Void
    private var lastLiveUpdate = Date.distantPast
    private var liveLineLength = 0

    public init(style: Style, write: @escaping (String) -> Void = { FileHandle.standardError.write(Data($0.utf8)) }) {
        self.style = style
        self.write = write
    }

    /// `.live` when standard error is a terminal, `.log` otherwise.
    public static func automatic(quiet: Bool) -> ProgressReporter {
        if quiet { return ProgressReporter(style: .quiet) }
        return ProgressReporter(style: isatty(STDERR_FILENO) == 1 ? .live : .log)
    }

    /// A block starts running; `reason` says why when a cache could have spared it.
    public func blockStarted(_ location: SourceLocation, index: Int, of total: Int, reason: String? = nil) {
        guard style != .quiet else { return }
        write("[\(index)/\(total)] \(location)" + (reason.map { " re-runs: \($0)" } ?? "") + "\n")
    }

    /// A block's outputs come from the cache.
    public func blockCached(_ location: SourceLocation, index: Int, of total: Int) {
        guard style != .quiet else { return }
        write("[\(index)/\(total)] \(location) cached\n")
    }

    /// A line about the block running (a training continued from the cache).
    public func note(_ message: String) {
        guard style != .quiet else { return }
        write(message + "\n")
    }

    /// A line the user should see even in a log (a damaged cache entry).
    public func warning(_ message: String) {
        guard style != .quiet else { return }
        write(message + "\n")
    }

    /// A training step finished.
    public func step(_ progress: TrainingProgress) {
        guard style == .live else { return }
        let now = Date()
        let lastOfEpoch = progress.stepInEpoch == progress.stepsPerEpoch
        guard lastOfEpoch || now.timeIntervalSince(lastLiveUpdate) > 0.1 else { return }
        lastLiveUpdate = now
        let done = Double((progress.epochInPlan - 1) * progress.stepsPerEpoch + progress.stepInEpoch)
        let total = Double(progress.epochsInPlan * progress.stepsPerEpoch)
        let remaining = done > 0 ? progress.elapsed / done * (total - done) : 0
        let line = String(format: "  epoch %d/%d%@  step %d/%d  loss %.3f  ETA %@",
                          progress.epochInPlan, progress.epochsInPlan, Self.partialLabel(progress.partial),
                          progress.stepInEpoch, progress.stepsPerEpoch, progress.runningLoss, Self.duration(remaining))
        let padding = String(repeating: " ", count: max(0, liveLineLength - line.count))
        liveLineLength = line.count
        write("\r" + line + padding)
    }

    /// An epoch finished, with its losses.
    ///
    /// `epoch N/M` counts the epochs of the `train` command (a continued run goes on from the
    /// epochs the cache held); `model` names the model when a block trains more than one, and
    /// `measure` says what the numbers are: `−ELBO` when the objective trained is the negative
    /// ELBO in nats, else `objective`.
    public func epoch(_ record: EpochRecord, epochInPlan: Int, of epochsInPlan: Int, model: String? = nil,
                      measure: String = "−ELBO") {
        switch style {
        case .quiet: return
        case .live:
            write("\r" + String(repeating: " ", count: liveLineLength) + "\r")
            liveLineLength = 0
        case .log: break
        }
        var line = "  epoch \(epochInPlan)/\(epochsInPlan)" + Self.partialLabel(record.partial)
            + (model.map { "  \($0)" } ?? "") + String(format: "  %@ train %.3f", measure, record.train)
        if let test = record.test { line += String(format: "  test %.3f", test) }
        line += String(format: "  (%.1f s)\n", record.seconds)
        write(line)
    }

    /// ` (30 of 469 steps)` after the epoch of a partial one, so its losses are not read as a whole epoch's.
    static func partialLabel(_ partial: PartialEpoch?) -> String {
        partial.map { " (\($0.text))" } ?? ""
    }

    static func duration(_ seconds: Double) -> String {
        let total = Int(seconds.rounded())
        return total >= 60 ? "\(total / 60)m\(String(format: "%02d", total % 60))s" : "\(total)s"
    }
}
