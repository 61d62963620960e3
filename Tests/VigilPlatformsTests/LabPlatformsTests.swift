import Testing
import VigilCore
import VigilTesting

@testable import VigilPlatforms

/// One lab world for the suite: building it generates the enterprise and 120 alerts.
let sharedWorld: LabWorld = try! LabWorld(alertCount: 120, clock: FakeClock())

@Suite("Lab platforms")
struct LabPlatformsTests {
    let world = sharedWorld
    var platforms: Platforms { world.platforms }

    func person(withDevice: Bool = true) -> String {
        world.enterprise.devices.first { $0.owner != nil }!.owner!
    }

    @Test func identityDocumentsFollowTheirSchemas() async throws {
        let login = person()
        let user = try await platforms.identity.user(login: login)
        try IdentityDocuments.user.validate(user["user"]!)
        #expect(user["user"]?["login"]?.stringValue == login)
        let factors = try await platforms.identity.mfaFactors(login: login)
        for factor in factors["factors"]?.arrayValue ?? [] { try IdentityDocuments.factor.validate(factor) }
        let groups = try await platforms.identity.groups(login: login)
        #expect(groups["groups"]?.arrayValue?.contains("everyone") == true)
    }

    @Test func unknownUserIsNotFoundNotACrash() async {
        await #expect(throws: PlatformError.notFound("user", "nobody@nowhere")) {
            try await platforms.identity.user(login: "nobody@nowhere")
        }
    }

    @Test func sessionsComeFromTheOktaLog() async throws {
        // A login that has session starts in the generated history.
        let page = try world.store.search(
            .init(filters: [.init(field: "action", value: "user.session.start")], limit: 1))
        let login = try #require(page.events.first?.actor)
        let sessions = try await platforms.identity.sessions(login: login, page: PageRequest(limit: 50))
        let items = try #require(sessions["sessions"]?.arrayValue)
        #expect(!items.isEmpty)
        for item in items { try IdentityDocuments.session.validate(item) }
    }

    @Test func suspendingChangesTheDirectoryAndSaysSo() async throws {
        let world = try LabWorld(alertCount: 5, clock: FakeClock())
        let login = world.enterprise.people[3].login
        let first = try await world.platforms.identity.suspendUser(login: login, reason: "test")
        #expect(first["changed"] == true)
        #expect(first["status"] == "SUSPENDED")
        let again = try await world.platforms.identity.suspendUser(login: login, reason: "test")
        #expect(again["changed"] == false)
        let user = try await world.platforms.identity.user(login: login)
        #expect(user["user"]?["status"] == "SUSPENDED")
        // Another world from the same seed starts clean.
        let fresh = try LabWorld(alertCount: 5, clock: FakeClock())
        #expect(try await fresh.platforms.identity.user(login: login)["user"]?["status"] != "SUSPENDED")
    }

    @Test func cloudPrincipalsAccountsAndResources() async throws {
        let account = world.enterprise.accounts[0]
        let document = try await platforms.cloud.account(id: account.id)
        try CloudDocuments.account.validate(document["account"]!)
        let byAlias = try await platforms.cloud.account(id: account.alias)
        #expect(byAlias["account"]?["id"]?.stringValue == account.id)

        let role = account.roles[0]
        let principal = try await platforms.cloud.principal(role.arn, account: nil)
        try CloudDocuments.principal.validate(principal["principal"]!)
        #expect(principal["principal"]?["type"] == "role")
        let assumed = "arn:aws:sts::\(account.id):assumed-role/\(role.name)/session-1"
        #expect(
            try await platforms.cloud.principal(assumed, account: nil)["principal"]?["arn"]?.stringValue == role.arn)

        let resource = try #require(account.resources.first)
        try CloudDocuments.resource.validate(
            try await platforms.cloud.resource(resource.name)["resource"]!)
        await #expect(throws: PlatformError.self) {
            try await platforms.cloud.principal("arn:aws:iam::1", account: nil)
        }
    }

    @Test func keyDeactivationAndDenyAllShowInThePrincipal() async throws {
        let world = try LabWorld(alertCount: 5, clock: FakeClock())
        let user = try #require(world.enterprise.accounts.flatMap(\.users).first { !$0.accessKeys.isEmpty })
        let key = user.accessKeys[0]
        let result = try await world.platforms.cloud.deactivateAccessKey(id: key.id)
        #expect(result["status"] == "Inactive")
        let denied = try await world.platforms.cloud.attachDenyAllPolicy(principal: user.arn)
        #expect(denied["changed"] == true)
        let principal = try await world.platforms.cloud.principal(user.arn, account: nil)
        #expect(
            principal["principal"]?["policies"]?.arrayValue?.contains(.string("arn:aws:iam::aws:policy/AWSDenyAll"))
                == true)
        let keys = principal["principal"]?["access_keys"]?.arrayValue ?? []
        #expect(keys.first { $0["id"]?.stringValue == key.id }?["status"] == "Inactive")
        await #expect(throws: PlatformError.notFound("access key", "AKIANOTAKEY000000000")) {
            try await world.platforms.cloud.deactivateAccessKey(id: "AKIANOTAKEY000000000")
        }
    }

    @Test func ipBaselineComparesAddressNetworkAndCountry() async throws {
        let baseline = try #require(
            world.enterprise.baselines.first { $0.entity.hasPrefix("user:") && !$0.ips.isEmpty })
        let login = String(baseline.entity.dropFirst("user:".count))
        let usual = try await platforms.cloud.checkIPBaseline(entity: login, ip: baseline.ips[0])
        try CloudDocuments.ipBaseline.validate(.object(usual))
        #expect(usual["verdict"] == "usual")
        let unknown = try await platforms.cloud.checkIPBaseline(entity: "nobody@x", ip: "198.51.100.1")
        #expect(unknown["verdict"] == "no_baseline")
        await #expect(throws: PlatformError.self) {
            try await platforms.cloud.checkIPBaseline(entity: login, ip: "not-an-ip")
        }
    }

    @Test func ticketsCanBeSearchedCreatedAndCommented() async throws {
        let world = try LabWorld(alertCount: 5, clock: FakeClock())
        let ticketing = world.platforms.ticketing
        let created = try await ticketing.create(
            type: "Incident", summary: "Suspicious console login", description: "details",
            entities: ["x@meridian.example"],
            labels: ["vigil"])
        try TicketingDocuments.ticket.validate(created["ticket"]!)
        let key = try #require(created["ticket"]?["key"]?.stringValue)
        let found = try await ticketing.search(TicketSearch(entity: "x@meridian.example", page: PageRequest(limit: 10)))
        #expect(found["tickets"]?.arrayValue?.first?["key"]?.stringValue == key)
        _ = try await ticketing.addComment(key: key, body: "first look")
        let updated = try await ticketing.updateStatus(key: key, status: "In Progress")
        #expect(updated["previous_status"] == "Open")
        let ticket = try await ticketing.ticket(key: key)
        #expect(ticket["ticket"]?["comments"]?.arrayValue?.count == 1)
        #expect(ticket["ticket"]?["status"] == "In Progress")
        await #expect(throws: PlatformError.self) { try await ticketing.updateStatus(key: key, status: "Whatever") }
        await #expect(throws: PlatformError.self) {
            try await ticketing.create(type: "Nope", summary: "s", description: "d", entities: [], labels: [])
        }
    }

    @Test func approvalsArePendingUntilDecidedAndExpire() async throws {
        let clock = FakeClock()
        let world = try LabWorld(alertCount: 5, clock: clock)
        let collaboration = world.platforms.collaboration
        let requested = try await collaboration.requestApproval(
            action: "suspend_user x", reason: "r", approvers: "#security")
        try CollaborationDocuments.approval.validate(requested["approval"]!)
        let id = try #require(requested["approval"]?["id"]?.stringValue)
        try await world.state.decide(approval: id, approved: true, by: "lead@meridian.example")
        #expect(try await collaboration.approval(id: id)["approval"]?["status"] == "approved")
        await #expect(throws: PlatformError.self) {
            try await world.state.decide(approval: id, approved: false, by: "x")
        }

        let second = try await collaboration.requestApproval(action: "a", reason: "r", approvers: "#security")
        let secondID = try #require(second["approval"]?["id"]?.stringValue)
        clock.advance(seconds: LabState.approvalLifetimeSeconds + 1)
        #expect(try await collaboration.approval(id: secondID)["approval"]?["status"] == "expired")
        await #expect(throws: PlatformError.notFound("channel", "#nowhere")) {
            try await collaboration.postMessage(channel: "#nowhere", text: "hi")
        }
    }

    @Test func vulnerabilityAndEndpointDocuments() async throws {
        let exposed = try await platforms.vulnerability.exposedAssets(minimumCVSS: 7, page: PageRequest(limit: 100))
        let assets = try #require(exposed["assets"]?.arrayValue)
        #expect(!assets.isEmpty)
        for asset in assets { try VulnerabilityDocuments.exposed.validate(asset) }
        let scores = assets.compactMap { $0["max_cvss"]?.doubleValue }
        #expect(scores == scores.sorted(by: >))
        let cve = try await platforms.vulnerability.cve(id: "cve-2021-44228")
        try VulnerabilityDocuments.cve.validate(cve["cve"]!)

        let device = try #require(world.enterprise.devices.first { $0.owner != nil })
        let byName = try await platforms.endpoint.device(device.hostname.lowercased())
        try EndpointDocuments.device.validate(byName["device"]!)
        #expect(byName["device"]?["id"]?.stringValue == device.id)
        let owned = try await platforms.endpoint.devices(ownedBy: device.owner!)
        #expect(owned["devices"]?.arrayValue?.contains { $0["id"]?.stringValue == device.id } == true)
    }

    @Test func pagesAreCappedWithACursorAndANote() throws {
        let items: [JSONValue] = (0..<30).map {
            .object(["n": .int(Int64($0)), "pad": .string(String(repeating: "x", count: 100))])
        }
        let first = try Page.make(items, key: "items", noun: "items", request: PageRequest(limit: 10))
        #expect(first["items"]?.arrayValue?.count == 10)
        #expect(first["next_cursor"] == "o10")
        #expect(first["truncated"] == true)
        #expect(first["note"]?.stringValue?.contains("1–10 of 30") == true)
        let last = try Page.make(items, key: "items", noun: "items", request: PageRequest(limit: 25, cursor: "o10"))
        #expect(last["items"]?.arrayValue?.count == 20)
        #expect(last["next_cursor"] == .null)
        #expect(last["truncated"] == false)
        // The byte budget cuts before the count limit.
        let small = try Page.make(items, key: "items", noun: "items", request: PageRequest(limit: 30), byteBudget: 500)
        #expect(small["items"]?.arrayValue?.count == 4)
        #expect(small["next_cursor"] == "o4")
        #expect(throws: PlatformError.self) {
            try Page.make(items, key: "items", noun: "items", request: PageRequest(limit: 5, cursor: "bogus"))
        }
        #expect(throws: PlatformError.self) {
            try Page.make(items, key: "items", noun: "items", request: PageRequest(limit: 5, cursor: "o99"))
        }
    }

    @Test func principalActivityCountsOnlyFailuresAsErrors() async throws {
        let page = try world.store.search(
            .init(filters: [.init(field: "log_type", value: "AWS.CloudTrail")], limit: 200))
        let actor = try #require(page.events.compactMap(\.actor).first { $0.contains(":user/") })
        let activity = try await platforms.cloud.principalActivity(actor, window: TimeWindow())
        try CloudDocuments.activity.validate(.object(activity))
        let failures = try world.store.counts(by: "outcome", .init(filters: [.init(field: "actor", value: actor)]))
            .filter { $0.value != nil && $0.value != "Success" }.reduce(0) { $0 + $1.count }
        #expect(activity["errors"] == .int(Int64(failures)))
        #expect((activity["total"]?.intValue ?? 0) > (activity["errors"]?.intValue ?? 0))
    }
}
