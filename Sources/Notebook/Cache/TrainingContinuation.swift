import VAEEngine

/// Training continued from a cached shorter run of the same plan: `epochs=2` → `epochs=3`
/// trains one epoch, not three.
///
/// The key is the state before the `train` command (the block's state key and the
/// session-changing commands before it in the block) and the plan with its length left
/// out. A cached run of the plan is continued only when the cold run would pass through
/// its end state: fewer epochs, or fewer steps that end on an epoch boundary (a cold run
/// of more steps would go on in the middle of that epoch, with the same shuffle).
enum TrainingContinuation {
    /// How far the cached run of the plan went.
    struct Trained: Codable, Equatable {
        var epochs: Int
        /// Steps this `train` command took (not counting earlier training).
        var steps: Int
    }

    static func key(stateBefore: String, earlierInBlock: [Command], plan: TrainingPlan,
                    inputDigest: (Command) -> [String]) -> String {
        var unmeasured = plan
        unmeasured.epochs = 0
        unmeasured.steps = unmeasured.steps.map { _ in 0 }
        let earlier = earlierInBlock.flatMap { [String(describing: $0)] + inputDigest($0) }
        return CacheKeys.hash([stateBefore] + earlier + ["train-continuation", String(describing: unmeasured)])
    }

    /// The plan left to train after `trained`, or nil when the cached run cannot be continued.
    static func remainder(of plan: TrainingPlan, after trained: Trained, images: Int) -> TrainingPlan? {
        var rest = plan
        if let steps = plan.steps {
            let perEpoch = (images + plan.batchSize - 1) / plan.batchSize
            guard trained.steps < steps, trained.steps % perEpoch == 0 else { return nil }
            rest.steps = steps - trained.steps
        } else {
            guard trained.epochs < plan.epochs else { return nil }
            rest.epochs = plan.epochs - trained.epochs
        }
        return rest
    }
}

extension NotebookCache {
    /// A snapshot taken right after a `train`, with how far that training went.
    struct Continuation {
        var snapshot: SessionSnapshot
        var trained: TrainingContinuation.Trained
    }

    func continuation(_ key: String) -> Continuation? {
        guard let snapshot = snapshot(key, kind: "continuations"), let trained = snapshot.header.trained else { return nil }
        return Continuation(snapshot: snapshot, trained: trained)
    }

    /// Keeps the longest run of a plan: a shorter one can be continued from it no further.
    func storeContinuation(_ snapshot: SessionSnapshot, trained: TrainingContinuation.Trained, key: String) {
        if let existing = continuation(key), existing.trained.epochs >= trained.epochs { return }
        var snapshot = snapshot
        snapshot.header.trained = trained
        store(snapshot, key: key, kind: "continuations")
    }
}
