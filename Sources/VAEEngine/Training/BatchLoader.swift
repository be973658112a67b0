/// Gathers images of a dataset into a float batch matrix, converting bytes to 0...1.
public enum BatchLoader {
    private static let byteScale: Float = 1 / 255

    /// Fills `batch` with the images at `indices`, resizing it to `indices.count` rows.
    public static func load(_ dataset: ImageDataset, indices: ArraySlice<Int>, into batch: Matrix) {
        let pixels = dataset.pixelsPerImage
        precondition(batch.columns == pixels, "batch has \(batch.columns) columns, images have \(pixels) pixels")
        batch.resize(rows: indices.count)
        let out = batch.data
        let first = indices.startIndex
        dataset.pixels.withUnsafeBufferPointer { source in
            let base = source.baseAddress!
            ParallelRanges.forEach(indices.count, minimumPerThread: 32) { rows in
                for row in rows {
                    let from = base + indices[first + row] * pixels
                    let to = out + row * pixels
                    for i in 0..<pixels { to[i] = Float(from[i]) * byteScale }
                }
            }
        }
    }

    /// A matrix holding the images at `indices`.
    public static func matrix(_ dataset: ImageDataset, indices: [Int]) -> Matrix {
        let batch = Matrix(rows: indices.count, columns: dataset.pixelsPerImage)
        load(dataset, indices: indices[...], into: batch)
        return batch
    }
}
