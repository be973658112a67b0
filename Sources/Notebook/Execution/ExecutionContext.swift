import Foundation
import NotebookResults
import Publishing
import VAEEngine

/// What a command sees when it runs: the session, where its files are, and the run's services.
///
/// Public so `Command` can name it; what it holds is the Notebook module's own business.
public final class ExecutionContext {
    let session: Session
    let figures: FigureMaker
    let inputs: InputLocations
    /// The files the run writes, staged until the run commits (see `PendingOutputs`).
    let outputs: PendingOutputs
    let progress: ProgressReporter
    /// Trains the current model by a plan, recording every epoch in its history; with a cache,
    /// it may continue a cached shorter run of the same plan.
    let train: (TrainingPlan) throws -> [EpochRecord]

    init(session: Session, figures: FigureMaker, inputs: InputLocations, outputs: PendingOutputs, progress: ProgressReporter,
         train: @escaping (TrainingPlan) throws -> [EpochRecord]) {
        self.session = session
        self.figures = figures
        self.inputs = inputs
        self.outputs = outputs
        self.progress = progress
        self.train = train
    }

    var datasets: DatasetLocations { inputs.datasets }

    /// A file the notebook names, about to be replaced: checked again against the
    /// confinement now, since the filesystem may have changed since the notebook compiled.
    func resolveForWriting(_ path: String) throws -> URL {
        do { return try inputs.confinement.resolveForWriting(path) } catch { throw CommandProblem("cannot write '\(path)': \(error)") }
    }

    /// A file the notebook names, about to be read: inside the confinement and a regular file now.
    func resolveForReading(_ path: String) throws -> URL {
        do { return try inputs.confinement.resolveForReading(path) } catch { throw CommandProblem("cannot read '\(path)': \(error)") }
    }

    /// The file to read for a path of the notebook: the one this run staged for it (a
    /// `save weights` earlier in the run), else the file itself, checked as `resolveForReading` does.
    func readable(_ path: String) throws -> URL {
        if let destination = try? inputs.confinement.resolveForWriting(path),
           let staged = outputs.stagedFile(for: destination) { return staged }
        return try resolveForReading(path)
    }
}
