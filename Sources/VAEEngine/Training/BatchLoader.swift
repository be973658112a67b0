/// Gathers images of a dataset into a float batch matrix, converting bytes to 0...1.
public enum BatchLoader {
    private static let byteScale: Float = 1 / 255

    /// Fills `batch` with the images at `indices`, resizing it to `indices.count` rows, in
    /// `layout`: `.sampleRows`, or `.featureRows` (pixel `p` of image `r` at `p · count + r`),
    /// as a model whose first layer is dense takes it (`VAE.inputLayout`).
    ///
    /// With `threadCopies` (feature rows only), every thread also fills a whole copy of its own
    /// (`Matrix.threadCopies`), which its parts of the first layer's products and of the loss
    /// read: the batch then never crosses between cores, at the price of converting it once
    /// per thread.
    public static func load(_ dataset: ImageDataset, indices: ArraySlice<Int>, into batch: Matrix,
                            layout: BatchLayout = .sampleRows, threadCopies: Bool = false,
                            context: ComputeContext) {
        let pixels = dataset.pixelsPerImage
        precondition(batch.columns == pixels, "batch has \(batch.columns) columns, images have \(pixels) pixels")
        precondition(layout == .sampleRows || layout == .featureRows, "a batch of images loads in sample or feature rows, not \(layout)")
        batch.resize(rows: indices.count)
        batch.layout = layout
        let featureRows = layout == .featureRows, threads = context.threads
        if featureRows && threadCopies && threads > 1 {
            while batch.threadCopies.count < threads - 1 { batch.threadCopies.append(Matrix(rows: 0, columns: pixels)) }
            batch.threadCopies.removeLast(batch.threadCopies.count - (threads - 1))
            for copy in batch.threadCopies {
                copy.resize(rows: indices.count)
                copy.layout = layout
            }
            context.runParts(threads) { part in
                loadFeatureRows(dataset, indices: indices, pixels: 0..<pixels, into: batch.copy(forPart: part))
            }
            return
        }
        batch.threadCopies = []
        if featureRows {
            context.forEach(stripesOf: pixels, minimumPerThread: 64) { stripe in
                loadFeatureRows(dataset, indices: indices, pixels: stripe, into: batch)
            }
            return
        }
        let out = batch.data
        let first = indices.startIndex
        dataset.pixels.withUnsafeBufferPointer { source in
            let base = source.baseAddress!
            context.forEach(indices.count, minimumPerThread: 32) { rows in
                for row in rows {
                    let from = base + indices[first + row] * pixels
                    let to = out + row * pixels
                    for i in 0..<pixels { to[i] = Float(from[i]) * byteScale }
                }
            }
        }
    }

    /// The feature-major load of the rows `stripe` of `Xᵀ` (each thread writes a stripe of
    /// pixels, the stripes the loss reads), eight images at a time, one vector store per pixel.
    private static func loadFeatureRows(_ dataset: ImageDataset, indices: ArraySlice<Int>, pixels stripe: Range<Int>,
                                        into batch: Matrix) {
        let (pixels, count, out, first) = (dataset.pixelsPerImage, indices.count, batch.data, indices.startIndex)
        dataset.pixels.withUnsafeBufferPointer { source in
            let base = source.baseAddress!
            var image = 0
            while image + 8 <= count {
                let r0 = base + indices[first + image] * pixels, r1 = base + indices[first + image + 1] * pixels
                let r2 = base + indices[first + image + 2] * pixels, r3 = base + indices[first + image + 3] * pixels
                let r4 = base + indices[first + image + 4] * pixels, r5 = base + indices[first + image + 5] * pixels
                let r6 = base + indices[first + image + 6] * pixels, r7 = base + indices[first + image + 7] * pixels
                for pixel in stripe {
                    let bytes = SIMD8<Float>(Float(r0[pixel]), Float(r1[pixel]), Float(r2[pixel]), Float(r3[pixel]),
                                             Float(r4[pixel]), Float(r5[pixel]), Float(r6[pixel]), Float(r7[pixel]))
                    RowKernels.store(bytes * byteScale, out + (pixel &* count &+ image))
                }
                image += 8
            }
            while image < count {
                let row = base + indices[first + image] * pixels
                for pixel in stripe { out[pixel &* count &+ image] = Float(row[pixel]) * byteScale }
                image += 1
            }
        }
    }

    /// A matrix holding the images at `indices`, in sample rows.
    public static func matrix(_ dataset: ImageDataset, indices: [Int], context: ComputeContext = .singleThread) -> Matrix {
        let batch = Matrix(rows: indices.count, columns: dataset.pixelsPerImage)
        load(dataset, indices: indices[...], into: batch, context: context)
        return batch
    }
}
