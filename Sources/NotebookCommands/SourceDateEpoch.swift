import Foundation
import NotebookResults

/// `SOURCE_DATE_EPOCH` (reproducible-builds.org): when set, the one date every page, the
/// site manifest and the index carry, so two builds of the same notebooks write the same
/// bytes.
///
/// The value must be a non-negative integer count of seconds since 1970-01-01 00:00 UTC;
/// anything else is a usage error, as the specification asks, rather than silently
/// falling back to the clock. With it set, a run's finish time and the computed time of
/// cached blocks become that date, and run times (which differ every run) are left out.
enum SourceDateEpoch {
    static let variable = "SOURCE_DATE_EPOCH"

    /// The date `environment` sets, nil when the variable is absent or empty.
    static func date(in environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Date? {
        guard let text = environment[variable], !text.isEmpty else { return nil }
        guard text.allSatisfy(\.isASCII), text.allSatisfy(\.isNumber), let seconds = Int64(text),
              seconds <= 253_402_300_799 else {
            throw CommandFailure.usage("error: \(variable) must be a whole number of seconds since 1970-01-01 00:00 UTC, "
                                       + "such as 1700000000; got '\(text)'")
        }
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }

    /// `result` with every date it carries set to `date`, and its run times left out.
    static func applying(_ date: Date, to result: RunResult) -> RunResult {
        let stamp = timestamp(date)
        var result = result
        result.manifest.finishedAt = stamp
        result.manifest.seconds = -1
        for index in result.results.indices {
            result.results[index].seconds = 0
            if result.results[index].computedAt != nil { result.results[index].computedAt = stamp }
        }
        return result
    }

    /// ISO 8601 in UTC, as runs write their dates.
    static func timestamp(_ date: Date) -> String { ISO8601DateFormatter().string(from: date) }
}
