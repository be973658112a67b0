import Dispatch
import Foundation
import Synchronization
import Testing
import VAEEngine

/// `ComputeContext`'s passes and the helper threads behind them: every index is visited exactly
/// once, whoever calls, however often, from inside another pass, and whether the helpers are
/// polling or asleep. (A lost wake-up would hang these tests; a part run twice would count 2.)
/// Pinned at two threads, so every pass here is cut in two on any machine.
@Suite struct WorkerPoolTests {
    static let context = ComputeContext(threads: 2)

    /// Counts how often each index of `0..<count` was visited.
    final class Visits: @unchecked Sendable {
        let counts: UnsafeMutablePointer<Int>
        let count: Int
        init(_ count: Int) {
            self.count = count
            counts = .allocate(capacity: count)
            counts.initialize(repeating: 0, count: count)
        }
        deinit { counts.deallocate() }
        var eachOnce: Bool { (0..<count).allSatisfy { counts[$0] == 1 } }

        func visit(_ range: Range<Int>) { for index in range { counts[index] += 1 } }
    }

    @Test func everyIndexIsVisitedOnceInContiguousRanges() {
        let visits = Visits(1001)
        let pieces = Mutex<[Range<Int>]>([])
        Self.context.forEach(1001) { range in
            visits.visit(range)
            pieces.withLock { $0.append(range) }
        }
        #expect(visits.eachOnce)
        let sorted = pieces.withLock { $0 }.sorted { $0.lowerBound < $1.lowerBound }
        // One range per thread, also when another test's pass holds the helpers (the parts
        // then run one after another on the caller).
        #expect(sorted.count == 2)
        #expect(sorted.first?.lowerBound == 0 && sorted.last?.upperBound == 1001)
        #expect(zip(sorted, sorted.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound })
    }

    /// A pass started from inside a pass finds the helpers busy and runs on its caller alone.
    @Test func aPassInsideAPassStillCoversItsRange() {
        let outer = Visits(64)
        let inner = Mutex<[Bool]>([])
        Self.context.forEach(64) { range in
            outer.visit(range)
            let nested = Visits(300)
            Self.context.forEach(300) { nested.visit($0) }
            inner.withLock { $0.append(nested.eachOnce) }
        }
        #expect(outer.eachOnce)
        #expect(inner.withLock { $0 }.allSatisfy { $0 })
    }

    @Test func concurrentCallersEachCoverTheirRange() {
        let failures = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: 4) { _ in
            for round in 0..<500 {
                let visits = Visits(97 + round % 50)
                Self.context.forEach(visits.count) { visits.visit($0) }
                if !visits.eachOnce { failures.add(1, ordering: .relaxed) }
            }
        }
        #expect(failures.load(ordering: .relaxed) == 0)
    }

    /// Passes too short for a helper to start before the caller has finished its own part: the
    /// caller then claims the helper's part, and a helper that arrives late must find nothing
    /// left — of this pass, or run its part of the next one, never a part twice.
    @Test func partsContestedByALateHelperRunOnce() {
        var failures = 0
        for round in 0..<20_000 {
            let visits = Visits(2 + round % 3)
            Self.context.forEach(visits.count) { visits.visit($0) }
            if !visits.eachOnce { failures += 1 }
        }
        #expect(failures == 0)
    }

    /// After a pause longer than their polling, the helpers are asleep and must be woken.
    @Test func sleepingHelpersWakeForTheNextPass() {
        for _ in 0..<5 {
            let visits = Visits(2)
            Self.context.forEach(2) { visits.visit($0) }
            #expect(visits.eachOnce)
            usleep(2_000)
        }
    }
}
