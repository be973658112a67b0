import NotebookResults

/// Every value of a record checked as if a stranger had typed it.
///
/// The checksum only says a record was not edited *carelessly*: anyone can recompute it. So a
/// record that decodes and matches its checksum is still checked, value by value, before
/// `check` trusts any of it: a thread count it would run on, sizes it would allocate for,
/// numbers it would compare or draw, names it would print. A value out of range makes the
/// record unusable (`check` exits 2), never a trap and never "drift".
public enum RecordValidation {
    /// The BLAS thread counts notebook runs on (`--threads`); a record made by notebook holds one of them.
    public static let threadRange = 1...64
    /// The most runnable blocks, outputs of a block, metrics of a block, rows of a table or
    /// points of a series a record may hold: far beyond any notebook, far below what would
    /// exhaust memory when the check report draws them.
    static let largestCount = 100_000
    /// The largest recorded image side (pixels): notebooks' images are 28 × 28 or so.
    static let largestImageSide = 1_024
    /// The most points a scatter may claim to have had.
    static let largestScatter = 100_000_000
    /// The longest text a record may hold in one field (a text output, a table cell).
    static let longestText = 1_000_000
    /// The longest name (a parameter, metric, series, class, dataset file or engine version).
    static let longestName = 4_096

    /// The first problem found in `record`, phrased for the user, or nil when every value is usable.
    public static func problem(in record: NotebookRecord) -> String? {
        var validation = Walk()
        validation.check(record)
        return validation.problem
    }

    /// A walk over the record that stops at the first problem.
    private struct Walk {
        var problem: String?

        mutating func fail(_ message: String) {
            if problem == nil { problem = message }
        }

        mutating func check(_ record: NotebookRecord) {
            fileName(record.notebook, "the record's notebook name")
            check(record.manifest)
            count(record.blocks.count, "runnable blocks")
            for (index, block) in record.blocks.enumerated() where problem == nil {
                check(block, index: index)
            }
        }

        mutating func check(_ manifest: RecordedManifest) {
            if !RecordValidation.threadRange.contains(manifest.blasThreads) {
                fail("the record's thread count is \(manifest.blasThreads); notebook runs on "
                     + "\(RecordValidation.threadRange.lowerBound) to \(RecordValidation.threadRange.upperBound) threads")
            }
            for (field, value) in [("engine", manifest.engine), ("blas", manifest.blas),
                                   ("blas-core", manifest.blasCore), ("cpu", manifest.cpu)] {
                name(value, "the record's \(field)", allowEmpty: true)
            }
            count(manifest.parameters.count, "parameters")
            count(manifest.overrides.count, "overrides")
            for (list, field) in [(manifest.parameters, "parameter"), (manifest.overrides, "override")] {
                for pair in list where problem == nil {
                    parameterName(pair.name, "a recorded \(field) name")
                    text(pair.value, "the value of the recorded \(field) '\(TerminalText.escaped(pair.name))'")
                    if pair.value.count > RecordValidation.longestName {
                        fail("the value of the recorded \(field) '\(TerminalText.escaped(pair.name))' is "
                             + "\(pair.value.count) characters long")
                    }
                }
            }
            for (files, field) in [(manifest.datasets, "dataset file"), (manifest.inputs, "loaded file")] {
                count(files.count, "\(field)s")
                for (file, digest) in files.sorted(by: { $0.key < $1.key }) where problem == nil {
                    name(file, "a recorded \(field) name")
                    // Compared and printed only; a manifest made in code may abbreviate it.
                    if !isHexDigest(digest, anyLength: true) {
                        fail("the recorded SHA-256 of \(field) '\(TerminalText.escaped(file))' is not hex digits")
                    }
                }
            }
        }

        mutating func check(_ block: RecordedBlock, index: Int) {
            let place = "block \(index + 1)"
            if block.block != index + 1 {
                fail("the record's \(place) is numbered \(block.block); blocks are numbered 1, 2, 3, … in order")
            }
            if block.line < 0 { fail("the record's \(place) is on line \(block.line)") }
            count(block.metrics.count, "metrics in \(place)")
            for metric in block.metrics where problem == nil {
                name(metric.name, "a metric name in \(place)")
                finite(metric.value, "metric '\(TerminalText.escaped(metric.name))' in \(place)")
            }
            count(block.outputs.count, "outputs in \(place)")
            for (number, output) in block.outputs.enumerated() where problem == nil {
                check(output, place: "output \(number + 1) of \(place)")
            }
        }

        mutating func check(_ output: RecordedOutput, place: String) {
            if let title = output.title { text(title, "the title of \(place)") }
            if let value = output.text { text(value, place) }
            if let columns = output.columns {
                count(columns.count, "columns in \(place)")
                for column in columns where problem == nil { text(column, "a column name in \(place)") }
            }
            if let rows = output.rows {
                count(rows.count, "rows in \(place)")
                for row in rows where problem == nil {
                    count(row.count, "cells in a row of \(place)")
                    for cell in row where problem == nil { text(cell, "a cell in \(place)") }
                }
            }
            if let series = output.series {
                count(series.count, "series in \(place)")
                for line in series where problem == nil {
                    name(line.name, "a series name in \(place)", allowEmpty: true)
                    count(line.points.count, "points in series '\(TerminalText.escaped(line.name))' of \(place)")
                    for point in line.points where problem == nil {
                        if point.count != 2 {
                            fail("a point of series '\(TerminalText.escaped(line.name))' in \(place) has \(point.count) "
                                 + "numbers; a point is [x, y]")
                        }
                        for value in point { finite(value, "a point of series '\(TerminalText.escaped(line.name))' in \(place)") }
                    }
                }
            }
            if let grid = output.grid { check(grid, place: place) }
            if let scatter = output.scatter { check(scatter, place: place) }
            if let bars = output.bars {
                count(bars.count, "bars in \(place)")
                for bar in bars where problem == nil {
                    text(bar.label, "a bar label in \(place)")
                    finite(bar.value, "bar '\(TerminalText.escaped(bar.label))' in \(place)")
                }
            }
            if let threshold = output.threshold {
                text(threshold.label, "the threshold label in \(place)")
                finite(threshold.value, "the threshold in \(place)")
            }
        }

        mutating func check(_ grid: GridFingerprint, place: String) {
            let sides = 1...RecordValidation.largestImageSide
            if !sides.contains(grid.imageWidth) || !sides.contains(grid.imageHeight) {
                fail("the images of \(place) are \(grid.imageWidth) × \(grid.imageHeight) pixels; "
                     + "a recorded image is 1 to \(RecordValidation.largestImageSide) pixels a side")
                return
            }
            count(grid.rows, "rows of images in \(place)")
            count(grid.columns, "columns of images in \(place)")
            guard problem == nil else { return }
            if grid.rows * grid.columns != grid.thumbnails.count {
                fail("\(place) is a grid of \(grid.rows) × \(grid.columns) images but has "
                     + "\(grid.thumbnails.count) thumbnails")
            }
            for thumbnail in grid.thumbnails where problem == nil && GridFingerprint.levels(of: thumbnail) == nil {
                fail("a thumbnail of \(place) is not \(2 * GridFingerprint.thumbnailSide * GridFingerprint.thumbnailSide) "
                     + "hex digits")
            }
            for (label, value) in [("mean", grid.mean), ("standard deviation", grid.standardDeviation),
                                   ("minimum", grid.minimum), ("maximum", grid.maximum)] {
                finite(value, "the \(label) of \(place)")
            }
            if !isHexDigest(grid.sha256) { fail("the SHA-256 of \(place) is not 64 hex digits") }
        }

        mutating func check(_ scatter: ScatterFingerprint, place: String) {
            if !(0...RecordValidation.largestScatter).contains(scatter.points) {
                fail("\(place) claims \(scatter.points) points; a recorded scatter has 0 to "
                     + "\(RecordValidation.largestScatter)")
                return
            }
            text(scatter.xLabel, "the x label of \(place)")
            text(scatter.yLabel, "the y label of \(place)")
            count(scatter.classes.count, "classes in \(place)")
            var members = 0
            for item in scatter.classes where problem == nil {
                name(item.name, "a class name in \(place)")
                if !(0...scatter.points).contains(item.count) {
                    fail("class '\(TerminalText.escaped(item.name))' of \(place) has \(item.count) points, "
                         + "out of \(scatter.points)")
                    return
                }
                members += item.count
                for (label, value) in [("mean x", item.meanX), ("mean y", item.meanY),
                                       ("standard deviation x", item.standardDeviationX),
                                       ("standard deviation y", item.standardDeviationY)] {
                    finite(value, "the \(label) of class '\(TerminalText.escaped(item.name))' in \(place)")
                }
            }
            if problem == nil, members != scatter.points {
                fail("the classes of \(place) have \(members) points between them, not \(scatter.points)")
            }
            if !isHexDigest(scatter.sha256) { fail("the SHA-256 of \(place) is not 64 hex digits") }
        }

        // MARK: - Single values

        mutating func count(_ value: Int, _ what: String) {
            if value < 0 || value > RecordValidation.largestCount {
                fail("the record has \(value) \(what); a record holds 0 to \(RecordValidation.largestCount)")
            }
        }

        mutating func finite(_ value: Double, _ what: String) {
            if !value.isFinite { fail("\(what) is \(value) in the record; a recorded number is finite") }
        }

        /// Free text (outputs, labels): any characters, bounded in length.
        mutating func text(_ value: String, _ what: String) {
            if value.utf8.count > RecordValidation.longestText {
                fail("\(what) is \(value.utf8.count) bytes long in the record")
            }
        }

        /// A name printed in messages: bounded, no control characters.
        mutating func name(_ value: String, _ what: String, allowEmpty: Bool = false) {
            if value.isEmpty && !allowEmpty {
                fail("\(what) is empty")
            } else if value.utf8.count > RecordValidation.longestName {
                fail("\(what) is \(value.utf8.count) bytes long")
            } else if value.unicodeScalars.contains(where: { TerminalText.needsEscape($0, keepingTabs: false) }) {
                fail("\(what) '\(TerminalText.escaped(value))' has control characters")
            }
        }

        /// A parameter name: a name `check` can pass back as `-p name=value`.
        mutating func parameterName(_ value: String, _ what: String) {
            name(value, what)
            if problem == nil, value.contains(where: { $0.isWhitespace || $0 == "=" }) {
                fail("\(what) '\(TerminalText.escaped(value))' is not a parameter name")
            }
        }

        /// A notebook's file name as the record keeps it: one path component, no folder.
        mutating func fileName(_ value: String, _ what: String) {
            name(value, what)
            if problem == nil, value.contains("/") || value.contains("\\") || value == "." || value == ".." {
                fail("\(what) '\(TerminalText.escaped(value))' is not a file name (it names a folder or a path)")
            }
        }

        func isHexDigest(_ value: String, anyLength: Bool = false) -> Bool {
            (anyLength ? (1...128).contains(value.utf8.count) : value.utf8.count == 64) && value.utf8.allSatisfy {
                (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0)
            }
        }
    }
}
