import NotebookResults
import Testing

@Suite struct SignificantDigitsTests {
    @Test(arguments: [
        (0.16201, "0.1620"),
        (244.1512, "244.15"),
        (1234.5678, "1234.57"),
        (12.3456, "12.35"),
        (0.00123456, "0.001235"),
        (3.14159, "3.142"),
        (99_999.999, "100000.00"),
        (123_456_789.0, "123456789.00"),
        (1, "1.000"),
        (10, "10.00"),
        (0.5, "0.5000"),
        (0, "0.000"),
        (-0.0, "0.000"),
        (-244.1512, "-244.15"),
        (-0.00001234, "-0.00001234"),
        (-0.0000001, "-1.000e-07"),
        (9.99996, "10.00"),
        (0.099996, "0.1000"),
        (1.5e16, "1.500e+16"),
        (2.5e-7, "2.500e-07"),
    ])
    func fourSignificantDigitsAndAtLeastTwoDecimals(value: Double, text: String) {
        #expect(SignificantDigits.format(value) == text)
    }

    @Test func nonFiniteValuesAreADash() {
        #expect(SignificantDigits.format(.nan) == "—")
        #expect(SignificantDigits.format(.infinity) == "—")
        #expect(SignificantDigits.format(-.infinity) == "—")
    }

    @Test func otherDigitCounts() {
        #expect(SignificantDigits.format(0.16201, digits: 2) == "0.16")
        #expect(SignificantDigits.format(0.16201, digits: 6) == "0.162010")
        #expect(SignificantDigits.format(244.1512, digits: 6) == "244.151")
        #expect(SignificantDigits.format(-0.0001, digits: 2) == "-0.00010")
        #expect(SignificantDigits.format(-0.001, digits: 0) == "-0.001", "at least one digit")
    }
}
