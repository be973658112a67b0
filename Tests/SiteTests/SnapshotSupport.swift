import Foundation
import Testing
import TextSnapshots

/// The folder holding the expected text of whole rendered figures and pages.
let snapshotDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Snapshots", isDirectory: true)

/// Compares `actual` with the snapshot `name` of this target (see `TextSnapshots`).
func expectSnapshot(_ actual: String, named name: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
    TextSnapshots.expectSnapshot(actual, named: name, in: snapshotDirectory, sourceLocation: sourceLocation)
}
