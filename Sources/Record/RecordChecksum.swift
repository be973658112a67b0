import Checksums

/// A record's checksum, taken over the bytes as stored.
///
/// The checksum is `sha256:` and the SHA-256 of the file's exact bytes with the value of
/// its top-level `"checksum"` string blanked, so `"checksum" : "sha256:ab12…"` hashes as
/// `"checksum" : ""`. Nothing is decoded and encoded again to verify it: a toolchain whose
/// JSON encoder lays text out differently still verifies every committed record.
///
/// Writing encodes the record with an empty checksum, hashes those bytes and puts the
/// digest into the empty value in place, so blanking the value again gives back exactly
/// what was hashed. The layout is fixed when a record is written; a record re-indented,
/// with its keys reordered or its line endings converted, but otherwise unchanged, no
/// longer matches its checksum and reads as edited. That is on purpose: a record is only
/// ever written by `notebook`, and the fix is the same as for any edit, to re-record.
///
/// The value is found by a small JSON scan, not a text search: it tracks strings (with
/// their escapes) and nesting, and takes the value of the key `"checksum"` written as
/// exactly those eight letters at depth 1, the top-level object. A `"checksum"` inside a
/// string or in a nested object is never taken. A key spelled with escapes
/// (`"check\u0073um"`), a second top-level checksum or a value that is not a string is not
/// verifiable and counts as no checksum at all, so doubt always fails the check.
public enum RecordChecksum {
    /// The prefix of every checksum value.
    public static let prefix = "sha256:"

    /// Where the top-level checksum value is, between its quotes.
    public enum Location: Equatable, Sendable {
        /// The byte range of the value's text, without the quotes (empty when blank).
        case found(Range<Int>)
        /// No top-level key `"checksum"` with a string value.
        case missing
        /// More than one top-level key `"checksum"`.
        case duplicated
    }

    /// Finds the value of the top-level `"checksum"` in JSON text; the text is assumed to be
    /// well-formed (checked before), and the scan stops at the end of the top-level object.
    public static func locate(in bytes: [UInt8]) -> Location {
        let quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\")
        let key = Array("checksum".utf8)
        var found: Range<Int>?
        var depth = 0
        // Only a top-level object has keys at depth 1 (not a top-level array).
        var topIsObject = false
        // Inside the top-level object: true where the next string is a key.
        var expectingKey = false
        var index = 0

        /// The index just past the string whose opening quote is at `start`.
        func endOfString(from start: Int) -> Int {
            var i = start + 1
            while i < bytes.count {
                if bytes[i] == backslash { i += 2; continue }
                if bytes[i] == quote { return i + 1 }
                i += 1
            }
            return bytes.count
        }
        func skipSpace(from start: Int) -> Int {
            var i = start
            while i < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[i]) { i += 1 }
            return i
        }

        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case quote:
                let end = endOfString(from: index)
                guard depth == 1, expectingKey else { index = end; continue }
                expectingKey = false
                // A key at depth 1: is it "checksum"?
                guard end - index == key.count + 2, Array(bytes[index + 1..<end - 1]) == key else {
                    index = end
                    continue
                }
                var valueStart = skipSpace(from: end)
                guard valueStart < bytes.count, bytes[valueStart] == UInt8(ascii: ":") else { return .missing }
                valueStart = skipSpace(from: valueStart + 1)
                guard valueStart < bytes.count, bytes[valueStart] == quote else {
                    // A checksum that is not a string: leave it to the loop, which treats it as any value.
                    index = valueStart
                    continue
                }
                let valueEnd = endOfString(from: valueStart)
                guard valueEnd <= bytes.count, bytes[valueEnd - 1] == quote, valueEnd - valueStart >= 2 else {
                    return .missing
                }
                if found != nil { return .duplicated }
                found = valueStart + 1..<valueEnd - 1
                index = valueEnd
            case UInt8(ascii: "{"):
                depth += 1
                if depth == 1 { topIsObject = true; expectingKey = true }
                index += 1
            case UInt8(ascii: "["):
                depth += 1
                index += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
                index += 1
                if depth == 0 { return found.map(Location.found) ?? .missing }
            case UInt8(ascii: ","):
                if depth == 1, topIsObject { expectingKey = true }
                index += 1
            default:
                // Colons, numbers, literals and white space.
                index += 1
            }
        }
        return found.map(Location.found) ?? .missing
    }

    /// `sha256:` and the hex digest of `bytes` with the value at `range` removed.
    public static func checksum(of bytes: [UInt8], blanking range: Range<Int>) -> String {
        var hash = SHA256()
        hash.update(bytes[..<range.lowerBound])
        hash.update(bytes[range.upperBound...])
        return prefix + hash.finalize().hex
    }

    /// Signs JSON text whose top-level checksum is blank: hashes it and writes the digest
    /// into the blank value. Nil when the text has no single blank top-level checksum.
    public static func sign(_ unsigned: [UInt8]) -> [UInt8]? {
        guard case .found(let range) = locate(in: unsigned), range.isEmpty else { return nil }
        var signed = unsigned
        signed.insert(contentsOf: Array(checksum(of: unsigned, blanking: range).utf8), at: range.lowerBound)
        return signed
    }

    /// Whether `value` has the form of a checksum: `sha256:` and 64 lower-case hex digits.
    public static func isWellFormed(_ value: some Collection<UInt8>) -> Bool {
        let digits = value.dropFirst(prefix.utf8.count)
        return value.starts(with: prefix.utf8) && digits.count == 2 * SHA256.digestByteCount
            && digits.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0)
                || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0) }
    }
}
