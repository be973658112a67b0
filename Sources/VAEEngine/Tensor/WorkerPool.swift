import Foundation
import Synchronization

/// Persistent helper threads for the parts of the matrix products and the element-wise passes
/// between them.
///
/// A training step runs short parallel passes (batch loading, noise, the loss, the optimizer)
/// between its products, and the products' parts too (`BLAS.gemm`). Handing each to Dispatch
/// cost about 30 µs on this kind of virtual machine (measured: an empty `concurrentPerform`
/// took 30–38 µs), as long as a pass itself; posting to a helper that is already polling takes
/// 3–4 µs. A helper polls, yielding the core, for 1 ms after each part — longer than any gap
/// between the parts and passes of a step, so it stays awake from one to the next — and then
/// sleeps on a condition, so that an idle engine costs nothing. (When OpenBLAS ran the products
/// on its own threads, a helper polling through a product took turns with them, so it slept
/// after 0.1 ms and woke late for the pass after each product.)
///
/// Parts are claimed, not assigned: once the caller has run part 0 it runs any part no helper
/// has started. A helper that wakes late — or whose core the host has lent to another machine
/// for a while, which on this kind of VM happens for milliseconds at a time — then costs the
/// pass nothing but its share, instead of the caller waiting for it.
///
/// One caller at a time: a pass started while another runs (or from inside one) runs on the
/// caller's thread alone, which gives the same results because every pass computes each value
/// the same way whatever the split, and whichever thread runs it.
final class WorkerPool: @unchecked Sendable {
    static let shared = WorkerPool()

    /// How long an idle helper keeps polling before it sleeps.
    private static let spinNanoseconds: UInt64 = 1_000_000

    private let inUse = Atomic<Bool>(false)
    /// Bumped once per pass; idle helpers wait for it to change.
    private let generation = Atomic<Int>(0)
    /// The parts `1..<parts` of the current pass not yet claimed: a claim takes the part
    /// numbered by the value it decrements from, so values ≤ 0 mean none is left. Reset for
    /// each pass after `pass` is written, so a successful claim always sees its pass.
    private let unclaimed = Atomic<Int>(0)
    /// Parts `1..<parts` of the current pass not yet finished.
    private let unfinished = Atomic<Int>(0)
    private let sleepers = Atomic<Int>(0)
    private let wakeUp = NSCondition()

    /// The current pass, valid while `unfinished > 0`; written before `unclaimed` is reset.
    /// A pointer to the caller's closure rather than a stored closure, so no helper ever
    /// holds a reference to it once its part is done.
    private nonisolated(unsafe) var pass: UnsafePointer<Pass>?

    private struct Pass {
        let body: (Int) -> Void
    }

    /// Started helpers; only the caller holding `inUse` starts more.
    private nonisolated(unsafe) var helperCount = 0

    /// Runs `body(part)` for every part in `0..<parts`: part 0 on the calling thread, the
    /// others on helpers, and returns when all are done. Returns false without running
    /// anything when the pool is busy with another caller's pass.
    func run(parts: Int, _ body: (Int) -> Void) -> Bool {
        guard parts > 1 else {
            body(0)
            return true
        }
        precondition(parts < 256, "at most 255 helpers")
        guard inUse.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else {
            return false
        }
        defer { inUse.store(false, ordering: .releasing) }
        while helperCount < parts - 1 { startHelper(index: helperCount + 1) }
        withoutActuallyEscaping(body) { body in
            var current = Pass(body: body)
            withUnsafePointer(to: &current) { post($0, parts: parts) }
        }
        return true
    }

    /// Posts a pass, runs part 0 and every part no helper has claimed here, and waits for
    /// the parts the helpers run.
    private func post(_ current: UnsafePointer<Pass>, parts: Int) {
        pass = current
        unfinished.store(parts - 1, ordering: .sequentiallyConsistent)
        unclaimed.store(parts - 1, ordering: .sequentiallyConsistent)
        generation.add(1, ordering: .sequentiallyConsistent)
        if sleepers.load(ordering: .sequentiallyConsistent) > 0 {
            wakeUp.lock()
            wakeUp.broadcast()
            wakeUp.unlock()
        }
        current.pointee.body(0)
        runUnclaimedParts()
        // The helpers that claimed a part started before the caller finished its own: a short spin.
        while unfinished.load(ordering: .acquiring) > 0 { sched_yield() }
        pass = nil
    }

    /// Claims and runs parts of the current pass until none is left.
    private func runUnclaimedParts() {
        while true {
            let part = unclaimed.subtract(1, ordering: .sequentiallyConsistent).oldValue
            guard part > 0, let pass else { return }
            runPart(part, of: pass)
            unfinished.subtract(1, ordering: .releasing)
        }
    }

    private func startHelper(index: Int) {
        helperCount += 1
        let seen = generation.load(ordering: .sequentiallyConsistent)
        let thread = Thread { [self] in helperLoop(seen: seen) }
        thread.name = "notebook-pass-\(index)"
        thread.start()
    }

    private func helperLoop(seen initial: Int) {
        var seen = initial
        while true {
            seen = waitForPass(after: seen)
            // A helper that wakes after the caller has taken every part finds none left.
            runUnclaimedParts()
        }
    }

    /// A call of its own, so any retain of the closure is released before the helper reports
    /// its part done (the caller's `withoutActuallyEscaping` checks that nothing kept it).
    @inline(never)
    private func runPart(_ index: Int, of pass: UnsafePointer<Pass>) {
        pass.pointee.body(index)
    }

    /// Polls for the next pass, yielding the core, then sleeps until one is posted.
    private func waitForPass(after seen: Int) -> Int {
        let deadline = DispatchTime.now().uptimeNanoseconds + Self.spinNanoseconds
        var polls = 0
        while true {
            let current = generation.load(ordering: .acquiring)
            if current != seen { return current }
            polls += 1
            if polls & 63 == 0, DispatchTime.now().uptimeNanoseconds > deadline { break }
            sched_yield()
        }
        wakeUp.lock()
        sleepers.add(1, ordering: .sequentiallyConsistent)
        while generation.load(ordering: .sequentiallyConsistent) == seen { wakeUp.wait() }
        sleepers.subtract(1, ordering: .sequentiallyConsistent)
        wakeUp.unlock()
        return generation.load(ordering: .acquiring)
    }
}
