import NotebookResults
import Checksums

/// A scatter reduced to per-class statistics and a hash of the exact points.
public struct ScatterFingerprint: Sendable, Equatable, Codable {
    public var points: Int
    public var xLabel: String
    public var yLabel: String
    public var classes: [ClassStatistics]
    /// SHA-256 of every point's x and y (Double bits) and label, in order.
    public var sha256: String

    public struct ClassStatistics: Sendable, Equatable, Codable {
        public var name: String
        public var count: Int
        public var meanX: Double
        public var meanY: Double
        public var standardDeviationX: Double
        public var standardDeviationY: Double

        enum CodingKeys: String, CodingKey {
            case name, count
            case meanX = "mean-x"
            case meanY = "mean-y"
            case standardDeviationX = "standard-deviation-x"
            case standardDeviationY = "standard-deviation-y"
        }
    }

    enum CodingKeys: String, CodingKey {
        case points, classes, sha256
        case xLabel = "x-label"
        case yLabel = "y-label"
    }

    init(_ scatter: ScatterOutput) {
        points = scatter.points.count
        xLabel = scatter.xLabel
        yLabel = scatter.yLabel
        var hash = SHA256()
        for point in scatter.points {
            var bits = [point.x.bitPattern.littleEndian, point.y.bitPattern.littleEndian, UInt64(point.label).littleEndian]
            bits.withUnsafeMutableBytes { hash.update(UnsafeRawBufferPointer($0)) }
        }
        sha256 = hash.finalize().hex
        let labels = Set(scatter.points.map(\.label)).sorted()
        classes = labels.map { label in
            let members = scatter.points.filter { $0.label == label }
            let n = Double(members.count)
            let meanX = members.reduce(0) { $0 + $1.x } / n
            let meanY = members.reduce(0) { $0 + $1.y } / n
            let varianceX = members.reduce(0) { $0 + ($1.x - meanX) * ($1.x - meanX) } / n
            let varianceY = members.reduce(0) { $0 + ($1.y - meanY) * ($1.y - meanY) } / n
            let name = label >= 0 && label < scatter.classNames.count ? scatter.classNames[label] : String(label)
            return ClassStatistics(name: name, count: members.count, meanX: meanX, meanY: meanY,
                                   standardDeviationX: varianceX.squareRoot(), standardDeviationY: varianceY.squareRoot())
        }
    }
}
