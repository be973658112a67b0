import Foundation

/// A counter-based random stream (Philox4x32-10) keyed by seed, purpose and index.
///
/// Every random draw of a run comes from a stream named by what it is for:
/// `("init", layer)`, `("shuffle", epoch)`, `("noise", step)`, `("figure", n)`.
/// Streams are independent of the order in which they are created, so adding a
/// figure never changes the draws that training sees.
public struct RandomStream: Sendable {
    private let key: (UInt32, UInt32)
    private let streamWords: (UInt32, UInt32)
    private var blockCounter: UInt64 = 0
    private var buffer: (UInt32, UInt32, UInt32, UInt32) = (0, 0, 0, 0)
    private var bufferPosition = 4
    private var spareGaussian: Float?

    public init(seed: UInt64, purpose: String, index: UInt64 = 0) {
        key = (UInt32(truncatingIfNeeded: seed), UInt32(truncatingIfNeeded: seed >> 32))
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325  // FNV-1a of the purpose
        for byte in purpose.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        let mixed = Self.splitMix(hash ^ Self.splitMix(index))
        streamWords = (UInt32(truncatingIfNeeded: mixed), UInt32(truncatingIfNeeded: mixed >> 32))
    }

    private static func splitMix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9e37_79b9_7f4a_7c15
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }

    /// The Philox4x32 block function with 10 rounds.
    private static func philox(counter: (UInt32, UInt32, UInt32, UInt32), key: (UInt32, UInt32))
        -> (UInt32, UInt32, UInt32, UInt32) {
        var c = counter
        var k = key
        for _ in 0..<10 {
            let product0 = UInt64(0xD251_1F53) &* UInt64(c.0)
            let product1 = UInt64(0xCD9E_8D57) &* UInt64(c.2)
            c = (UInt32(truncatingIfNeeded: product1 >> 32) ^ c.1 ^ k.0,
                 UInt32(truncatingIfNeeded: product1),
                 UInt32(truncatingIfNeeded: product0 >> 32) ^ c.3 ^ k.1,
                 UInt32(truncatingIfNeeded: product0))
            k = (k.0 &+ 0x9E37_79B9, k.1 &+ 0xBB67_AE85)
        }
        return c
    }

    /// The next 32 random bits.
    public mutating func nextUInt32() -> UInt32 {
        if bufferPosition == 4 {
            buffer = Self.philox(counter: (UInt32(truncatingIfNeeded: blockCounter),
                                           UInt32(truncatingIfNeeded: blockCounter >> 32),
                                           streamWords.0, streamWords.1), key: key)
            blockCounter &+= 1
            bufferPosition = 0
        }
        defer { bufferPosition += 1 }
        switch bufferPosition {
        case 0: return buffer.0
        case 1: return buffer.1
        case 2: return buffer.2
        default: return buffer.3
        }
    }

    /// A uniform value in [0, 1) with 24 random bits.
    public mutating func nextUniform() -> Float {
        Float(nextUInt32() >> 8) * 0x1p-24
    }

    /// A uniform integer in `0..<bound` without modulo bias (Lemire's method).
    public mutating func nextInt(below bound: Int) -> Int {
        precondition(bound > 0 && bound <= Int(UInt32.max), "bound out of range")
        let range = UInt32(bound)
        var product = UInt64(nextUInt32()) &* UInt64(range)
        if UInt32(truncatingIfNeeded: product) < range {
            let threshold = (0 &- range) % range
            while UInt32(truncatingIfNeeded: product) < threshold {
                product = UInt64(nextUInt32()) &* UInt64(range)
            }
        }
        return Int(product >> 32)
    }

    /// A standard normal value (Box–Muller; the second value of each pair is kept for the next call).
    public mutating func nextGaussian() -> Float {
        if let spare = spareGaussian {
            spareGaussian = nil
            return spare
        }
        let first = nextUInt32()
        let (value, spare) = Self.boxMuller(first, nextUInt32())
        spareGaussian = spare
        return value
    }

    /// Two standard normal values from two 32-bit draws.
    @inline(__always)
    private static func boxMuller(_ first: UInt32, _ second: UInt32) -> (Float, Float) {
        // u1 in (0, 1] so the logarithm is finite.
        let u1 = Double((first >> 8) + 1) * 0x1p-24
        let u2 = Double(second >> 8) * 0x1p-24
        let radius = (-2 * log(u1)).squareRoot()
        let angle = 2 * Double.pi * u2
        return (Float(radius * cos(angle)), Float(radius * sin(angle)))
    }

    /// Fills `count` values at `destination` with standard normal draws, the same values
    /// `count` calls of `nextGaussian()` return.
    ///
    /// Each Philox block gives two Box–Muller pairs, and block n depends on n alone, so whole
    /// blocks are drawn on all threads at once (a step's ε costs as much as a small layer when
    /// drawn one by one); the values and the stream's state afterwards do not change.
    public mutating func fillGaussian(_ destination: UnsafeMutablePointer<Float>, count: Int,
                                      context: ComputeContext = .singleThread) {
        var start = 0
        if spareGaussian == nil && bufferPosition == 4 {
            let blocks = count / 4
            let (first, key, words) = (blockCounter, key, streamWords)
            // From 64 blocks a thread (a batch of 100 with a latent of 10 has 250): Box–Muller
            // in doubles costs about 50 ns a pair, far more than waking a helper.
            context.forEach(blocks, minimumPerThread: 64) { range in
                for block in range {
                    let counter = first &+ UInt64(block)
                    let bits = Self.philox(counter: (UInt32(truncatingIfNeeded: counter),
                                                     UInt32(truncatingIfNeeded: counter >> 32),
                                                     words.0, words.1), key: key)
                    let out = destination + 4 * block
                    (out[0], out[1]) = Self.boxMuller(bits.0, bits.1)
                    (out[2], out[3]) = Self.boxMuller(bits.2, bits.3)
                }
            }
            blockCounter &+= UInt64(blocks)
            start = 4 * blocks
        }
        for index in start..<count { destination[index] = nextGaussian() }
    }

    /// A uniformly random permutation of `0..<count` (Fisher–Yates).
    public mutating func permutation(_ count: Int) -> [Int] {
        var order = Array(0..<count)
        if count < 2 { return order }
        for index in stride(from: count - 1, to: 0, by: -1) {
            order.swapAt(index, nextInt(below: index + 1))
        }
        return order
    }
}
