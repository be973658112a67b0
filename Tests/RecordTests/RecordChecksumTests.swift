import Checksums
import Foundation
import Record
import Testing

@Suite("The checksum over the bytes as stored")
struct RecordChecksumTests {
    /// (JSON text, the top-level checksum's value, or nil when there is none to verify)
    static let scans: [(String, String?)] = [
        (#"{"checksum":"abc"}"#, "abc"),
        (#"{ "checksum" : "" }"#, ""),
        (#"{"xchecksum":"1","checksumx":"2","checksum" : "3"}"#, "3"),
        // Inside a string: the quotes are escaped, so it is no key.
        (#"{"a":"\"checksum\" : \"inside\"","checksum":"top"}"#, "top"),
        // A string ending in an escaped backslash ends at the next quote.
        (#"{"a":"back\\","checksum":"top"}"#, "top"),
        (#"{"k\"":"v","checksum":"top"}"#, "top"),
        // An escaped quote does not end the string, so the brace after it closes nothing.
        (#"{"a":"\"}","checksum":"top"}"#, "top"),
        // A value that reads "checksum" is no key.
        (#"{"a":"checksum","b":"x"}"#, nil),
        (#"{"a":"checksum","checksum":"top"}"#, "top"),
        // Nested objects, also inside arrays, before and after the top-level key.
        (#"{"a":{"checksum":"nested"},"checksum":"top"}"#, "top"),
        (#"{"a":[{"checksum":"nested"},"x"],"checksum":"top","z":{"checksum":"after"}}"#, "top"),
        (#"{"a":{"checksum":"nested"}}"#, nil),
        (#"{"a":{"b":{"c":"}"},"d":"{"},"checksum":"top"}"#, "top"),
        // Not verifiable: not a string, spelled with escapes, or in a top-level array.
        (#"{"checksum":1}"#, nil),
        (#"{"checksum":{"checksum":"x"}}"#, nil),
        (#"{"check\u0073um":"x"}"#, nil),
        (#"["checksum","x"]"#, nil),
        (#"[{"checksum":"x"}]"#, nil),
    ]

    @Test(arguments: scans)
    func theScanFindsOnlyTheTopLevelKey(json: String, value: String?) {
        let bytes = Array(json.utf8)
        switch RecordChecksum.locate(in: bytes) {
        case .found(let range):
            #expect(String(decoding: bytes[range], as: UTF8.self) == value, "\(json)")
        case .missing:
            #expect(value == nil, "\(json)")
        case .duplicated:
            Issue.record("\(json): reported as duplicated")
        }
    }

    @Test func aSecondTopLevelChecksumIsNotVerifiable() {
        #expect(RecordChecksum.locate(in: Array(#"{"checksum":"a","b":{},"checksum":"b"}"#.utf8)) == .duplicated)
        #expect(RecordChecksum.locate(in: Array(#"{"checksum":"a","b":{"checksum":"b"}}"#.utf8)) != .duplicated)
    }

    @Test func signingWritesTheHashOfTheBlankedTextIntoTheValue() throws {
        let unsigned = Array("{\n  \"a\" : \"checksum\",\n  \"checksum\" : \"\",\n  \"z\" : 1\n}\n".utf8)
        let signed = try #require(RecordChecksum.sign(unsigned))
        let digest = SHA256.hash(unsigned).hex
        #expect(String(decoding: signed, as: UTF8.self)
            == "{\n  \"a\" : \"checksum\",\n  \"checksum\" : \"sha256:\(digest)\",\n  \"z\" : 1\n}\n")
        // Only a blank value is signed.
        #expect(RecordChecksum.sign(signed) == nil)
        #expect(RecordChecksum.sign(Array(#"{"a":1}"#.utf8)) == nil)
    }

    static let committedRecords = ["every-command", "convolutional", "residual"]

    @Test(arguments: committedRecords)
    func aCommittedRecordVerifiesByteForByte(name: String) throws {
        let path = Fixtures.committedRecord(name)
        let stored = try Data(contentsOf: URL(fileURLWithPath: path))
        let record = try RecordFile.read(path, notebook: "notebooks/checks/\(name).md")
        // The stored checksum is the hash of the stored text with the value blanked, computed
        // here with a plain text search (fine for these known files) rather than the scan.
        let text = String(decoding: stored, as: UTF8.self)
        let checksumLine = "\n  \"checksum\" : \"\(record.checksum)\",\n"
        #expect(text.components(separatedBy: checksumLine).count == 2)
        let blanked = text.replacingOccurrences(of: checksumLine, with: "\n  \"checksum\" : \"\",\n")
        #expect(record.checksum == "sha256:" + SHA256.hash(Array(blanked.utf8)).hex)
        // Writing it again gives the same bytes.
        #expect(try RecordFile.encode(record) == stored)
        var unsigned = record
        unsigned.checksum = "anything"
        #expect(try RecordFile.encode(unsigned) == stored, "the checksum of the value written is ignored")
    }

    @Test func aRecordInAnotherLayoutVerifiesWhenItsChecksumIsOverItsOwnBytes() throws {
        // What another toolchain's encoder might write: compact, keys in another order. Its
        // checksum, over its own bytes, verifies without the record being encoded again.
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let record = FixtureRun().record
        let canonical = try RecordFile.encode(record)
        var object = try #require(try JSONSerialization.jsonObject(with: canonical) as? [String: Any])
        object["checksum"] = ""
        var compact = try JSONSerialization.data(withJSONObject: object, options: [.withoutEscapingSlashes])
        #expect(compact != canonical)
        compact = Data(try #require(RecordChecksum.sign([UInt8](compact))))
        let path = folder.appendingPathComponent("other.record.json").path
        try compact.write(to: URL(fileURLWithPath: path))
        let read = try RecordFile.read(path, notebook: "other.md")
        var expected = record
        expected.checksum = read.checksum
        #expect(read == expected)
        #expect(read.checksum != (try RecordFile.read(written(record, in: folder), notebook: "x.md").checksum))
    }

    private func written(_ record: NotebookRecord, in folder: URL) throws -> String {
        let path = folder.appendingPathComponent("canonical.record.json").path
        try RecordFile.write(record, to: path)
        return path
    }
}
