import Foundation
import InternetMessage
import Testing

@Suite("RFC 5322 dates")
struct DateFormatTests {
    @Test(
        "dates are written in UTC with English names",
        arguments: [
            (1_795_687_200.0, "Thu, 26 Nov 2026 10:00:00 +0000"),
            (0, "Thu, 01 Jan 1970 00:00:00 +0000"),
            (-1, "Wed, 31 Dec 1969 23:59:59 +0000"),
            (951_827_696.999, "Tue, 29 Feb 2000 12:34:56 +0000"),
            (4_102_444_799, "Thu, 31 Dec 2099 23:59:59 +0000"),
            (-2_208_988_800, "Mon, 01 Jan 1900 00:00:00 +0000"),
            (.infinity, "Fri, 31 Dec 9999 23:59:59 +0000"),
            (-.infinity, "Mon, 01 Jan 0001 00:00:00 +0000"),
        ])
    func formatted(seconds: Double, expected: String) {
        #expect(EmailMessage.rfc5322Date(Date(timeIntervalSince1970: seconds)) == expected)
    }

    @Test("every day of a leap year and its neighbours matches Foundation's Gregorian calendar")
    func agreesWithCalendar() throws {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = try #require(TimeZone(secondsFromGMT: 0))
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.calendar = calendar
        formatter.timeZone = calendar.timeZone
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        let start = 1_704_067_200  // 2024-01-01
        for day in stride(from: -400, through: 800, by: 1) {
            let date = Date(timeIntervalSince1970: Double(start + day * 86_400 + 45_296))
            #expect(EmailMessage.rfc5322Date(date) == formatter.string(from: date))
        }
    }
}
