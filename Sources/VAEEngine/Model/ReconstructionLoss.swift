import Foundation

/// How the decoder's output is scored against the input image.
public enum ReconstructionLoss: String, Sendable, Codable, CaseIterable {
    /// Bernoulli likelihood: binary cross-entropy computed stably from logits.
    case bce
    /// Keras' `binary_crossentropy` on sigmoid probabilities clipped to [ε, 1 − ε], ε = 1e-7.
    case bceClipped = "bce-clipped"
    /// Gaussian likelihood with unit variance up to a constant: squared error of sigmoid outputs.
    case mse

    static let kerasEpsilon: Float = 1e-7

    /// Sums the loss of every pixel of each row into `perRow`, and writes
    /// `scale · ∂loss/∂logit` into `gradient`.
    ///
    /// On several threads each takes a stripe of the pixels — the stripes the decoder's last
    /// product cut its logits into, so each thread reads the logits it computed and writes the
    /// gradient its part of the weight gradient will read — and sums its part of every row;
    /// a row's loss is then its stripes' sums added in order.
    ///
    /// - Parameters:
    ///   - logits: decoder outputs before the sigmoid, `batch × pixels`, in sample rows or
    ///     feature rows; `targets` (images in 0...1) and `gradient` are in the same layout.
    func evaluate(logits: Matrix, targets: Matrix, perRow: UnsafeMutablePointer<Double>,
                  gradient: Matrix?, scale: Float, context: ComputeContext) {
        targets.expect(logits.layout, in: "the reconstruction loss of logits in \(logits.layout)")
        gradient?.layout = logits.layout
        switch logits.layout {
        case .sampleRows:
            evaluateSampleRows(logits: logits, targets: targets, perRow: perRow, gradient: gradient, scale: scale,
                               context: context)
        case .featureRows:
            evaluateFeatureRows(logits: logits, targets: targets, perRow: perRow, gradient: gradient, scale: scale,
                                context: context)
        case .channelRows:
            preconditionFailure("the reconstruction loss takes logits in sample or feature rows, not \(logits.layout)")
        }
    }

    /// `evaluate` for sample rows: each thread takes a stripe of every image's pixels.
    private func evaluateSampleRows(logits: Matrix, targets: Matrix, perRow: UnsafeMutablePointer<Double>,
                                    gradient: Matrix?, scale: Float, context: ComputeContext) {
        let (rows, pixels) = (logits.rows, logits.columns)
        let (l, x, g) = (logits.data, targets.data, gradient?.data)
        Self.sumPerImage(images: rows, pixels: pixels, into: perRow, context: context) { _, columns, sums in
            for row in 0..<rows {
                let base = row * pixels + columns.lowerBound
                sums[row] = sum(logits: l + base, targets: x + base, gradient: g.map { $0 + base },
                                count: columns.count, scale: scale)
            }
        }
    }

    /// `evaluate` for logits, targets and gradient in feature rows: pixel `p` of image `r` at
    /// `p · batch + r`. Each thread takes a stripe of pixels — whole rows of the logits, as the
    /// decoder's last product cut them — and adds each pixel's loss into its own sum per image;
    /// an image's loss is then its stripes' sums added in order.
    private func evaluateFeatureRows(logits: Matrix, targets: Matrix, perRow: UnsafeMutablePointer<Double>,
                                     gradient: Matrix?, scale: Float, context: ComputeContext) {
        let (batch, pixels) = (logits.rows, logits.columns)
        let (l, g) = (logits.data, gradient?.data)
        Self.sumPerImage(images: batch, pixels: pixels, into: perRow, context: context) { stripe, rows, sums in
            // The stripe's rows are one run of memory: eight values at a time along it, each
            // added to the sum of its image (a group that spans the end of a pixel's row is
            // added lane by lane).
            let x = targets.copy(forPart: stripe).data
            let start = rows.lowerBound * batch, end = rows.upperBound * batch
            var i = start, image = 0
            if self == .bce {
                while i + 8 <= end {
                    // Two groups at once while both fall in one pixel's row (as in `bceRow`).
                    if image + 16 <= batch, i + 16 <= end {
                        let first = Self.bceGroup(logits: l + i, targets: x + i, gradient: g.map { $0 + i }, scale: scale)
                        let second = Self.bceGroup(logits: l + i + 8, targets: x + i + 8,
                                                   gradient: g.map { $0 + i + 8 }, scale: scale)
                        RowKernels.store(RowKernels.load8(sums + image) + first, sums + image)
                        RowKernels.store(RowKernels.load8(sums + image + 8) + second, sums + image + 8)
                        image += 16
                        if image == batch { image = 0 }
                        i += 16
                        continue
                    }
                    let terms = Self.bceGroup(logits: l + i, targets: x + i, gradient: g.map { $0 + i }, scale: scale)
                    if image + 8 <= batch {
                        RowKernels.store(RowKernels.load8(sums + image) + terms, sums + image)
                        image += 8
                        if image == batch { image = 0 }
                    } else {
                        for lane in 0..<8 {
                            sums[image] += terms[lane]
                            image += 1
                            if image == batch { image = 0 }
                        }
                    }
                    i += 8
                }
            }
            while i < end {
                sums[image] += sum(logits: l + i, targets: x + i, gradient: g.map { $0 + i }, count: 1, scale: scale)
                image += 1
                if image == batch { image = 0 }
                i += 1
            }
        }
    }

    /// The loss of each image as the sum of its stripes' sums, added in stripe order.
    ///
    /// `body(stripe, pixels, sums)` adds the loss of its stripe of pixels into `sums`, one
    /// value per image, zero to begin with. At least 8K pixels a thread, or waking a helper
    /// costs more than it saves. The sums live on the running thread's stack while they change
    /// and are copied out once: two threads adding into neighbouring lines would take them
    /// from each other.
    private static func sumPerImage(images: Int, pixels: Int, into perRow: UnsafeMutablePointer<Double>,
                                    context: ComputeContext, _ body: (_ stripe: Int, _ pixels: Range<Int>, _ sums: UnsafeMutablePointer<Float>) -> Void) {
        let minimumPixels = max(16, (1 << 13) / max(images, 1))
        let stripes = context.stripeCount(of: pixels, minimumPerThread: minimumPixels)
        withUnsafeTemporaryAllocation(of: Float.self, capacity: stripes * images) { buffer in
            let partialSums = buffer.baseAddress!
            context.forEachStripe(of: pixels, minimumPerThread: minimumPixels) { stripe, columns in
                withUnsafeTemporaryAllocation(of: Float.self, capacity: images) { own in
                    let sums = own.baseAddress!
                    sums.update(repeating: 0, count: images)
                    body(stripe, columns, sums)
                    (partialSums + stripe * images).update(from: sums, count: images)
                }
            }
            for image in 0..<images {
                var imageSum = partialSums[image]
                for stripe in 1..<stripes { imageSum += partialSums[stripe * images + image] }
                perRow[image] = Double(imageSum)
            }
        }
    }

    /// The loss of `count` pixels, and `scale` times its gradient when `gradient` is given.
    private func sum(logits l: UnsafeMutablePointer<Float>, targets x: UnsafeMutablePointer<Float>,
                     gradient g: UnsafeMutablePointer<Float>?, count: Int, scale: Float) -> Float {
        var sum: Float = 0
        switch self {
        case .bce:
            sum = Self.bceRow(logits: l, targets: x, gradient: g, count: count, scale: scale)
        case .bceClipped:
            let epsilon = Self.kerasEpsilon
            for i in 0..<count {
                let raw = Activation.sigmoid(l[i])
                let p = min(max(raw, epsilon), 1 - epsilon)
                let target = x[i]
                sum += -(target * logf(p) + (1 - target) * logf(1 - p))
                if let g {
                    // Zero gradient where the clip is active, as in Keras.
                    if raw <= epsilon || raw >= 1 - epsilon {
                        g[i] = 0
                    } else {
                        // d/dp · dp/dl = ((p − x) / (p(1 − p))) · p(1 − p)
                        g[i] = scale * (p - target)
                    }
                }
            }
        case .mse:
            for i in 0..<count {
                let p = Activation.sigmoid(l[i])
                let difference = p - x[i]
                sum += difference * difference
                if let g { g[i] = scale * 2 * difference * p * (1 - p) }
            }
        }
        return sum
    }

    /// The loss terms of eight pixels, and their gradient when training.
    ///
    /// A static function rather than a closure inside `bceRow`: the compiler would not
    /// inline a closure that captures the row's pointers, and the call, with its
    /// `vzeroupper` and reloaded constants, cost as much as the arithmetic.
    @inline(__always)
    private static func bceGroup(logits: UnsafeMutablePointer<Float>, targets: UnsafeMutablePointer<Float>,
                                 gradient: UnsafeMutablePointer<Float>?, scale: Float) -> VectorMath.Vector {
        typealias V = VectorMath.Vector
        let zero = V.zero
        let logit = UnsafeRawPointer(logits).loadUnaligned(as: V.self)
        let target = UnsafeRawPointer(targets).loadUnaligned(as: V.self)
        let e = VectorMath.exp(-VectorMath.abs(logit))
        let u = 1 + e
        if let gradient {
            let numerator = e.replacing(with: V(repeating: 1), where: logit .>= zero)
            let probability = numerator / u
            UnsafeMutableRawPointer(gradient).storeBytes(of: scale * (probability - target), as: V.self)
        }
        return logit.replacing(with: zero, where: logit .< zero) - logit * target + VectorMath.log1p(e)
    }

    /// Stable binary cross-entropy from logits over one image, eight pixels at a time:
    /// max(l, 0) − l·x + log(1 + e^{−|l|}), gradient scale · (σ(l) − x).
    ///
    /// Lanes are summed in a fixed order, so the result does not depend on timing.
    @inline(never)
    static func bceRow(logits l: UnsafeMutablePointer<Float>, targets x: UnsafeMutablePointer<Float>,
                       gradient g: UnsafeMutablePointer<Float>?, count: Int, scale: Float) -> Float {
        typealias V = VectorMath.Vector
        var sums = V.zero, sums2 = V.zero
        var i = 0
        // Two independent groups per iteration: exp and log1p are long dependent chains,
        // and interleaving two of them keeps the vector units busy (measured with vae-bench).
        while i + 16 <= count {
            sums += bceGroup(logits: l + i, targets: x + i, gradient: g.map { $0 + i }, scale: scale)
            sums2 += bceGroup(logits: l + i + 8, targets: x + i + 8, gradient: g.map { $0 + i + 8 }, scale: scale)
            i += 16
        }
        if i + 8 <= count {
            sums += bceGroup(logits: l + i, targets: x + i, gradient: g.map { $0 + i }, scale: scale)
            i += 8
        }
        sums += sums2
        var rowSum = sums.sum()
        while i < count {
            let logit = l[i]
            let e = expf(-abs(logit))
            rowSum += max(logit, 0) - logit * x[i] + log1pf(e)
            if let g {
                let probability = logit >= 0 ? 1 / (1 + e) : e / (1 + e)
                g[i] = scale * (probability - x[i])
            }
            i += 1
        }
        return rowSum
    }
}

