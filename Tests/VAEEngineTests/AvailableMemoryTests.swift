import Testing
import VAEEngine

/// The memory a model may take is the smallest of the machine's, the control group's and what
/// the address-space limit (`ulimit -v`) leaves, each figure injected here.
@Suite struct AvailableMemoryTests {
    static let gib = 1 << 30

    @Test func theAddressSpaceLimitLessTheVirtualSizeWinsWhenSmaller() {
        let available = AvailableMemory.smallest(memAvailable: 20 * Self.gib, cgroupLeft: nil,
                                                 addressSpaceLimit: 2 * Self.gib, virtualSize: Self.gib / 2)
        #expect(available == AvailableMemory(bytes: 3 * Self.gib / 2, limit: .addressSpace))
        #expect(available?.sentence == "the address-space limit (ulimit -v) leaves 1.5 GiB available")
    }

    @Test func theMachineWinsWhenItHasLess() {
        let available = AvailableMemory.smallest(memAvailable: Self.gib, cgroupLeft: 3 * Self.gib,
                                                 addressSpaceLimit: 8 * Self.gib, virtualSize: Self.gib)
        #expect(available == AvailableMemory(bytes: Self.gib, limit: .memory))
        #expect(available?.sentence == "this machine has 1.0 GiB available")
        // The control group's figure is the machine's kind of limit too.
        #expect(AvailableMemory.smallest(memAvailable: 4 * Self.gib, cgroupLeft: 2 * Self.gib, addressSpaceLimit: nil,
                                         virtualSize: Self.gib) == AvailableMemory(bytes: 2 * Self.gib, limit: .memory))
    }

    @Test func noAddressSpaceLimitLeavesTheOtherFigures() {
        #expect(AvailableMemory.smallest(memAvailable: Self.gib, cgroupLeft: nil, addressSpaceLimit: nil,
                                         virtualSize: 100 * Self.gib) == AvailableMemory(bytes: Self.gib, limit: .memory))
        #expect(AvailableMemory.smallest(memAvailable: nil, cgroupLeft: nil, addressSpaceLimit: nil, virtualSize: 0) == nil)
        // Only the limit known (no /proc/meminfo): it alone is the figure.
        #expect(AvailableMemory.smallest(memAvailable: nil, cgroupLeft: nil, addressSpaceLimit: 3 * Self.gib,
                                         virtualSize: Self.gib) == AvailableMemory(bytes: 2 * Self.gib, limit: .addressSpace))
    }

    @Test func aProcessAlreadyOverItsLimitHasNothingLeft() {
        #expect(AvailableMemory.smallest(memAvailable: 8 * Self.gib, cgroupLeft: nil, addressSpaceLimit: Self.gib,
                                         virtualSize: 2 * Self.gib) == AvailableMemory(bytes: 0, limit: .addressSpace))
        // An unlimited-looking limit (RLIM_INFINITY - 1, clamped to Int.max) leaves the machine's figure.
        #expect(AvailableMemory.smallest(memAvailable: 8 * Self.gib, cgroupLeft: nil, addressSpaceLimit: Int.max,
                                         virtualSize: Self.gib)?.limit == .memory)
    }

    @Test func thisProcessHasAFigureOnLinux() {
        #if os(Linux)
        #expect((AvailableMemory.current()?.bytes ?? 0) > 0)
        #endif
    }
}
