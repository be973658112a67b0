import NotebookResults
import VAEEngine

/// The leading principal components of a set of latent means, for plotting a latent space
/// of more than two dimensions in a plane.
///
/// Power iteration with deflation on the covariance matrix, from a fixed start vector, so
/// the projection is deterministic; each component's sign is fixed so that its largest
/// entry is positive.
struct PrincipalComponents {
    let mean: [Double]
    let components: [[Double]]

    init(_ points: Matrix, count: Int) {
        let (n, d) = (points.rows, points.columns)
        var mean = Array(repeating: 0.0, count: d)
        for row in 0..<n { for j in 0..<d { mean[j] += Double(points[row, j]) } }
        mean = mean.map { $0 / Double(max(n, 1)) }
        var covariance = Array(repeating: Array(repeating: 0.0, count: d), count: d)
        for row in 0..<n {
            for i in 0..<d {
                let a = Double(points[row, i]) - mean[i]
                for j in 0..<d { covariance[i][j] += a * (Double(points[row, j]) - mean[j]) }
            }
        }
        var components: [[Double]] = []
        for _ in 0..<min(count, d) {
            var vector = (0..<d).map { 1.0 / Double($0 + 1) }
            for _ in 0..<500 {
                var next = (0..<d).map { i in (0..<d).reduce(0.0) { $0 + covariance[i][$1] * vector[$1] } }
                let norm = next.reduce(0) { $0 + $1 * $1 }.squareRoot()
                guard norm > 1e-30 else { break }
                next = next.map { $0 / norm }
                vector = next
            }
            if let largest = vector.indices.max(by: { abs(vector[$0]) < abs(vector[$1]) }), vector[largest] < 0 {
                vector = vector.map { -$0 }
            }
            // Deflate: remove this component's variance before finding the next.
            let eigenvalue = (0..<d).reduce(0.0) { sum, i in
                sum + vector[i] * (0..<d).reduce(0.0) { $0 + covariance[i][$1] * vector[$1] }
            }
            for i in 0..<d { for j in 0..<d { covariance[i][j] -= eigenvalue * vector[i] * vector[j] } }
            components.append(vector)
        }
        self.mean = mean
        self.components = components
    }

    func project(_ points: Matrix, row: Int, component: Int) -> Double {
        guard component < components.count else { return 0 }
        return (0..<points.columns).reduce(0.0) { $0 + (Double(points[row, $1]) - mean[$1]) * components[component][$1] }
    }
}
