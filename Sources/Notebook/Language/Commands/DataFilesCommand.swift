import Foundation
import NotebookResults
import VAEEngine

/// What `data idx` and `data npy` share: their options, the checks before anything runs and
/// the command they compile to. Each form has its own definition file for its schema.
enum DataFilesForm {
    /// Data, even from a failed line (so later lines are not also told there is none), of
    /// an image size known only when the line built.
    static func declare(built: (any Command)?, in state: inout StaticState) {
        state.hasData = true
        if built == nil {
            state.imageSize = nil
            state.splitSizes = nil
        }
    }

    /// The four file options, in `LabelledImageFiles.paths` order.
    static let fileOptions = ["train-images", "train-labels", "test-images", "test-labels"]

    /// The options of both forms; `extra` come after the file options (`size` for `.npy`).
    static func options(extension ext: String, extra: [ArgumentSchema] = []) -> [ArgumentSchema] {
        [ArgumentSchema("train-images", .path, "the training images (\(ext))"),
         ArgumentSchema("train-labels", .path, "the training labels (\(ext))"),
         ArgumentSchema("test-images", .path, "the test images (\(ext))"),
         ArgumentSchema("test-labels", .path, "the test labels (\(ext))")]
            + extra
            + [ArgumentSchema("classes", .labelList(count: 1...256), absent: "numbers",
                              "class names for legends, one per label from 0 to the largest (left out, labels are named by their numbers)"),
               ArgumentSchema("train", .integer(1...100_000_000), absent: "all", "training images to use"),
               ArgumentSchema("test", .integer(1...100_000_000), absent: "all", "test images to use"),
               ArgumentSchema("binarize", .choice(["none", "static", "dynamic"]), default: "none",
                              "pixels as grey levels, thresholded once, or sampled as 0/1 every step"),
               ArgumentSchema("threshold", .real(0...1), default: "0.5", "the threshold of binarize=static")]
    }

    /// The command for a `data idx` or `data npy` line, after checking that its files exist and
    /// that their headers make a dataset the models declared so far can take.
    static func build(_ format: ImageFileFormat, _ arguments: CheckedArguments, _ line: inout LineContext) -> (any Command)? {
        guard let binarization = DataDefinition.binarization(arguments, &line) else { return nil }
        let written = fileOptions.map { arguments.word($0) }
        // Inside the notebook's folder (or one --allow-outside names), after symbolic links.
        var outside = false
        for (option, path) in zip(fileOptions, written) {
            do {
                _ = try line.confinement.resolve(path)
            } catch {
                line.report(LineProblem("cannot read '\(path)': \(error)",
                                        column: arguments.span(of: option)!.column, length: arguments.span(of: option)!.length))
                outside = true
            }
        }
        if outside { return nil }
        let resolved = written.map { URL(fileURLWithPath: $0, relativeTo: line.notebookFolder).standardizedFileURL.path }
        var missing = false
        for (option, (path, url)) in zip(fileOptions, zip(written, resolved)) {
            var isFolder: ObjCBool = false
            if !FileManager.default.fileExists(atPath: url, isDirectory: &isFolder) || isFolder.boolValue {
                let what = isFolder.boolValue ? "is a folder, not a file" : "does not exist"
                line.report(LineProblem("'\(path)' \(what) (looked for \(url))",
                                        column: arguments.span(of: option)!.column, length: arguments.span(of: option)!.length))
                missing = true
            }
        }
        if missing { return nil }
        let size = format == .npy ? arguments.value("size")?.integers : nil
        let files = LabelledImageFiles(format: format, trainImages: resolved[0], trainLabels: resolved[1],
                                       testImages: resolved[2], testLabels: resolved[3],
                                       imageRows: size?[0], imageColumns: size?[1])
        let shape: DatasetShape
        do {
            shape = try files.shape()
        } catch let error as DatasetError {
            let option = resolved.firstIndex(of: error.path).map { fileOptions[$0] } ?? fileOptions[0]
            return line.fail(error.description, at: arguments.span(of: option)!)
        } catch {
            return line.failCommand("\(error)")
        }
        let classes = arguments.value("classes")?.words
        if let classes, classes.count != shape.largestLabel + 1 {
            return line.fail(LabelledImageFiles.classCountProblem(classes.count, largest: shape.largestLabel),
                             at: arguments.span(of: "classes")!)
        }
        let imageSize = ImageSize(rows: shape.rows, columns: shape.columns, location: line.location)
        if let problem = line.state.sizeProblem(imageSize) { return line.failCommand(problem) }
        line.state.imageSize = imageSize
        // `train=` and `test=` take the first images, so at most the files' counts.
        line.state.splitSizes = SplitSizes(train: min(arguments.value("train")?.integer ?? shape.trainCount, shape.trainCount),
                                           test: min(arguments.value("test")?.integer ?? shape.testCount, shape.testCount),
                                           location: line.location)
        let request = DataFilesRequest(
            format: format, paths: written, classes: classes, imageRows: size?[0], imageColumns: size?[1],
            rows: shape.rows, columns: shape.columns,
            trainCount: arguments.value("train")?.integer, testCount: arguments.value("test")?.integer,
            binarization: binarization)
        return DataFilesCommand(request)
    }
}

/// A dataset read from the user's files, as a `data idx` or `data npy` line asks for it.
public struct DataFilesRequest: Sendable, Equatable, Codable {
    public var format: ImageFileFormat
    /// Training images, training labels, test images, test labels, as written (relative to the notebook).
    public var paths: [String]
    /// Class names, or nil to call each label by its number.
    public var classes: [String]?
    /// For flat `.npy` images: the image size given with `size=`.
    public var imageRows: Int?
    public var imageColumns: Int?
    /// The image size the headers gave when the notebook was compiled, which models were built for.
    public var rows: Int
    public var columns: Int
    public var trainCount: Int?
    public var testCount: Int?
    public var binarization: Binarization

    /// The name the splits and the output go by: `idx` or `npy`.
    public var name: String { format.rawValue }

    /// The files, resolved against the notebook's folder.
    func files(in folder: URL) -> LabelledImageFiles {
        let resolved = paths.map { URL(fileURLWithPath: $0, relativeTo: folder).standardizedFileURL.path }
        return LabelledImageFiles(format: format, trainImages: resolved[0], trainLabels: resolved[1],
                                  testImages: resolved[2], testLabels: resolved[3],
                                  imageRows: imageRows, imageColumns: imageColumns)
    }

    /// Loads the files, cutting the splits to the sizes asked for and binarizing statically if asked.
    func load(notebookFolder: URL) throws -> DatasetSplits {
        let files = files(in: notebookFolder)
        var splits = try files.load(name: name, classNames: classes, checksumKeys: paths)
        if splits.train.height != rows || splits.train.width != columns {
            throw DatasetError.invalidDataset(
                path: files.trainImages, reason: "images are now \(splits.train.height)×\(splits.train.width), "
                    + "not the \(rows)×\(columns) they were when the notebook was checked; run it again")
        }
        if let count = trainCount { splits.train = splits.train.prefix(count) }
        if let count = testCount { splits.test = splits.test.prefix(count) }
        splits.train = binarization.applied(to: splits.train)
        splits.test = binarization.applied(to: splits.test)
        return splits
    }
}

/// Loads a dataset from the user's files into the session; every later command reads it.
public struct DataFilesCommand: Command, Equatable {
    public var request: DataFilesRequest

    public init(_ request: DataFilesRequest) { self.request = request }

    public var effect: CommandEffect { .changesSession }

    /// The four files: a changed file changes the cache key.
    public func inputFiles(_ inputs: InputLocations) -> [URL] { request.paths.map { inputs.resolve($0) } }

    public func run(in context: ExecutionContext) throws -> [BlockOutput] {
        let session = context.session
        // Checked again now: the files may have changed since the notebook was checked.
        for path in request.paths { _ = try context.resolveForReading(path) }
        let splits = try request.load(notebookFolder: context.inputs.notebookFolder)
        session.useData(splits, name: request.name, binarization: request.binarization, files: request)
        return [.text("\(request.name): \(splits.train.count) training and \(splits.test.count) test images of "
                      + "\(splits.train.width)×\(splits.train.height) pixels, \(splits.train.classNames.count) classes")]
    }
}
