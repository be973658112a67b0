import Foundation

/// How long and how to train, as one `train` command declares it.
public struct TrainingPlan: Sendable, Equatable {
    public var epochs: Int
    /// When set, training stops after this many steps (TF1-style `steps`); `epochs` is ignored
    /// and the last epoch may be partial.
    public var steps: Int?
    public var batchSize: Int
    public var optimizer: OptimizerSpec
    public var objective: Objective
    /// KL warm-up (Bowman et al. 2016): over this many epochs of the plan the KL weight rises
    /// linearly, step by step, from 0 to `objective.beta`; 0 trains with β from the start.
    public var warmupEpochs: Int
    /// Whether each epoch visits the training images in a new order (from the stream
    /// `("shuffle", epoch)`) or always in the stored order, as TensorFlow's tutorial 001 does.
    public var shuffle: Bool
    /// Steps of the same `train` taken before this plan, by a cached shorter run that this
    /// plan continues: a warm-up goes on from there, so the continued run is the cold one.
    public var stepsAlreadyTaken = 0

    public init(epochs: Int, steps: Int? = nil, batchSize: Int, optimizer: OptimizerSpec,
                objective: Objective = Objective(), warmupEpochs: Int = 0, shuffle: Bool = true) {
        self.epochs = epochs
        self.steps = steps
        self.batchSize = batchSize
        self.optimizer = optimizer
        self.objective = objective
        self.warmupEpochs = warmupEpochs
        self.shuffle = shuffle
    }

    /// The objective of step `stepInPlan` (1-based): during a warm-up its KL weight is
    /// β · (step − 1) / (warmupEpochs · stepsPerEpoch), counting the step from the start of
    /// the `train` (`stepsAlreadyTaken` before this plan), so the first step sees no KL.
    public func objective(atStep stepInPlan: Int, stepsPerEpoch: Int) -> Objective {
        guard warmupEpochs > 0 else { return objective }
        var warmed = objective
        let step = stepsAlreadyTaken + stepInPlan
        let fraction = min(1, Double(step - 1) / Double(warmupEpochs * stepsPerEpoch))
        warmed.beta = Float(Double(objective.beta) * fraction)
        return warmed
    }

    /// Epochs this plan runs over `count` images (the last may be partial with `steps`).
    public func epochCount(images count: Int) -> Int {
        let perEpoch = (count + batchSize - 1) / batchSize
        return steps.map { ($0 + perEpoch - 1) / perEpoch } ?? epochs
    }
}

/// The figures of one finished epoch; losses are per image.
public struct EpochRecord: Sendable, Equatable, Codable {
    /// 1-based epoch number, counted across all training blocks of a run.
    public var epoch: Int
    public var steps: Int
    public var train: Double
    public var trainReconstruction: Double
    public var trainKL: Double
    public var test: Double?
    public var testReconstruction: Double?
    public var testKL: Double?
    public var seconds: Double
    /// The steps of this epoch and of a whole one, when a `steps` plan ended it early; nil for
    /// a whole epoch (and then not encoded, so records of whole epochs keep their bytes).
    public var partial: PartialEpoch?

    public init(epoch: Int, steps: Int, train: Double, trainReconstruction: Double, trainKL: Double,
                test: Double?, testReconstruction: Double?, testKL: Double?, seconds: Double,
                partial: PartialEpoch? = nil) {
        self.epoch = epoch
        self.steps = steps
        self.train = train
        self.trainReconstruction = trainReconstruction
        self.trainKL = trainKL
        self.test = test
        self.testReconstruction = testReconstruction
        self.testKL = testKL
        self.seconds = seconds
        self.partial = partial
    }
}

/// An epoch a `steps` plan ended early: `steps` of the `of` steps of a whole epoch.
public struct PartialEpoch: Sendable, Equatable, Codable {
    public var steps: Int
    public var of: Int

    public init(steps: Int, of: Int) {
        self.steps = steps
        self.of = of
    }

    /// `30 of 469 steps`, how an epoch's label says it was partial.
    public var text: String { "\(steps) of \(of) steps" }
}

/// Progress reported while training, for live lines and logs.
public struct TrainingProgress: Sendable {
    public var epoch: Int
    public var epochsInPlan: Int
    public var epochInPlan: Int
    public var step: Int
    public var stepsPerEpoch: Int
    public var stepInEpoch: Int
    public var runningLoss: Double
    public var elapsed: Double
    /// This epoch's steps (`stepsPerEpoch`) of a whole one's, when a `steps` plan ends it early.
    public var partial: PartialEpoch?

    /// Public so the reporters that show progress can be tested without training.
    public init(epoch: Int, epochsInPlan: Int, epochInPlan: Int, step: Int, stepsPerEpoch: Int, stepInEpoch: Int,
                runningLoss: Double, elapsed: Double, partial: PartialEpoch? = nil) {
        self.epoch = epoch
        self.epochsInPlan = epochsInPlan
        self.epochInPlan = epochInPlan
        self.step = step
        self.stepsPerEpoch = stepsPerEpoch
        self.stepInEpoch = stepInEpoch
        self.runningLoss = runningLoss
        self.elapsed = elapsed
        self.partial = partial
    }
}

/// Training that produced a non-finite loss.
public struct DivergenceError: Error, Sendable, Equatable, CustomStringConvertible {
    public var step: Int
    public var epoch: Int
    public var loss: Double
    public var description: String {
        let value = loss.isNaN ? "NaN (not a number)" : (loss > 0 ? "+∞" : "−∞")
        return "training diverged at step \(step) (epoch \(epoch)): the loss became \(value); try a smaller learning rate"
    }
}

/// Runs epochs of minibatch training with seeded shuffles and noise.
///
/// Shuffles come from the stream `("shuffle", epoch)` and ε from `("noise", step)`,
/// with epoch and step counted across the whole run, so two training blocks in a
/// row draw what one block of their combined length would.
public final class Trainer {
    public let model: VAE
    public let seed: UInt64
    public internal(set) var completedEpochs = 0
    public internal(set) var completedSteps = 0
    var optimizer: Optimizer?
    var optimizerSpec: OptimizerSpec?
    private let batch: Matrix

    public init(model: VAE, seed: UInt64) {
        self.model = model
        self.seed = seed
        batch = Matrix(rows: 0, columns: model.spec.pixels)
    }

    /// Trains for `plan.epochs` epochs; evaluates on `test` after each when given.
    ///
    /// The optimizer's state carries over between calls with the same optimizer
    /// settings, as continuing a PyTorch loop would; new settings start a new optimizer.
    public func train(_ plan: TrainingPlan, on data: ImageDataset, test: ImageDataset?,
                      binarization: Binarization = .none,
                      progress: (TrainingProgress) -> Void = { _ in },
                      epochFinished: (_ record: EpochRecord, _ epochInPlan: Int) -> Void = { _, _ in }) throws -> [EpochRecord] {
        if optimizerSpec != plan.optimizer || optimizer == nil {
            optimizer = plan.optimizer.make(for: model.parameters, context: model.context)
            optimizerSpec = plan.optimizer
        }
        let optimizer = optimizer!
        let stepsPerEpoch = (data.count + plan.batchSize - 1) / plan.batchSize
        var records: [EpochRecord] = []
        let started = Date()
        let plannedEpochs = plan.epochCount(images: data.count)
        for epochInPlan in 1...plannedEpochs {
            let epochStarted = Date()
            let stepsThisEpoch = plan.steps.map { min(stepsPerEpoch, $0 - (epochInPlan - 1) * stepsPerEpoch) }
                ?? stepsPerEpoch
            let epoch = completedEpochs + 1
            let order: [Int]
            if plan.shuffle {
                var shuffle = RandomStream(seed: seed, purpose: "shuffle", index: UInt64(epoch))
                order = shuffle.permutation(data.count)
            } else {
                order = Array(0..<data.count)
            }
            let partial = stepsThisEpoch < stepsPerEpoch ? PartialEpoch(steps: stepsThisEpoch, of: stepsPerEpoch) : nil
            var totals = LossTotals()
            for stepInEpoch in 0..<stepsThisEpoch {
                let start = stepInEpoch * plan.batchSize
                let indices = order[start..<min(start + plan.batchSize, data.count)]
                BatchLoader.load(data, indices: indices, into: batch, layout: model.inputLayout,
                                 threadCopies: binarization != .dynamic, context: model.context)
                let step = completedSteps + 1
                if binarization == .dynamic {
                    // Fresh 0/1 pixels every step, from the step's own stream.
                    var draws = RandomStream(seed: seed, purpose: "binarize", index: UInt64(step))
                    Binarization.sampleBernoulli(batch.data, count: batch.count, stream: &draws)
                }
                var noise = RandomStream(seed: seed, purpose: "noise", index: UInt64(step))
                // Each layer is updated as soon as back-propagation is done with it.
                optimizer.beginStep()
                let stepInPlan = (epochInPlan - 1) * stepsPerEpoch + stepInEpoch + 1
                let objective = plan.objective(atStep: stepInPlan, stepsPerEpoch: stepsPerEpoch)
                let losses = model.trainingStep(images: batch, objective: objective,
                                                layerFinished: { optimizer.update(parameters: $0) }) { buffer, count in
                    noise.fillGaussian(buffer, count: count, context: model.context)
                }
                guard losses.total.isFinite else {
                    throw DivergenceError(step: step, epoch: epoch, loss: losses.total / Double(losses.count))
                }
                totals.add(losses)
                completedSteps = step
                progress(TrainingProgress(epoch: epoch, epochsInPlan: plannedEpochs, epochInPlan: epochInPlan,
                                          step: step, stepsPerEpoch: stepsThisEpoch, stepInEpoch: stepInEpoch + 1,
                                          runningLoss: totals.meanTotal,
                                          elapsed: Date().timeIntervalSince(started), partial: partial))
            }
            completedEpochs = epoch
            // The test objective with the KL weight the epoch ended at.
            let endObjective = plan.objective(atStep: epochInPlan * stepsPerEpoch + 1, stepsPerEpoch: stepsPerEpoch)
            let testTotals = test.map {
                evaluate(on: $0, objective: endObjective, streamIndex: UInt64(epoch), binarization: binarization)
            }
            let record = EpochRecord(epoch: epoch, steps: completedSteps,
                                       train: totals.meanTotal,
                                       trainReconstruction: totals.meanReconstruction,
                                       trainKL: totals.meanKL,
                                       test: testTotals?.meanTotal,
                                       testReconstruction: testTotals?.meanReconstruction,
                                       testKL: testTotals?.meanKL,
                                       seconds: Date().timeIntervalSince(epochStarted), partial: partial)
            records.append(record)
            epochFinished(record, epochInPlan)
        }
        return records
    }

    /// The objective over a whole dataset, with ε from the stream `("evaluate", streamIndex)`.
    public func evaluate(on data: ImageDataset, objective: Objective, streamIndex: UInt64,
                         binarization: Binarization = .none, batchSize: Int = 500) -> LossTotals {
        var noise = RandomStream(seed: seed, purpose: "evaluate", index: streamIndex)
        var draws = RandomStream(seed: seed, purpose: "binarize-evaluate", index: streamIndex)
        var totals = LossTotals()
        let evaluationBatch = Matrix(rows: 0, columns: model.spec.pixels)
        let all = Array(0..<data.count)
        var start = 0
        while start < data.count {
            BatchLoader.load(data, indices: all[start..<min(start + batchSize, data.count)], into: evaluationBatch,
                             layout: model.inputLayout, context: model.context)
            if binarization == .dynamic {
                Binarization.sampleBernoulli(evaluationBatch.data, count: evaluationBatch.count, stream: &draws)
            }
            totals.add(model.loss(images: evaluationBatch, objective: objective) { buffer, count in
                noise.fillGaussian(buffer, count: count, context: model.context)
            })
            start += batchSize
        }
        return totals
    }
}
