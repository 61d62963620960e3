import Testing
import VigilCore

@Suite("RFC 3339 timestamps")
struct TimestampTests {
    @Test(arguments: [
        ("2026-11-02T09:14:07Z", Int64(1_793_610_847_000)),
        ("2026-11-02T09:14:07.250Z", 1_793_610_847_250),
        ("2026-11-02T11:14:07.25+02:00", 1_793_610_847_250),
        ("2026-11-02T04:14:07-05:00", 1_793_610_847_000),
        ("2026-11-02 09:14:07.250123456", 1_793_610_847_250),
        ("2026-11-02t09:14:07z", 1_793_610_847_000),
        ("1970-01-01T00:00:00Z", 0),
        ("2024-02-29T23:59:59Z", 1_709_251_199_000),
    ])
    func parses(text: String, millis: Int64) {
        #expect(Timestamp(rfc3339: text)?.millisecondsSinceEpoch == millis)
    }

    @Test(arguments: [
        "2026-02-30T00:00:00Z", "2026-13-01T00:00:00Z", "2026-11-02", "2026-11-02T25:00:00Z", "yesterday",
        "2026-11-02T09:14:07.Z", "2026-11-02T09:14:07+0200", "2025-02-29T00:00:00Z",
    ])
    func rejects(text: String) {
        #expect(Timestamp(rfc3339: text) == nil)
    }

    @Test func formatsAndRoundTrips() throws {
        let t = Timestamp(millisecondsSinceEpoch: 1_793_610_847_250)
        #expect(t.rfc3339(fractionalSeconds: false) == "2026-11-02T09:14:07Z")
        #expect(t.description == "2026-11-02T09:14:07.250Z")
        #expect(try roundTrip(t) == t)
        let before1970 = Timestamp(millisecondsSinceEpoch: -1)
        #expect(before1970.description == "1969-12-31T23:59:59.999Z")
        #expect(Timestamp(rfc3339: before1970.description) == before1970)
    }

    @Test func localHourAndWeekday() {
        // 2026-11-02 was a Monday.
        let t = Timestamp(rfc3339: "2026-11-02T09:30:00Z")!
        #expect(t.localHourAndWeekday(offsetHours: 0) == (9, 0))
        #expect(t.localHourAndWeekday(offsetHours: -10) == (23, 6))
    }
}
