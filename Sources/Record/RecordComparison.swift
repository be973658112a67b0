import NotebookResults
import Foundation

/// Compares a fresh record with the committed one: exactly when the configuration (engine,
/// CPU, BLAS kernel and threads) is the same, within the notebook's tolerances otherwise.
public struct RecordComparison {
    let expected: NotebookRecord
    let actual: NotebookRecord
    let plan: CheckPlan
    private var drifts: [Drift] = []
    private var comparedOutputs = 0
    private var comparedMetrics = 0
    private let mode: CheckOutcome.Mode

    public static func compare(expected: NotebookRecord, actual: NotebookRecord, plan: CheckPlan) -> CheckOutcome {
        var comparison = RecordComparison(expected: expected, actual: actual, plan: plan)
        comparison.run()
        return CheckOutcome(mode: comparison.mode, drifts: comparison.drifts,
                            comparedOutputs: comparison.comparedOutputs, comparedMetrics: comparison.comparedMetrics)
    }

    init(expected: NotebookRecord, actual: NotebookRecord, plan: CheckPlan) {
        self.expected = expected
        self.actual = actual
        self.plan = plan
        let differences = zip(expected.manifest.configuration, actual.manifest.configuration)
            .filter { $0.value != $1.value }
            .map { "\($0.name) \($0.value) → \($1.value)" }
        mode = differences.isEmpty ? .exact : .tolerant(reason: differences.joined(separator: ", "))
    }

    private var exact: Bool { mode == .exact }

    private mutating func run() {
        compareManifest()
        let notebookLocation = SourceLocation(file: plan.notebookPath, line: 1, column: 1)
        if expected.blocks.count != actual.blocks.count {
            drifts.append(Drift(block: nil, location: notebookLocation, figure: "notebook", item: "runnable blocks",
                                expected: String(expected.blocks.count), actual: String(actual.blocks.count)))
        }
        for (recorded, fresh) in zip(expected.blocks, actual.blocks) {
            compare(block: recorded, with: fresh)
        }
    }

    // MARK: - Manifest

    private mutating func compareManifest() {
        let location = SourceLocation(file: plan.notebookPath, line: 1, column: 1)
        func note(_ item: String, _ expected: String, _ actual: String) {
            if expected != actual {
                drifts.append(Drift(block: nil, location: location, figure: "manifest", item: item,
                                    expected: expected, actual: actual))
            }
        }
        let (was, now) = (expected.manifest, actual.manifest)
        note("seed", String(was.seed), String(now.seed))
        let wasParameters = Dictionary(was.parameters.map { ($0.name, $0.value) }, uniquingKeysWith: { $1 })
        let nowParameters = Dictionary(now.parameters.map { ($0.name, $0.value) }, uniquingKeysWith: { $1 })
        for name in Set(wasParameters.keys).union(nowParameters.keys).sorted() {
            note("parameter \(name)", wasParameters[name] ?? "(not declared)", nowParameters[name] ?? "(not declared)")
        }
        for name in Set(was.datasets.keys).union(now.datasets.keys).sorted() {
            note("dataset file \(name) SHA-256", was.datasets[name] ?? "(not read)", now.datasets[name] ?? "(not read)")
        }
        for name in Set(was.inputs.keys).union(now.inputs.keys).sorted() {
            note("loaded file \(name) SHA-256", was.inputs[name] ?? "(not read)", now.inputs[name] ?? "(not read)")
        }
    }

    // MARK: - Blocks

    private mutating func compare(block recorded: RecordedBlock, with fresh: RecordedBlock) {
        let number = recorded.block
        let location = plan.location(ofBlock: number)
        let tolerance = plan.tolerance(ofBlock: number)
        func drift(_ figure: String, _ item: String, _ expected: String, _ actual: String,
                   deviation: String? = nil, output: Int? = nil, model: String? = nil) {
            drifts.append(Drift(block: number, location: location, figure: figure, item: item,
                                expected: expected, actual: actual, deviation: deviation, outputIndex: output,
                                model: model))
        }

        // Metrics first: they are the unrounded numbers behind the tables. Two models of a
        // block have metrics of the same name, so each drift names its model: the recorded
        // one, or this run's for a record made before records kept models.
        if recorded.metrics.map(\.name) != fresh.metrics.map(\.name) {
            drift("metrics", "names", recorded.metrics.map(\.qualifiedName).joined(separator: ", ").orNone,
                  fresh.metrics.map(\.qualifiedName).joined(separator: ", ").orNone)
        } else {
            for (was, now) in zip(recorded.metrics, fresh.metrics) {
                comparedMetrics += 1
                if let recordedModel = was.model, recordedModel != now.model {
                    drift("metrics", "model of \(was.name)", recordedModel, now.model ?? "(none)", model: recordedModel)
                }
                if let deviation = numberDrift(was.value, now.value, relative: tolerance.relative) {
                    drift("metrics", was.name, Self.format(was.value), Self.format(now.value), deviation: deviation,
                          model: was.model ?? now.model)
                }
            }
        }

        if recorded.outputs.count != fresh.outputs.count {
            drift("outputs", "number of outputs", String(recorded.outputs.count), String(fresh.outputs.count))
        }
        for (index, (was, now)) in zip(recorded.outputs, fresh.outputs).enumerated() {
            comparedOutputs += 1
            guard was.kind == now.kind, was.title == now.title else {
                drift("output \(index + 1)", "kind and title", "\(was.kind.rawValue) \(was.label)",
                      "\(now.kind.rawValue) \(now.label)", output: index)
                continue
            }
            for difference in compare(was, now, tolerance: tolerance) {
                drift(was.label, difference.item, difference.expected, difference.actual,
                      deviation: difference.deviation, output: index)
            }
        }
    }

    private struct Difference {
        var item: String
        var expected: String
        var actual: String
        var deviation: String?
    }

    private func compare(_ was: RecordedOutput, _ now: RecordedOutput, tolerance: CheckTolerance) -> [Difference] {
        var differences: [Difference] = []
        switch was.kind {
        case .text:
            differences += textDifferences("text", was.text ?? "", now.text ?? "", tolerance: tolerance)
        case .table:
            if was.text != now.text {
                differences.append(Difference(item: "caption", expected: was.text ?? "(none)", actual: now.text ?? "(none)"))
            }
            if was.columns != now.columns {
                differences.append(Difference(item: "columns", expected: (was.columns ?? []).joined(separator: ", "),
                                              actual: (now.columns ?? []).joined(separator: ", ")))
            }
            let (wasRows, nowRows) = (was.rows ?? [], now.rows ?? [])
            if wasRows.count != nowRows.count {
                differences.append(Difference(item: "rows", expected: String(wasRows.count), actual: String(nowRows.count)))
            }
            let columns = was.columns ?? []
            for (rowIndex, (wasRow, nowRow)) in zip(wasRows, nowRows).enumerated() {
                for (columnIndex, (wasCell, nowCell)) in zip(wasRow, nowRow).enumerated() {
                    let name = columnIndex < columns.count ? columns[columnIndex] : "column \(columnIndex + 1)"
                    let item = "row \(rowIndex + 1) (\(wasRow.first ?? "")), \(name)"
                    differences += textDifferences(item, wasCell, nowCell, tolerance: tolerance)
                }
            }
        case .lineChart:
            let (wasSeries, nowSeries) = (was.series ?? [], now.series ?? [])
            if wasSeries.map(\.name) != nowSeries.map(\.name) {
                differences.append(Difference(item: "series", expected: wasSeries.map(\.name).joined(separator: ", "),
                                              actual: nowSeries.map(\.name).joined(separator: ", ")))
            }
            for (a, b) in zip(wasSeries, nowSeries) where a.name == b.name {
                if a.points.count != b.points.count {
                    differences.append(Difference(item: "series \"\(a.name)\" points", expected: String(a.points.count),
                                                  actual: String(b.points.count)))
                }
                for (p, q) in zip(a.points, b.points) {
                    let x = p.first.map(Self.format) ?? "?"
                    for axis in 0..<min(p.count, q.count) {
                        if let deviation = numberDrift(p[axis], q[axis], relative: tolerance.relative) {
                            differences.append(Difference(item: "series \"\(a.name)\" at x = \(x)" + (axis == 0 ? " (x)" : ""),
                                                          expected: Self.format(p[axis]), actual: Self.format(q[axis]),
                                                          deviation: deviation))
                        }
                    }
                }
            }
        case .imageGrid:
            guard let a = was.grid, let b = now.grid else { break }
            differences += gridDifferences(a, b, tolerance: tolerance)
        case .scatter:
            guard let a = was.scatter, let b = now.scatter else { break }
            differences += scatterDifferences(a, b, tolerance: tolerance)
        case .barChart:
            differences += barDifferences(was.bars ?? [], now.bars ?? [], tolerance: tolerance)
            differences += thresholdDifferences(was.threshold, now.threshold, tolerance: tolerance)
        }
        return differences
    }

    /// Bars are matched by label, not by position: a chart sorted by value may swap two bars
    /// whose values differ by float noise, which is no drift on another configuration. Each
    /// bar's value is compared like a line chart's (bit for bit in exact mode, within the
    /// relative tolerance otherwise), and its highlighting must agree. In exact mode the
    /// order must be the same too.
    private func barDifferences(_ a: [RecordedBar], _ b: [RecordedBar], tolerance: CheckTolerance) -> [Difference] {
        // The n-th bar labelled L on one side pairs with the n-th labelled L on the other.
        func keyed(_ bars: [RecordedBar]) -> [(key: String, bar: RecordedBar)] {
            var seen: [String: Int] = [:]
            return bars.map { bar in
                let occurrence = seen[bar.label, default: 0]
                seen[bar.label] = occurrence + 1
                return (occurrence == 0 ? bar.label : "\(bar.label)#\(occurrence + 1)", bar)
            }
        }
        let (wasBars, nowBars) = (keyed(a), keyed(b))
        let nowByKey = Dictionary(nowBars.map { ($0.key, $0.bar) }, uniquingKeysWith: { first, _ in first })
        let wasKeys = Set(wasBars.map(\.key))
        var differences: [Difference] = []

        let missing = wasBars.map(\.key).filter { nowByKey[$0] == nil }
        let added = nowBars.map(\.key).filter { !wasKeys.contains($0) }
        if !missing.isEmpty || !added.isEmpty {
            differences.append(Difference(
                item: "bars",
                expected: "\(a.count) bars" + (missing.isEmpty ? "" : ", with " + missing.joined(separator: ", ")),
                actual: "\(b.count) bars" + (added.isEmpty ? "" : ", with " + added.joined(separator: ", "))))
        } else if exact, let first = wasBars.indices.first(where: { wasBars[$0].key != nowBars[$0].key }) {
            differences.append(Difference(item: "bar order from bar \(first + 1)", expected: wasBars[first].key,
                                          actual: nowBars[first].key))
        }
        for (key, was) in wasBars {
            guard let now = nowByKey[key] else { continue }
            if let deviation = numberDrift(was.value, now.value, relative: tolerance.relative) {
                differences.append(Difference(item: "bar \"\(key)\"", expected: Self.format(was.value),
                                              actual: Self.format(now.value), deviation: deviation))
            }
            if was.highlighted != now.highlighted {
                differences.append(Difference(item: "bar \"\(key)\" highlighted",
                                              expected: was.highlighted ? "yes" : "no",
                                              actual: now.highlighted ? "yes" : "no"))
            }
        }
        return differences
    }

    private func thresholdDifferences(_ a: RecordedThreshold?, _ b: RecordedThreshold?,
                                      tolerance: CheckTolerance) -> [Difference] {
        guard let a, let b else {
            if a == nil && b == nil { return [] }
            let describe = { (threshold: RecordedThreshold?) in
                threshold.map { "\($0.label) at \(Self.format($0.value))" } ?? "(none)"
            }
            return [Difference(item: "threshold", expected: describe(a), actual: describe(b))]
        }
        var differences = textDifferences("threshold label", a.label, b.label, tolerance: tolerance)
        if let deviation = numberDrift(a.value, b.value, relative: tolerance.relative) {
            differences.append(Difference(item: "threshold", expected: Self.format(a.value), actual: Self.format(b.value),
                                          deviation: deviation))
        }
        return differences
    }

    private func gridDifferences(_ a: GridFingerprint, _ b: GridFingerprint, tolerance: CheckTolerance) -> [Difference] {
        guard (a.rows, a.columns, a.imageWidth, a.imageHeight) == (b.rows, b.columns, b.imageWidth, b.imageHeight) else {
            return [Difference(item: "shape", expected: "\(a.rows)×\(a.columns) of \(a.imageWidth)×\(a.imageHeight)",
                               actual: "\(b.rows)×\(b.columns) of \(b.imageWidth)×\(b.imageHeight)")]
        }
        var differences: [Difference] = []
        let statistics = [("mean intensity", a.mean, b.mean), ("intensity standard deviation", a.standardDeviation, b.standardDeviation),
                          ("minimum intensity", a.minimum, b.minimum), ("maximum intensity", a.maximum, b.maximum)]
        for (name, was, now) in statistics {
            if let deviation = pixelDrift(was, now, tolerance: tolerance.pixel) {
                differences.append(Difference(item: name, expected: Self.format(was), actual: Self.format(now),
                                              deviation: deviation))
            }
        }
        // The image whose thumbnail moved most, if it moved beyond the tolerance.
        var worst: (image: Int, difference: Double)?
        for (index, (p, q)) in zip(a.thumbnails, b.thumbnails).enumerated() {
            guard let u = GridFingerprint.levels(of: p), let v = GridFingerprint.levels(of: q) else { continue }
            let largest = zip(u, v).map { abs($0 - $1) }.max() ?? 0
            if largest > (worst?.difference ?? 0) { worst = (index, largest) }
        }
        let thumbnailLimit = exact ? 0 : max(tolerance.pixel, 1.0 / 255)
        if let worst, worst.difference > thumbnailLimit {
            differences.append(Difference(item: "thumbnail of image \(worst.image + 1)",
                                          expected: "recorded", actual: "differs",
                                          deviation: String(format: "largest block change %.3f", worst.difference)))
        }
        if exact, a.sha256 != b.sha256, differences.isEmpty {
            differences.append(Difference(item: "pixels (exact hash)", expected: String(a.sha256.prefix(16)) + "…",
                                          actual: String(b.sha256.prefix(16)) + "…",
                                          deviation: "statistics agree; some pixels changed slightly"))
        }
        return differences
    }

    private func scatterDifferences(_ a: ScatterFingerprint, _ b: ScatterFingerprint,
                                    tolerance: CheckTolerance) -> [Difference] {
        guard a.points == b.points, a.classes.map(\.name) == b.classes.map(\.name),
              a.classes.map(\.count) == b.classes.map(\.count) else {
            return [Difference(item: "points per class",
                               expected: a.classes.map { "\($0.name) \($0.count)" }.joined(separator: ", "),
                               actual: b.classes.map { "\($0.name) \($0.count)" }.joined(separator: ", "))]
        }
        var differences: [Difference] = []
        if (a.xLabel, a.yLabel) != (b.xLabel, b.yLabel) {
            differences.append(Difference(item: "axes", expected: "\(a.xLabel) / \(a.yLabel)", actual: "\(b.xLabel) / \(b.yLabel)"))
        }
        for (p, q) in zip(a.classes, b.classes) {
            let values = [("mean x", p.meanX, q.meanX), ("mean y", p.meanY, q.meanY),
                          ("standard deviation x", p.standardDeviationX, q.standardDeviationX),
                          ("standard deviation y", p.standardDeviationY, q.standardDeviationY)]
            for (name, was, now) in values {
                if let deviation = numberDrift(was, now, relative: tolerance.relative) {
                    differences.append(Difference(item: "class \(p.name), \(name)", expected: Self.format(was),
                                                  actual: Self.format(now), deviation: deviation))
                }
            }
        }
        if exact, a.sha256 != b.sha256, differences.isEmpty {
            differences.append(Difference(item: "points (exact hash)", expected: String(a.sha256.prefix(16)) + "…",
                                          actual: String(b.sha256.prefix(16)) + "…"))
        }
        return differences
    }

    // MARK: - Values

    /// Text compared word by word: words that are numbers on both sides may differ within the
    /// tolerance (plus half a unit of the last digit shown, since they were rounded).
    private func textDifferences(_ item: String, _ was: String, _ now: String, tolerance: CheckTolerance) -> [Difference] {
        guard was != now else { return [] }
        if exact { return [Difference(item: item, expected: was, actual: now)] }
        let wasWords = was.split(separator: " ", omittingEmptySubsequences: false)
        let nowWords = now.split(separator: " ", omittingEmptySubsequences: false)
        guard wasWords.count == nowWords.count else { return [Difference(item: item, expected: was, actual: now)] }
        for (a, b) in zip(wasWords, nowWords) where a != b {
            let trimmedA = a.trimmingCharacters(in: CharacterSet(charactersIn: ",;:()"))
            let trimmedB = b.trimmingCharacters(in: CharacterSet(charactersIn: ",;:()"))
            guard let x = Double(trimmedA), let y = Double(trimmedB) else {
                return [Difference(item: item, expected: was, actual: now)]
            }
            let decimals = trimmedA.split(separator: ".").dropFirst().first?.count ?? 0
            let rounding = 0.5 * pow(10, -Double(decimals))
            if abs(x - y) > tolerance.relative * max(1, abs(x)) + rounding {
                return [Difference(item: item, expected: was, actual: now, deviation: Self.relativeChange(x, y))]
            }
        }
        return []
    }

    /// nil when `now` matches `was`: bit for bit in exact mode, within the tolerance otherwise.
    private func numberDrift(_ was: Double, _ now: Double, relative: Double) -> String? {
        if exact {
            if was.bitPattern == now.bitPattern || (was.isNaN && now.isNaN) { return nil }
            return Self.relativeChange(was, now)
        }
        if abs(now - was) <= relative * max(1, abs(was)) { return nil }
        return Self.relativeChange(was, now) + ", tolerance \(Self.format(relative))"
    }

    private func pixelDrift(_ was: Double, _ now: Double, tolerance: Double) -> String? {
        if exact {
            return was.bitPattern == now.bitPattern ? nil : String(format: "Δ %+.3g", now - was)
        }
        return abs(now - was) <= tolerance ? nil : String(format: "Δ %+.3g, pixel tolerance %g", now - was, tolerance)
    }

    static func relativeChange(_ was: Double, _ now: Double) -> String {
        if was == 0 { return String(format: "Δ %+.3g", now - was) }
        let percent = (now - was) / abs(was) * 100
        return abs(percent) >= 0.001 ? String(format: "%+.3g%%", percent) : String(format: "Δ %+.3g", now - was)
    }

    /// Numbers in messages: shortest form that reads back to the same Double.
    static func format(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }
}

private extension String {
    var orNone: String { isEmpty ? "(none)" : self }
}
