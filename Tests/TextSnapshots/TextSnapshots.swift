import Foundation
import Testing

// Whole-text snapshots for the test targets that render pages, figures and help texts.

/// Compares `actual` with the snapshot file `name` in `snapshotDirectory`, whole.
///
/// With `RECORD_SNAPSHOTS=1` in the environment the file is (re)written instead and
/// the check passes; otherwise a missing file is a failure that says how to record it,
/// and a difference reports the first line that differs.
public func expectSnapshot(_ actual: String, named name: String, in snapshotDirectory: URL,
                           sourceLocation: Testing.SourceLocation = #_sourceLocation) {
    let file = snapshotDirectory.appendingPathComponent(name)
    if ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] == "1" {
        do {
            try FileManager.default.createDirectory(at: snapshotDirectory, withIntermediateDirectories: true)
            try Data(actual.utf8).write(to: file)
        } catch {
            Issue.record("cannot record snapshot \(file.path): \(error)", sourceLocation: sourceLocation)
        }
        return
    }
    guard let data = FileManager.default.contents(atPath: file.path) else {
        Issue.record("missing snapshot \(file.path); run the tests with RECORD_SNAPSHOTS=1 to record it",
                     sourceLocation: sourceLocation)
        return
    }
    let expected = String(decoding: data, as: UTF8.self)
    guard expected != actual else { return }
    let expectedLines = expected.split(separator: "\n", omittingEmptySubsequences: false)
    let actualLines = actual.split(separator: "\n", omittingEmptySubsequences: false)
    let line = zip(expectedLines, actualLines).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(expectedLines.count, actualLines.count)
    let show = { (lines: [Substring]) in line < lines.count ? String(lines[line].prefix(300)) : "<end of text>" }
    Issue.record("""
        snapshot \(name) differs at line \(line + 1) (re-record with RECORD_SNAPSHOTS=1 if the change is intended)
        expected: \(show(expectedLines))
          actual: \(show(actualLines))
        """, sourceLocation: sourceLocation)
}
