import Checksums
import Foundation
import Testing
import VAEEngine

@Suite struct FashionMNISTTests {
    private let fileNames = [
        FashionMNIST.trainImagesFile, FashionMNIST.trainLabelsFile,
        FashionMNIST.testImagesFile, FashionMNIST.testLabelsFile,
    ]

    /// Writes a small synthetic dataset under the Fashion-MNIST file names.
    private func writeSynthetic(
        in folder: String,
        train: Int = 5, test: Int = 3, rows: Int = 28, columns: Int = 28,
        trainLabels: [UInt8]? = nil, testLabelDimensions: [Int]? = nil
    ) throws {
        let pixels = rows * columns
        let trainImages = IDXFixtures.idx(dimensions: [train, rows, columns],
                                          data: (0..<(train * pixels)).map { UInt8(truncatingIfNeeded: $0) })
        let testImages = IDXFixtures.idx(dimensions: [test, rows, columns],
                                         data: (0..<(test * pixels)).map { UInt8(truncatingIfNeeded: $0 * 3) })
        let trainLabelBytes = trainLabels ?? (0..<train).map { UInt8($0 % 10) }
        let testLabelBytes = (0..<test).map { UInt8(9 - $0 % 10) }
        try IDXFixtures.writeGzip(trainImages, to: folder + "/" + FashionMNIST.trainImagesFile)
        try IDXFixtures.writeGzip(IDXFixtures.idx(dimensions: [trainLabelBytes.count], data: trainLabelBytes),
                                  to: folder + "/" + FashionMNIST.trainLabelsFile)
        try IDXFixtures.writeGzip(testImages, to: folder + "/" + FashionMNIST.testImagesFile)
        try IDXFixtures.writeGzip(IDXFixtures.idx(dimensions: testLabelDimensions ?? [test], data: testLabelBytes),
                                  to: folder + "/" + FashionMNIST.testLabelsFile)
    }

    private func loadMessage(_ folder: String) -> String? {
        do {
            _ = try FashionMNIST.load(directory: folder)
            return nil
        } catch {
            return (error as? DatasetError)?.description ?? "unexpected error type: \(error)"
        }
    }

    // MARK: The installed dataset

    @Test func realDatasetLoads() throws {
        let splits = try FashionMNIST.load()
        #expect(splits.train.name == "fashion-mnist/train")
        #expect(splits.test.name == "fashion-mnist/test")
        #expect(splits.train.count == 60000)
        #expect(splits.test.count == 10000)
        for split in [splits.train, splits.test] {
            #expect(split.width == 28 && split.height == 28)
            #expect(split.pixels.count == split.count * 784)
            #expect(split.labels.allSatisfy { $0 < 10 })
            #expect(split.classNames == FashionMNIST.classNames)
        }
        // Every class occurs equally often: 6000 train and 1000 test images each.
        var trainCounts = [Int](repeating: 0, count: 10)
        for label in splits.train.labels { trainCounts[Int(label)] += 1 }
        #expect(trainCounts == [Int](repeating: 6000, count: 10))

        #expect(Set(splits.checksums.keys) == Set(fileNames))
        for (name, checksum) in splits.checksums {
            #expect(checksum.count == 64, "\(name)")
            #expect(checksum.allSatisfy { "0123456789abcdef".contains($0) }, "\(name)")
        }
        // The checksum is of the file as stored (checked on the small files; the synthetic
        // test covers the rest).
        for name in [FashionMNIST.trainLabelsFile, FashionMNIST.testLabelsFile] {
            let stored = try Data(contentsOf: URL(fileURLWithPath: FashionMNIST.defaultDirectory + "/" + name))
            #expect(splits.checksums[name] == SHA256.hash(stored).hex, "\(name)")
        }
        // Stable: a second load gives identical data and checksums.
        #expect(try FashionMNIST.load() == splits)
    }

    // MARK: Synthetic datasets

    @Test func syntheticDatasetLoads() throws {
        let folder = try IDXFixtures.makeFolder()
        defer { IDXFixtures.removeFolder(folder) }
        try writeSynthetic(in: folder)
        let splits = try FashionMNIST.load(directory: folder)
        #expect(splits.train.count == 5)
        #expect(splits.test.count == 3)
        #expect(splits.train.labels == [0, 1, 2, 3, 4])
        #expect(splits.test.labels == [9, 8, 7])
        #expect(splits.train.pixels.prefix(3) == [0, 1, 2])
        #expect(splits.test.pixels.prefix(3) == [0, 3, 6])
        for name in fileNames {
            let stored = try IDXFixtures.read(folder + "/" + name)
            #expect(splits.checksums[name] == SHA256.hash(stored).hex)
        }
    }

    @Test func genericLoaderUsesTheGivenNames() throws {
        let folder = try IDXFixtures.makeFolder()
        defer { IDXFixtures.removeFolder(folder) }
        try writeSynthetic(in: folder, rows: 4, columns: 3)
        let splits = try IDXDataset.loadSplits(
            directory: folder,
            trainImages: FashionMNIST.trainImagesFile, trainLabels: FashionMNIST.trainLabelsFile,
            testImages: FashionMNIST.testImagesFile, testLabels: FashionMNIST.testLabelsFile,
            name: "tiny", classNames: (0..<10).map { "class \($0)" })
        #expect(splits.train.name == "tiny/train")
        #expect(splits.test.name == "tiny/test")
        #expect(splits.train.height == 4 && splits.train.width == 3)
        #expect(splits.test.classNames[3] == "class 3")
    }

    @Test func missingFolderNamesTheFileAndThePackage() throws {
        let folder = try IDXFixtures.makeFolder()
        IDXFixtures.removeFolder(folder)
        #expect(loadMessage(folder) == "\(folder)/train-images-idx3-ubyte.gz: no such file "
            + "(the folder \(folder) does not exist); "
            + "Debian's package dataset-fashion-mnist provides it (scripts/bootstrap installs it)")
    }

    @Test func missingFileNamesTheFileAndThePackage() throws {
        let folder = try IDXFixtures.makeFolder()
        defer { IDXFixtures.removeFolder(folder) }
        try writeSynthetic(in: folder)
        try FileManager.default.removeItem(atPath: folder + "/t10k-labels-idx1-ubyte.gz")
        #expect(loadMessage(folder) == "\(folder)/t10k-labels-idx1-ubyte.gz: no such file; "
            + "Debian's package dataset-fashion-mnist provides it (scripts/bootstrap installs it)")
    }

    @Test func wrongImageSize() throws {
        let folder = try IDXFixtures.makeFolder()
        defer { IDXFixtures.removeFolder(folder) }
        try writeSynthetic(in: folder, rows: 32, columns: 32)
        #expect(loadMessage(folder) == "\(folder)/train-images-idx3-ubyte.gz: expected images of 28 × 28 pixels, found 32 × 32")
    }

    @Test func imagesMustHaveThreeDimensions() throws {
        let folder = try IDXFixtures.makeFolder()
        defer { IDXFixtures.removeFolder(folder) }
        try writeSynthetic(in: folder)
        try IDXFixtures.writeGzip(IDXFixtures.idx(dimensions: [3, 784], data: Array(repeating: 0, count: 3 * 784)),
                                  to: folder + "/" + FashionMNIST.testImagesFile)
        #expect(loadMessage(folder) == "\(folder)/t10k-images-idx3-ubyte.gz: "
            + "expected images as count × rows × columns (3 dimensions), found 3 × 784")
    }

    @Test func labelsMustBeAList() throws {
        let folder = try IDXFixtures.makeFolder()
        defer { IDXFixtures.removeFolder(folder) }
        try writeSynthetic(in: folder, testLabelDimensions: [3, 1])
        #expect(loadMessage(folder) == "\(folder)/t10k-labels-idx1-ubyte.gz: "
            + "expected labels as a list (1 dimension), found 3 × 1")
    }

    @Test func labelCountMustMatchImageCount() throws {
        let folder = try IDXFixtures.makeFolder()
        defer { IDXFixtures.removeFolder(folder) }
        try writeSynthetic(in: folder, trainLabels: [0, 1, 2, 3])
        #expect(loadMessage(folder) == "\(folder)/train-labels-idx1-ubyte.gz: "
            + "4 labels but train-images-idx3-ubyte.gz holds 5 images")
    }

    @Test func labelsMustBeBelowTen() throws {
        let folder = try IDXFixtures.makeFolder()
        defer { IDXFixtures.removeFolder(folder) }
        try writeSynthetic(in: folder, trainLabels: [0, 1, 10, 3, 4])
        #expect(loadMessage(folder) == "\(folder)/train-labels-idx1-ubyte.gz: "
            + "label 10 at index 2 is out of range: there are 10 classes (0 to 9)")
    }

    @Test func aBadFileIsReportedByName() throws {
        let folder = try IDXFixtures.makeFolder()
        defer { IDXFixtures.removeFolder(folder) }
        try writeSynthetic(in: folder)
        let path = folder + "/" + FashionMNIST.testImagesFile
        let stored = try IDXFixtures.read(path)
        try IDXFixtures.write(Array(stored.dropLast(4)), to: path)
        #expect(loadMessage(folder) == "\(path): truncated gzip stream: the file ends before the compressed data does")
    }

    @Test func classNames() {
        #expect(FashionMNIST.classNames.count == 10)
        #expect(FashionMNIST.classNames.first == "T-shirt/top")
        #expect(FashionMNIST.classNames.last == "Ankle boot")
        #expect(FashionMNIST.defaultDirectory == "/usr/share/datasets/fashion-mnist")
    }
}
