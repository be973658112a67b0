import Foundation

/// The JSON form of results (a run, a block's outputs): what the cache stores and what a
/// page can be rendered from without the engine.
///
/// Keys are sorted so equal values give equal bytes; non-finite numbers (a diverged loss in
/// a chart) are written as the strings `nan`, `inf` and `-inf`, which plain JSON lacks.
public enum ResultsJSON {
    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf",
                                                                      nan: "nan")
        return encoder
    }

    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf",
                                                                        nan: "nan")
        return decoder
    }
}
