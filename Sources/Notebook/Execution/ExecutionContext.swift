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

    /// A path of the notebook, relative to the notebook's folder.
    func resolve(_ path: String) -> URL { inputs.resolve(path) }

    /// The file to read for a path of the notebook: the one this run staged for it, if any.
    func readable(_ path: String) -> URL { outputs.readableFile(for: resolve(path)) }
}
