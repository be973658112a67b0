import Checksums
import Foundation
import NotebookResults
import VAEEngine

/// Training continued from a cached shorter run of the same plan: `epochs=2` → `epochs=3`
/// trains one epoch, not three.
///
/// The key is the model's own state before the `train` command — its weights, optimizer,
/// counters and history, the data it trains on and the run's root — and the plan with its
/// length left out. Other models are not part of it: a model's training depends on nothing
/// else, so in a notebook of several models each one continues, whatever the others did.
/// The entry points at the snapshot taken after that command. A cached run of the plan is
/// continued only when the cold run would pass through its end state: fewer epochs, or fewer
/// steps that end on an epoch boundary (a cold run of more steps would go on in the middle
/// of that epoch, with the same shuffle).
enum TrainingContinuation {
    /// How far the cached run of the plan went.
    struct Trained: Codable, Equatable {
        var epochs: Int
        /// Steps this `train` command took (not counting earlier training).
        var steps: Int
    }

    /// What decides how training `session`'s current model goes on, but for the length.
    private struct StartingPoint: Encodable {
        var root: String
        var data: SessionSnapshot.DataChoice?
        var dataFiles: DataFilesRequest?
        var checksums: [String: String]
        var model: SessionSnapshot.ModelHeader
        var arrays: String
        /// The `train` command without its length.
        var plan: String
    }

    /// The key of training `session`'s current model by `command`, a `train` in canonical form.
    static func key(root: String, session: Session, command: CanonicalCommand) -> String {
        let part = SessionSnapshot.part(of: session.current)
        var hasher = SHA256()
        for array in part.arrays {
            array.withUnsafeBytes { hasher.update($0) }
        }
        let start = StartingPoint(
            root: root,
            data: session.dataRequest.map {
                SessionSnapshot.DataChoice(name: $0.name, trainCount: $0.trainCount, testCount: $0.testCount,
                                           binarization: $0.binarization)
            },
            dataFiles: session.dataFiles, checksums: session.checksums, model: part.header,
            arrays: hasher.finalize().hex, plan: command.removing(["epochs", "steps"]).text)
        let encoded = (try? ResultsJSON.encoder().encode(start)) ?? Data()
        return CacheKeys.hash(["train-continuation", String(decoding: encoded, as: UTF8.self)])
    }

    /// The plan left to train after `trained`, or nil when the cached run cannot be continued.
    static func remainder(of plan: TrainingPlan, after trained: Trained, images: Int) -> TrainingPlan? {
        var rest = plan
        // A warm-up's weight counts the steps since the `train` began, the cached ones too.
        rest.stepsAlreadyTaken = trained.steps
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

    /// What a continuation entry holds: where the snapshot is, and how far it trained.
    private struct Pointer: Codable {
        var snapshot: String
        var trained: TrainingContinuation.Trained
    }

    private func pointer(_ key: String) -> Pointer? {
        guard let header = entryHeader(kind: "continuations", key: key) else { return nil }
        guard let pointer = try? JSONDecoder().decode(Pointer.self, from: header),
              // Counts a cache entry could only hold if tampered with would train more, not less.
              pointer.trained.epochs >= 0, pointer.trained.steps >= 0, Self.isKey(pointer.snapshot) else { return nil }
        return pointer
    }

    /// The cached run of a plan, for model `model` that has taken `stepsBefore` steps before
    /// this `train`: only when its snapshot is one taken after exactly that training (the
    /// same model, `stepsBefore` plus the steps the pointer names), so a pointer aimed at
    /// another snapshot is a miss.
    func continuation(_ key: String, model: String, stepsBefore: Int) -> Continuation? {
        guard let pointer = pointer(key), let snapshot = snapshot(pointer.snapshot) else { return nil }
        let header = snapshot.header
        guard let current = header.currentIndex, header.models.indices.contains(current),
              header.models[current].name == model,
              header.models[current].trainer.completedSteps == stepsBefore + pointer.trained.steps,
              header.models[current].history.count >= pointer.trained.epochs else {
            warn("warning: cache entry continuations/\(key.prefix(12)) points at a snapshot of other training; "
                 + "training from the start")
            return nil
        }
        return Continuation(snapshot: snapshot, trained: pointer.trained)
    }

    /// The snapshot the continuation `key` points at, to keep it with the pointer.
    func continuationSnapshot(_ key: String) -> String? {
        pointer(key)?.snapshot
    }

    /// Keeps the longest run of a plan (a shorter one can be continued from it no further);
    /// returns the snapshot key the kept entry points at.
    func storeContinuation(trained: TrainingContinuation.Trained, snapshotKey: String, key: String) -> String? {
        if let existing = pointer(key), existing.trained.epochs >= trained.epochs,
           hasSnapshot(existing.snapshot) { return existing.snapshot }
        guard let header = try? JSONEncoder().encode(Pointer(snapshot: snapshotKey, trained: trained)) else { return nil }
        storeEntry(kind: "continuations", key: key, header: header)
        return snapshotKey
    }
}
