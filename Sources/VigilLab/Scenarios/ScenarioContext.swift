import VigilCore

/// What a scenario draws on: the enterprise, a random stream of its own, the alert's day, and helpers
/// that build vendor events the way the real platforms write them.
struct ScenarioContext {
    let enterprise: Enterprise
    /// The alert's position in its stream (ticket keys derive from it, so they never collide).
    let index: Int
    var rng: SeededGenerator
    /// Midnight UTC of the day the activity happens.
    let day: Timestamp
    var tickets: [Ticket] = []

    init(enterprise: Enterprise, index: Int, rng: SeededGenerator, day: Timestamp) {
        self.enterprise = enterprise
        self.index = index
        self.rng = rng
        self.day = day
    }

    // MARK: People and places

    mutating func person(_ filter: (Person) -> Bool = { _ in true }) -> Person {
        let people = enterprise.people
        let candidates = people.indices.filter { people[$0].status == .active && filter(people[$0]) }
        return people[candidates.isEmpty ? rng.below(people.count) : rng.pick(candidates)]
    }

    mutating func person(inGroup group: String) -> Person { person { $0.groups.contains(group) } }

    func office(of person: Person) -> Office { enterprise.office(named: person.office)! }

    func primaryDevice(of person: Person) -> Device { enterprise.device(id: person.devices[0])! }

    /// A time during the person's working hours on the alert's day.
    mutating func workingHours(_ person: Person) -> Timestamp {
        let hour = rng.int(in: person.workStartHour...(person.workEndHour - 1))
        return localTime(person, hour: hour)
    }

    /// A time at `hour` local to the person on the alert's day.
    mutating func localTime(_ person: Person, hour: Int) -> Timestamp {
        let utcHour = Int64(hour - person.utcOffsetHours)
        return day.adding(seconds: utcHour * 3600 + Int64(rng.below(3600)))
    }

    mutating func utcTime(hours: ClosedRange<Int>) -> Timestamp {
        day.adding(seconds: Int64(rng.int(in: hours)) * 3600 + Int64(rng.below(3600)))
    }

    /// Where the person usually connects from: the office, home, or the corporate VPN.
    mutating func usualConnection(_ person: Person) -> (ip: String, network: NetworkLocation) {
        let office = office(of: person)
        switch rng.below(3) {
        case 0: return (office.network.address(rng.int(in: 1...2)), office.network)
        case 1: return (person.homeIP, person.homeNetwork)
        default: return (office.vpnNetwork.address(5), office.vpnNetwork)
        }
    }

    mutating func hostileConnection(
        _ kinds: Set<NetworkLocation.Kind> = [.hosting, .vpn, .tor]
    ) -> (ip: String, network: NetworkLocation) {
        let network = rng.pick(LabCatalog.hostile.filter { kinds.contains($0.kind) })
        return (network.address(rng.below(50_000)), network)
    }

    mutating func hostileForeign() -> (ip: String, network: NetworkLocation) {
        let network = rng.pick(LabCatalog.hostile.filter { $0.countryCode != "US" })
        return (network.address(rng.below(50_000)), network)
    }

    // MARK: Records

    mutating func ticket(
        _ project: String, type: String, summary: String, description: String, reporter: String, assignee: String?,
        labels: [String], entities: [String], created: Timestamp, status: String
    ) -> Ticket {
        let t = Ticket(
            key: "\(project)-\(100_000 + index * 4 + tickets.count)", type: type, summary: summary,
            description: description,
            status: status, reporter: reporter, assignee: assignee, created: created,
            updated: created.adding(seconds: Int64(rng.int(in: 300...7200))), labels: labels, entities: entities)
        tickets.append(t)
        return t
    }

    mutating func cloudTrail(_ record: CloudTrailRecord) -> JSONValue { record.json(&rng) }

    mutating func okta(_ record: OktaRecord) -> JSONValue { record.json(&rng) }

    mutating func roleSession(
        _ role: IAMRole, in account: CloudAccount, session: String, mfa: Bool = false, issued: Timestamp
    ) -> CloudTrailIdentity {
        .assumedRole(
            role, accountID: account.id, session: session, accessKeyID: "ASIA" + rng.awsID(16), mfa: mfa, issued: issued
        )
    }

    func ssoRole(_ account: CloudAccount, _ permissionSet: String) -> IAMRole {
        account.roles.first { $0.name.hasPrefix("AWSReservedSSO_\(permissionSet)_") }!
    }

    /// An Okta sign-in: the session start, with MFA verified.
    mutating func oktaLogin(
        _ person: Person, at time: Timestamp, ip: String, network: NetworkLocation, userAgent: String,
        session: String, outcome: String = "SUCCESS", reason: String? = nil, behaviors: String? = nil
    ) -> JSONValue {
        var debug: JSONObject = [:]
        if let behaviors { debug["behaviors"] = .string(behaviors) }
        return okta(
            OktaRecord(
                time: time, eventType: "user.session.start",
                legacyEventType: outcome == "SUCCESS" ? "core.user_auth.login_success" : "core.user_auth.login_failed",
                displayMessage: "User login to Okta", severity: outcome == "SUCCESS" ? "INFO" : "WARN",
                actor: OktaRecord.actor(person),
                client: OktaRecord.client(ip: ip, network: network, userAgent: userAgent),
                outcome: outcome, reason: reason, sessionID: session, requestURI: "/idp/idx/identify", debugData: debug,
                credentialType: "PASSWORD"))
    }

    mutating func oktaMFA(
        _ person: Person, at time: Timestamp, ip: String, network: NetworkLocation, userAgent: String, session: String
    ) -> JSONValue {
        okta(
            OktaRecord(
                time: time, eventType: "user.authentication.auth_via_mfa",
                legacyEventType: "core.user.factor.attempt_success",
                displayMessage: "Authentication of user via MFA", actor: OktaRecord.actor(person),
                client: OktaRecord.client(ip: ip, network: network, userAgent: userAgent), outcome: "SUCCESS",
                sessionID: session, requestURI: "/idp/idx/challenge/answer", debugData: ["factor": "OKTA_VERIFY_PUSH"],
                authenticationStep: 0, credentialType: "OKTA_VERIFY_PUSH"))
    }

    /// An administrator resets all of a person's MFA factors from the admin console.
    mutating func oktaFactorReset(
        of person: Person, by admin: Person, at time: Timestamp, from network: NetworkLocation
    ) -> JSONValue {
        okta(
            OktaRecord(
                time: time, eventType: "user.mfa.factor.reset_all", legacyEventType: "core.user.factor.reset_all",
                displayMessage: "Reset all factors for user", actor: OktaRecord.actor(admin),
                client: OktaRecord.client(ip: network.address(2), network: network, userAgent: UserAgents.chromeMac),
                outcome: "SUCCESS", targets: [OktaRecord.userTarget(person)], sessionID: oktaSession(),
                requestURI: "/api/v1/users/\(person.id)/lifecycle/reset_factors"))
    }

    enum Factor {
        case oktaVerifyPush, googleAuthenticator

        var displayName: String { self == .oktaVerifyPush ? "Okta Verify Push" : "Google Authenticator" }
        var debugName: JSONValue { self == .oktaVerifyPush ? "OKTA_VERIFY_PUSH" : "GOOGLE_OTP" }
    }

    /// A person enrolls a new MFA factor.
    mutating func oktaFactorActivated(
        _ person: Person, factor: Factor, at time: Timestamp, ip: String, network: NetworkLocation, userAgent: String,
        session: String
    ) -> JSONValue {
        okta(
            OktaRecord(
                time: time, eventType: "user.mfa.factor.activate", legacyEventType: "core.user.factor.activate",
                displayMessage: "User set up \(factor.displayName) factor", actor: OktaRecord.actor(person),
                client: OktaRecord.client(ip: ip, network: network, userAgent: userAgent), outcome: "SUCCESS",
                targets: [OktaRecord.userTarget(person)], sessionID: session, requestURI: "/idp/authenticators/enroll",
                debugData: ["factor": factor.debugName]))
    }

    /// A person rejects an Okta Verify push.
    mutating func oktaPushDenied(
        _ person: Person, at time: Timestamp, ip: String, network: NetworkLocation, userAgent: String, session: String
    ) -> JSONValue {
        okta(
            OktaRecord(
                time: time, eventType: "user.mfa.okta_verify.deny_push",
                legacyEventType: "core.user.factor.attempt_fail",
                displayMessage: "User rejected Okta push verify", severity: "WARN", actor: OktaRecord.actor(person),
                client: OktaRecord.client(ip: ip, network: network, userAgent: userAgent), outcome: "FAILURE",
                reason: "User rejected Okta push verify", sessionID: session, requestURI: "/idp/idx/authenticators/poll"
            ))
    }

    /// An S3 `GetObject` data event.
    mutating func s3GetObject(
        at time: Timestamp, by identity: CloudTrailIdentity, bucket: String, key: String, accountID: String,
        sourceIP: String, userAgent: String, bytes: ClosedRange<Int>
    ) -> JSONValue {
        let host = "\(bucket).s3.us-east-1.amazonaws.com"
        var additional: JSONObject = ["bytesTransferredOut": .int(Int64(rng.int(in: bytes)))]
        additional["x-amz-id-2"] = .string(rng.alphanumeric(56))
        return cloudTrail(
            CloudTrailRecord(
                time: time, identity: identity, eventSource: "s3.amazonaws.com", eventName: "GetObject",
                region: "us-east-1", sourceIP: sourceIP, userAgent: userAgent,
                requestParameters: ["bucketName": .string(bucket), "Host": .string(host), "key": .string(key)],
                readOnly: true, resources: CloudTrailRecord.s3Resources(bucket: bucket, key: key, accountID: accountID),
                additionalEventData: .object(additional), dataEvent: true))
    }

    mutating func oktaSession() -> String { "102" + rng.alphanumeric(22) }

    /// Okta's risk-behaviour string in `debugData.behaviors`.
    static func behaviors(newGeo: Bool, newDevice: Bool, newIP: Bool, newCity: Bool) -> String {
        func v(_ b: Bool) -> String { b ? "POSITIVE" : "NEGATIVE" }
        return
            "{New Geo-Location=\(v(newGeo)), New Device=\(v(newDevice)), New IP=\(v(newIP)), New State=\(v(newGeo)), New Country=\(v(newGeo)), Velocity=NEGATIVE, New City=\(v(newCity))}"
    }
}
