/// Unaligned vector loads and stores, and copies of short runs (6 to 28 values for 28×28
/// images): 8- and 4-lane vectors with an overlapping last vector, where writing a value
/// twice is harmless.
enum RowKernels {
    @inline(__always)
    static func load8(_ pointer: UnsafePointer<Float>) -> SIMD8<Float> {
        UnsafeRawPointer(pointer).loadUnaligned(as: SIMD8<Float>.self)
    }

    @inline(__always)
    static func load4(_ pointer: UnsafePointer<Float>) -> SIMD4<Float> {
        UnsafeRawPointer(pointer).loadUnaligned(as: SIMD4<Float>.self)
    }

    @inline(__always)
    static func store(_ value: SIMD8<Float>, _ pointer: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(pointer).storeBytes(of: value, as: SIMD8<Float>.self)
    }

    @inline(__always)
    static func store(_ value: SIMD4<Float>, _ pointer: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(pointer).storeBytes(of: value, as: SIMD4<Float>.self)
    }

    @inline(__always)
    static func copy(_ destination: UnsafeMutablePointer<Float>, _ source: UnsafePointer<Float>, count: Int) {
        if count >= 8 {
            var i = 0
            while i &+ 8 <= count {
                store(load8(source + i), destination + i)
                i &+= 8
            }
            if i < count { store(load8(source + (count &- 8)), destination + (count &- 8)) }
        } else if count >= 4 {
            store(load4(source), destination)
            store(load4(source + (count &- 4)), destination + (count &- 4))
        } else {
            for i in 0..<count { destination[i] = source[i] }
        }
    }

    /// The sum of `count` values, in eight interleaved partial sums combined in a fixed order
    /// (a bias gradient over a feature's row of samples, or over an image plane).
    @inline(__always)
    static func sum(_ values: UnsafePointer<Float>, count: Int) -> Float {
        var partial = SIMD8<Float>()
        var i = 0
        while i &+ 8 <= count {
            partial += load8(values + i)
            i &+= 8
        }
        var total = partial.sum()
        while i < count {
            total += values[i]
            i &+= 1
        }
        return total
    }

    /// `sums[i] += values[i]` for `i < count`, eight lanes at a time (the pointers may alias as
    /// far as the compiler knows, so it would not vectorize the plain loop).
    @inline(__always)
    static func add(_ values: UnsafePointer<Float>, into sums: UnsafeMutablePointer<Float>, count: Int) {
        var i = 0
        while i &+ 8 <= count {
            store(load8(sums + i) + load8(values + i), sums + i)
            i &+= 8
        }
        while i < count {
            sums[i] += values[i]
            i &+= 1
        }
    }

    /// `destination[i] = source[i] + shift` for `i < count`.
    @inline(__always)
    static func copy(_ destination: UnsafeMutablePointer<Float>, _ source: UnsafePointer<Float>, count: Int,
                     adding shift: Float) {
        let shift8 = SIMD8(repeating: shift)
        var i = 0
        while i &+ 8 <= count {
            store(load8(source + i) + shift8, destination + i)
            i &+= 8
        }
        while i < count {
            destination[i] = source[i] + shift
            i &+= 1
        }
    }
}
