import Testing
import VigilCore
import VigilSIEM
import VigilTesting

@testable import VigilPlatforms

@Suite("SIEM over the event store")
struct EventStoreSIEMTests {
    let world = sharedWorld
    var siem: any SIEMPlatform { world.platforms.siem }

    @Test func alertsAreServedWithTheirEvents() async throws {
        let generated = world.alerts[0].alert
        let document = try await siem.alert(id: generated.id)
        try SIEMDocuments.alert.validate(document["alert"]!)
        #expect(document["alert"]?["event_count"] == .int(Int64(generated.events.count)))
        await #expect(throws: PlatformError.notFound("alert", "missing")) { try await siem.alert(id: "missing") }
    }

    @Test func searchPagesThroughEveryMatchOnce() async throws {
        var cursor: String?
        var seen = Set<Int64>()
        var total = 0
        repeat {
            let page = try await siem.searchEvents(
                EventSearch(filters: [("log_type", "AWS.CloudTrail")], page: PageRequest(limit: 40, cursor: cursor)))
            for event in page["events"]?.arrayValue ?? [] {
                try SIEMDocuments.event.validate(event)
                #expect(seen.insert(event["id"]!.intValue!).inserted)
            }
            total = Int(page["total"]?.intValue ?? 0)
            cursor = page["next_cursor"]?.stringValue
            if cursor != nil { #expect(page["note"]?.stringValue?.contains("cursor") == true) }
        } while cursor != nil
        #expect(seen.count == total)
        #expect(total > 40)
    }

    @Test func badFiltersAndCursorsAreArgumentErrors() async {
        await #expect(throws: PlatformError.self) {
            try await siem.searchEvents(EventSearch(filters: [("password", "x")], page: PageRequest(limit: 5)))
        }
        do {
            _ = try await siem.searchEvents(EventSearch(page: PageRequest(limit: 5, cursor: "nonsense")))
            Issue.record("a bad cursor was accepted")
        } catch let error as PlatformError {
            #expect(error.argument == "cursor")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func activityAndFirstSeenAgreeWithTheStore() async throws {
        let page = try world.store.search(.init(filters: [.init(field: "log_type", value: "Okta.SystemLog")], limit: 1))
        let event = try #require(page.events.first)
        let actor = try #require(event.actor)
        let activity = try await siem.entityActivity(kind: .user, entity: actor, window: TimeWindow())
        try SIEMDocuments.activity.validate(.object(activity))
        let sighting = try world.store.sighting(.init(filters: [.init(field: "actor", value: actor)]))
        #expect(activity["total"] == .int(Int64(sighting.count)))
        #expect(activity["by_country"]?.arrayValue?.isEmpty == false)

        let ip = try #require(event.sourceIP)
        let seen = try await siem.firstSeen(FirstSeenQuery(kind: .user, entity: actor, sourceIP: ip))
        try SIEMDocuments.firstSeen.validate(.object(seen))
        #expect(seen["seen_before"] == true)
        let before = try await siem.firstSeen(
            FirstSeenQuery(kind: .user, entity: actor, sourceIP: ip, before: Timestamp(millisecondsSinceEpoch: 0)))
        #expect(before["seen_before"] == false)
        let country = try #require(activity["by_country"]?[0]?["country"]?.stringValue)
        let byCountry = try await siem.firstSeen(FirstSeenQuery(kind: .user, entity: actor, country: country))
        #expect(byCountry["seen_before"] == true)
        let elsewhere = try await siem.firstSeen(FirstSeenQuery(kind: .user, entity: actor, country: "AQ"))
        #expect(elsewhere["seen_before"] == false)
    }

    @Test func relatedAlertsShareAnEntity() async throws {
        let alert = try #require(
            world.alerts.map(\.alert).first { a in
                world.alerts.contains {
                    $0.alert.id != a.id
                        && !Set($0.alert.entities.map(\.id)).isDisjoint(
                            with: a.entities.filter { $0.kind != .cloudAccount }.map(\.id))
                }
            })
        let related = try await siem.relatedAlerts(
            alertID: alert.id, kind: nil, entity: nil, window: TimeWindow(), page: PageRequest(limit: 50))
        let items = try #require(related["alerts"]?.arrayValue)
        #expect(!items.isEmpty)
        #expect(!items.contains { $0["id"]?.stringValue == alert.id })
        for item in items { try SIEMDocuments.alertSummary.validate(item) }
    }
}
