import CVectorIntrinsics

/// Vectorized elementary functions for the engine's hot loops, eight lanes at a time.
///
/// libm's `expf` and `log1pf` are scalar calls the compiler cannot vectorize; the
/// per-pixel loss evaluates both for every pixel of every step. These are the
/// Cephes single-precision approximations (as in sse_mathfun), accurate to a few
/// ulp over the ranges used, and deterministic: the same inputs give the same bits
/// on every run, independent of the C library.
public enum VectorMath {
    public typealias Vector = SIMD8<Float>

    /// √x lane by lane, correctly rounded; one vector instruction instead of eight `sqrtf` calls.
    @inline(__always)
    public static func squareRoot(_ x: Vector) -> Vector {
        notebook_sqrt8(x)
    }

    private static let ln2High: Float = 0.693_359_375
    private static let ln2Low: Float = -2.121_944_40e-4

    /// e^x, clamped to the finite range of Float.
    @inline(__always)
    public static func exp(_ input: Vector) -> Vector {
        // Clamp with comparisons: the generic `clamped` is not specialized and costs a call.
        var x = input.replacing(with: -87.3, where: input .< -87.3)
        x = x.replacing(with: 88.3, where: x .> 88.3)
        // n = round(x / ln 2) by the 1.5·2²³ trick: adding it leaves the integer in the low
        // mantissa bits. Generic Float→Int32 SIMD conversions are not specialized either.
        let shifted = x * 1.442_695_04 + roundingMagic
        let n = shifted - roundingMagic
        x = x - n * ln2High
        x = x - n * ln2Low
        let z = x * x
        var y = Vector(repeating: 1.987_569_150_0e-4)
        y = y * x + 1.398_199_950_7e-3
        y = y * x + 8.333_451_907_3e-3
        y = y * x + 4.166_579_589_4e-2
        y = y * x + 1.666_666_545_9e-1
        y = y * x + 5.000_000_120_1e-1
        y = y * z + x + 1
        // 2^n: the low bits of `shifted + 127` are n + 127; shifting them into the exponent
        // field drops the magic's own bits (its low 9 bits are zero).
        let exponent = unsafeBitCast(shifted + 127, to: SIMD8<Int32>.self) &<< 23
        return y * unsafeBitCast(exponent, to: Vector.self)
    }

    /// 1.5 · 2²³: adding it to a float of magnitude < 2²² rounds it to an integer held in
    /// the low mantissa bits.
    private static let roundingMagic: Float = 12_582_912

    /// The natural logarithm for positive, finite, normal inputs.
    @inline(__always)
    public static func log(_ input: Vector) -> Vector {
        let bits = unsafeBitCast(input, to: SIMD8<Int32>.self)
        // Split x = m · 2^e with m in [0.5, 1).
        // The exponent as a float, again without a generic integer conversion.
        var e = unsafeBitCast(((bits &>> 23) &- 126) &+ 0x4B40_0000, to: Vector.self) - roundingMagic
        var m = unsafeBitCast((bits & 0x007F_FFFF) | 0x3F00_0000, to: Vector.self)
        let small = m .< 0.707_106_781_186_547_524
        e = e.replacing(with: e - 1, where: small)
        m = m.replacing(with: m + m - 1, where: small)
        m = m.replacing(with: m - 1, where: .!small)
        let z = m * m
        var y = Vector(repeating: 7.037_683_629_2e-2)
        y = y * m - 1.151_461_031_0e-1
        y = y * m + 1.167_699_874_0e-1
        y = y * m - 1.242_014_084_6e-1
        y = y * m + 1.424_932_278_7e-1
        y = y * m - 1.666_805_766_5e-1
        y = y * m + 2.000_071_476_5e-1
        y = y * m - 2.499_999_399_3e-1
        y = y * m + 3.333_333_117_4e-1
        y = y * m * z
        y = y + e * ln2Low
        y = y - 0.5 * z
        return m + y + e * ln2High
    }

    /// |x|, by clearing the sign bits.
    @inline(__always)
    public static func abs(_ x: Vector) -> Vector {
        unsafeBitCast(unsafeBitCast(x, to: SIMD8<UInt32>.self) & 0x7FFF_FFFF, to: Vector.self)
    }

    /// log(1 + x) for 0 ≤ x ≤ 1, as the loss needs it for x = e^{−|logit|}.
    ///
    /// With s = x / (2 + x) ≤ 1/3, log(1 + x) = 2·atanh(s) = 2s + 2s³/3 + 2s⁵/5 + …; seven
    /// terms leave a truncation error below 1.5e-8 relative (the next term over the sum is at
    /// most 9⁻⁷/15). One division and a short polynomial, with no exponent split as in `log`,
    /// and full precision for small x because s ≈ x/2 is computed directly.
    @inline(__always)
    public static func log1p(_ x: Vector) -> Vector {
        let s = x / (2 + x)
        let w = s * s
        var y = Vector(repeating: 2 / 13)
        y = y * w + 2 / 11
        y = y * w + 2 / 9
        y = y * w + 2 / 7
        y = y * w + 2 / 5
        y = y * w + 2 / 3
        y = y * w + 2
        return s * y
    }
}
