import Foundation

/// The head of one HTTP request (request line and header fields), read within fixed limits
/// before the preview's HTTP library sees a byte of it.
///
/// FlyingFox reads a line byte by byte and checks the whole line read so far after each byte,
/// with no limit on its length: a 100 KB request line costs seconds of CPU and a megabyte runs
/// away. `RequestHead.Scanner` looks at each byte once and stops at the limits, so a request
/// that exceeds them costs no more than the limits themselves.
struct RequestHead: Equatable {
    /// The longest request line taken, in bytes with its line ending (`414 URI Too Long` past it).
    static let maxRequestLine = 8 * 1024
    /// The most bytes of header fields taken after the request line (`431` past it).
    static let maxHeaderFields = 64 * 1024

    var method: String
    var target: String
    var version: String
    /// The header fields in order, names as written.
    var fields: [(name: String, value: String)]

    static func == (a: RequestHead, b: RequestHead) -> Bool {
        a.method == b.method && a.target == b.target && a.version == b.version
            && a.fields.map(\.name) == b.fields.map(\.name) && a.fields.map(\.value) == b.fields.map(\.value)
    }

    /// The values of the fields named `name` (case-insensitive, as HTTP names are).
    func values(of name: String) -> [String] {
        fields.filter { $0.name.lowercased() == name.lowercased() }.map(\.value)
    }

    /// Why a request's head is refused: the status to answer and the reason, for a person.
    struct Refusal: Error, Equatable {
        var status: Int
        var reason: String

        static let lineTooLong = Refusal(
            status: 414, reason: "the request line is longer than \(RequestHead.maxRequestLine / 1024) KB")
        static let fieldsTooLarge = Refusal(
            status: 431, reason: "the header fields are larger than \(RequestHead.maxHeaderFields / 1024) KB")
        static let malformed = Refusal(status: 400, reason: "the request line is not 'METHOD TARGET HTTP/1.x'")
    }

    /// Finds the end of a head in bytes as they arrive, looking at each byte once.
    struct Scanner {
        /// Everything fed so far (the head, and any bytes after it).
        private(set) var bytes: [UInt8] = []
        private var scanned = 0
        private var requestLineEnd: Int?
        private var lineStart = 0

        /// Where a head ends: nil while it has not ended, the index just past its empty line
        /// once it has; throws when a limit is passed.
        mutating func feed(_ chunk: some Collection<UInt8>) throws(Refusal) -> Int? {
            bytes.append(contentsOf: chunk)
            while scanned < bytes.count {
                let index = scanned
                scanned += 1
                guard bytes[index] == UInt8(ascii: "\n") else { continue }
                let line = lineStart..<index
                lineStart = index + 1
                guard let requestLineEnd else {
                    if lineStart > RequestHead.maxRequestLine { throw .lineTooLong }
                    requestLineEnd = lineStart
                    continue
                }
                // The empty line (bare or with its CR) ends the head.
                if line.isEmpty || (line.count == 1 && bytes[line.lowerBound] == UInt8(ascii: "\r")) {
                    if lineStart - requestLineEnd > RequestHead.maxHeaderFields { throw .fieldsTooLarge }
                    return lineStart
                }
            }
            if let requestLineEnd {
                if bytes.count - requestLineEnd > RequestHead.maxHeaderFields { throw .fieldsTooLarge }
            } else if bytes.count > RequestHead.maxRequestLine {
                throw .lineTooLong
            }
            return nil
        }
    }

    /// The head in `bytes` (as `Scanner` delimited it: lines ending in LF or CRLF, then an
    /// empty line). A field line without a colon is refused, as is a request line that is not
    /// three words.
    static func parse(_ bytes: ArraySlice<UInt8>) throws(Refusal) -> RequestHead {
        var lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map { line in
            String(decoding: line.last == UInt8(ascii: "\r") ? line.dropLast() : line, as: UTF8.self)
        }
        while lines.last?.isEmpty == true { lines.removeLast() }
        guard let requestLine = lines.first else { throw .malformed }
        let words = requestLine.split(separator: " ", omittingEmptySubsequences: true)
        guard words.count == 3, words[2].hasPrefix("HTTP/") else { throw .malformed }
        var fields: [(name: String, value: String)] = []
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":"), colon != line.startIndex else {
                throw Refusal(status: 400, reason: "a header line has no 'name: value'")
            }
            fields.append((String(line[..<colon]),
                           line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
        }
        return RequestHead(method: String(words[0]), target: String(words[1]), version: String(words[2]), fields: fields)
    }
}
