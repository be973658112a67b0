import Foundation
import Testing
import TestSupport
import VAEEngine

/// `.npy` headers written to overflow whoever multiplies their sizes are the reader's error,
/// naming the file, from the header-only check and from the full read alike.
@Suite struct NPYReaderTests {
    /// A version `version` `.npy` file whose header's shape is `shape` as written (so it may hold
    /// numbers no `Int` holds), then `data`.
    static func npy(shape: String, descr: String = "|u1", data: [UInt8] = [], version: UInt8 = 1) -> [UInt8] {
        let header = "{'descr': '\(descr)', 'fortran_order': False, 'shape': \(shape), }\n"
        let lengthBytes = version == 1 ? 2 : 4
        let length = header.utf8.count
        return [0x93] + Array("NUMPY".utf8) + [version, 0] + (0..<lengthBytes).map { UInt8((length >> (8 * $0)) & 0xFF) }
            + Array(header.utf8) + data
    }

    struct Hostile: CustomTestStringConvertible, Sendable {
        var name: String
        var bytes: [UInt8]
        /// The reason after "PATH: ".
        var reason: String
        var testDescription: String { name }
    }

    static let tooMuch = "describes more data than a dataset file may hold"

    static let hostile: [Hostile] = [
        Hostile(name: "a dimension of Int.max", bytes: npy(shape: "(9223372036854775807,)"),
                reason: "shape (9223372036854775807) \(tooMuch)"),
        Hostile(name: "dimensions whose product overflows", bytes: npy(shape: "(4294967296, 4294967296)", descr: "<f8"),
                reason: "shape (4294967296, 4294967296) \(tooMuch)"),
        Hostile(name: "an empty array whose other dimensions overflow", bytes: npy(shape: "(0, 9223372036854775807)"),
                reason: "shape (0, 9223372036854775807) \(tooMuch)"),
        Hostile(name: "an empty array of 2^62 × 2^62", bytes: npy(shape: "(4611686018427387904, 4611686018427387904, 0)"),
                reason: "shape (4611686018427387904, 4611686018427387904, 0) \(tooMuch)"),
        Hostile(name: "a dimension beyond Int", bytes: npy(shape: "(18446744073709551615,)"),
                reason: "unreadable header: expected an integer in the shape in "
                    + "{'descr': '|u1', 'fortran_order': False, 'shape': (18446744073709551615,), }"),
        Hostile(name: "a header length of UInt32.max", bytes: [0x93] + Array("NUMPY".utf8) + [2, 0, 0xFF, 0xFF, 0xFF, 0xFF],
                reason: "header of 4294967295 bytes is longer than the 65536 a .npy file may have"),
    ]

    @Test(arguments: hostile)
    func aHostileHeaderIsRefusedByName(_ hostile: Hostile) throws {
        let folder = try makeTemporaryFolder("npy-reader")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("hostile.npy").path
        try Data(hostile.bytes).write(to: URL(fileURLWithPath: path))
        let expected = DatasetError.invalidNPY(path: path, reason: hostile.reason)
        #expect(throws: expected) { _ = try NPYReader.header(path: path) }
        #expect(throws: expected) { _ = try NPYReader.read(path: path) }
    }

    /// Flat images with no rows and 2⁶³ − 1 pixels each: the dataset check squared the pixel
    /// count's root and overflowed; the reader now refuses the shape before it gets there.
    @Test func flatImagesOfIntMaxPixelsAreRefusedBeforeTheImageSize() throws {
        let folder = try makeTemporaryFolder("npy-reader")
        defer { try? FileManager.default.removeItem(at: folder) }
        let images = folder.appendingPathComponent("images.npy").path
        let labels = folder.appendingPathComponent("labels.npy").path
        try Data(Self.npy(shape: "(0, 9223372036854775807)")).write(to: URL(fileURLWithPath: images))
        try Data(Self.npy(shape: "(0,)", descr: "<i8")).write(to: URL(fileURLWithPath: labels))
        let files = LabelledImageFiles(format: .npy, trainImages: images, trainLabels: labels,
                                       testImages: images, testLabels: labels)
        #expect(throws: DatasetError.invalidNPY(path: images, reason: "shape (0, 9223372036854775807) \(Self.tooMuch)")) {
            _ = try files.shape()
        }
    }
}
