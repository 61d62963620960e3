import Foundation
import VigilCore

/// Benign identity and endpoint activity that fires detections: people working, travelling, fumbling.
enum BenignIdentityScenarios {
    static let all: [Scenario] = [
        newVPNEgress, businessTravel, newDeviceEnrollment, adminWork, passwordReset, typoFailedLogins, pushRetry,
        sanctionedPowerShell, agentHeartbeat,
    ]

    static let newVPNEgress = Scenario(
        id: "new_vpn_egress", label: .benign, weight: 9, hard: false,
        summary: "A sign-in from a new corporate VPN egress address"
    ) { ctx in
        let person = ctx.person()
        let office = ctx.office(of: person)
        let time = ctx.workingHours(person)
        let ip = office.vpnNetwork.address(ctx.rng.int(in: 12...28))
        let ua = UserAgents.browser(for: ctx.primaryDevice(of: person).platform)
        let session = ctx.oktaSession()
        let events = [
            ctx.oktaLogin(
                person, at: time, ip: ip, network: office.vpnNetwork, userAgent: ua, session: session,
                behaviors: ScenarioContext.behaviors(newGeo: false, newDevice: false, newIP: true, newCity: false)),
            ctx.oktaMFA(
                person, at: time.adding(seconds: 9), ip: ip, network: office.vpnNetwork, userAgent: ua, session: session
            ),
        ]
        return AlertDraft(
            rule: .newIP, title: "\(person.login) signed in from new address \(ip)", events: events,
            context: ["ip": .string(ip)],
            rationale:
                "The address is in the corporate VPN egress range (AS\(office.vpnNetwork.asn)); known device, MFA passed, working hours."
        )
    }

    static let businessTravel = Scenario(
        id: "business_travel", label: .benign, weight: 8, hard: false,
        summary: "A sign-in from abroad while on a notified business trip"
    ) { ctx in
        let person = ctx.person { $0.frequentTraveller }
        let destination = ctx.rng.pick(
            LabCatalog.travel.filter { $0.countryCode != ctx.office(of: person).network.countryCode && $0.kind != .vpn }
        )
        let time = ctx.utcTime(hours: 6...20)
        let notice = ctx.ticket(
            "IT", type: "Travel Notice",
            summary: "Travel notice: \(person.displayName) to \(destination.city), \(destination.country)",
            description: "Customer visits in \(destination.city). Travelling with my company laptop and phone.",
            reporter: person.login, assignee: nil, labels: ["travel", destination.countryCode],
            entities: [person.login, destination.countryCode],
            created: time.adding(seconds: -86_400 * Int64(ctx.rng.int(in: 3...14))), status: "Done")
        let ip = destination.address(ctx.rng.below(60_000))
        let ua = UserAgents.browser(for: ctx.primaryDevice(of: person).platform)
        let session = ctx.oktaSession()
        let events = [
            ctx.oktaLogin(
                person, at: time, ip: ip, network: destination, userAgent: ua, session: session,
                behaviors: ScenarioContext.behaviors(newGeo: true, newDevice: false, newIP: true, newCity: true)),
            ctx.oktaMFA(
                person, at: time.adding(seconds: 14), ip: ip, network: destination, userAgent: ua, session: session),
        ]
        return AlertDraft(
            rule: .newCountry, title: "\(person.login) signed in from \(destination.country)", events: events,
            context: ["country": .string(destination.country), "asn": .int(Int64(destination.asn))],
            rationale:
                "Travel notice \(notice.key) covers \(destination.city); the sign-in used the person's known device and passed push MFA, with no sign-in from home in between."
        )
    }

    static let newDeviceEnrollment = Scenario(
        id: "new_device_enrollment", label: .benign, weight: 7, hard: false,
        summary: "Okta Verify enrolled on a replacement phone after an IT ticket"
    ) { ctx in
        let person = ctx.person()
        let it = ctx.person(inGroup: "it-admins")
        let time = ctx.workingHours(person)
        let request = ctx.ticket(
            "IT", type: "Service Request", summary: "New phone for Okta Verify - \(person.displayName)",
            description: "Old phone replaced. Please reset my Okta Verify enrolment.", reporter: person.login,
            assignee: it.login, labels: ["mfa", "helpdesk"], entities: [person.login],
            created: time.adding(seconds: -5400), status: "Done")
        let office = ctx.office(of: person)
        let ip = office.network.address(1)
        let events = [
            ctx.oktaFactorReset(of: person, by: it, at: time.adding(seconds: -600), from: office.network),
            ctx.oktaFactorActivated(
                person, factor: .oktaVerifyPush, at: time, ip: ip, network: office.network,
                userAgent: UserAgents.oktaVerifyIOS, session: ctx.oktaSession()),
        ]
        return AlertDraft(
            rule: .factorChange, title: "MFA factors reset and re-enrolled for \(person.login)", events: events,
            context: ["factor": "OKTA_VERIFY_PUSH"],
            rationale:
                "IT (\(it.login)) reset the factors under ticket \(request.key); the user enrolled the new phone from the office network minutes later."
        )
    }

    static let adminWork = Scenario(
        id: "admin_okta_work", label: .benign, weight: 6, hard: false,
        summary: "An IT administrator grants a help-desk role to a new IT hire"
    ) { ctx in
        let admin = ctx.person(inGroup: "okta-admins")
        let target = ctx.person { $0.department == "IT" && $0.login != admin.login }
        let time = ctx.workingHours(admin)
        let request = ctx.ticket(
            "IT", type: "Access Request", summary: "Help Desk Administrator role for \(target.displayName)",
            description: "Approved by the IT manager for on-call coverage.", reporter: target.login,
            assignee: admin.login, labels: ["access-request", "okta"], entities: [target.login, admin.login],
            created: time.adding(seconds: -7200), status: "Done")
        let (ip, network) = (ctx.office(of: admin).network.address(1), ctx.office(of: admin).network)
        let events = [
            ctx.okta(
                OktaRecord(
                    time: time, eventType: "user.account.privilege.grant",
                    legacyEventType: "core.user.admin_privilege.granted", displayMessage: "Grant user privilege",
                    actor: OktaRecord.actor(admin),
                    client: OktaRecord.client(
                        ip: ip, network: network,
                        userAgent: UserAgents.browser(for: ctx.primaryDevice(of: admin).platform)), outcome: "SUCCESS",
                    targets: [OktaRecord.userTarget(target)], sessionID: ctx.oktaSession(),
                    requestURI: "/api/internal/administrators/\(target.id)",
                    debugData: ["privilegeGranted": "Help Desk Administrator"]))
        ]
        return AlertDraft(
            rule: .adminGrant, title: "\(admin.login) granted Help Desk Administrator to \(target.login)",
            events: events, context: ["privilege": "Help Desk Administrator"],
            rationale:
                "An Okta administrator, from the office in working hours, granted a scoped role to an IT colleague under approved request \(request.key)."
        )
    }

    static let passwordReset = Scenario(
        id: "password_reset_self_service", label: .benign, weight: 6, hard: false,
        summary: "A self-service password reset followed by a normal sign-in"
    ) { ctx in
        let person = ctx.person()
        let time = ctx.workingHours(person)
        let (ip, network) = ctx.usualConnection(person)
        let ua = UserAgents.browser(for: ctx.primaryDevice(of: person).platform)
        let session = ctx.oktaSession()
        let events = [
            ctx.okta(
                OktaRecord(
                    time: time, eventType: "user.account.reset_password",
                    legacyEventType: "core.user.config.password_reset",
                    displayMessage: "Fired when the user's Okta password is reset", actor: OktaRecord.actor(person),
                    client: OktaRecord.client(ip: ip, network: network, userAgent: ua), outcome: "SUCCESS",
                    targets: [OktaRecord.userTarget(person)], sessionID: session, requestURI: "/idp/idx/recover")),
            ctx.oktaFactorActivated(
                person, factor: .googleAuthenticator, at: time.adding(seconds: 40), ip: ip, network: network,
                userAgent: ua, session: session),
            ctx.oktaLogin(
                person, at: time.adding(seconds: 70), ip: ip, network: network, userAgent: ua, session: session),
        ]
        return AlertDraft(
            rule: .factorChange, title: "Password reset and new MFA factor for \(person.login)", events: events,
            rationale:
                "Self-service recovery from the person's usual network and browser in working hours, verified by the existing push factor."
        )
    }

    static let typoFailedLogins = Scenario(
        id: "typo_failed_logins", label: .benign, weight: 6, hard: false,
        summary: "A few mistyped passwords, then success from the usual place"
    ) { ctx in
        let person = ctx.person()
        let time = ctx.workingHours(person)
        let (ip, network) = ctx.usualConnection(person)
        let ua = UserAgents.browser(for: ctx.primaryDevice(of: person).platform)
        let session = ctx.oktaSession()
        let failures = ctx.rng.int(in: 4...6)
        var events: [JSONValue] = []
        for i in 0..<failures {
            events.append(
                ctx.oktaLogin(
                    person, at: time.adding(seconds: Int64(i * 15)), ip: ip, network: network, userAgent: ua,
                    session: session, outcome: "FAILURE", reason: "INVALID_CREDENTIALS"))
        }
        events.append(
            ctx.oktaLogin(
                person, at: time.adding(seconds: Int64(failures * 15 + 20)), ip: ip, network: network, userAgent: ua,
                session: session))
        events.append(
            ctx.oktaMFA(
                person, at: time.adding(seconds: Int64(failures * 15 + 28)), ip: ip, network: network, userAgent: ua,
                session: session))
        return AlertDraft(
            rule: .bruteForce, title: "\(failures) failed sign-ins for \(person.login)", events: events,
            context: ["failures": .int(Int64(failures))],
            rationale:
                "One account, one usual address and browser, a minute of retries, then success with MFA: a forgotten password, not guessing."
        )
    }

    static let pushRetry = Scenario(
        id: "mfa_push_retry", label: .benign, weight: 4, hard: true,
        summary: "Two push denials on a new phone, then approval from the usual place"
    ) { ctx in
        let person = ctx.person()
        let time = ctx.workingHours(person)
        let (ip, network) = ctx.usualConnection(person)
        let ua = UserAgents.browser(for: ctx.primaryDevice(of: person).platform)
        let session = ctx.oktaSession()
        var events = [ctx.oktaLogin(person, at: time, ip: ip, network: network, userAgent: ua, session: session)]
        for i in 0..<2 {
            events.append(
                ctx.oktaPushDenied(
                    person, at: time.adding(seconds: Int64(10 + i * 25)), ip: ip, network: network, userAgent: ua,
                    session: session))
        }
        events.append(
            ctx.oktaMFA(person, at: time.adding(seconds: 80), ip: ip, network: network, userAgent: ua, session: session)
        )
        return AlertDraft(
            rule: .pushDenials, title: "Okta Verify pushes denied for \(person.login)", events: events,
            rationale:
                "The denied pushes came from the person's own sign-in at their usual address and browser in working hours; they then approved — a fumble, not a push flood."
        )
    }

    static let sanctionedPowerShell = Scenario(
        id: "sanctioned_encoded_powershell", label: .benign, weight: 5, hard: true,
        summary: "Intune runs an encoded PowerShell inventory script"
    ) { ctx in
        let enterprise = ctx.enterprise
        let person = ctx.person { p in p.devices.contains { enterprise.device(id: $0)?.platform == .windows } }
        let device = person.devices.compactMap { ctx.enterprise.device(id: $0) }.first { $0.platform == .windows }!
        let time = ctx.workingHours(person)
        let script =
            "Get-ItemProperty HKLM:\\Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\* | Select-Object DisplayName, DisplayVersion | ConvertTo-Json | Out-File C:\\ProgramData\\Meridian\\inventory.json"
        let edr = EDRRecord(
            time: time, device: device, customerID: ctx.enterprise.edrCustomerID,
            publicIP: ctx.office(of: person).network.address(1))
        let pid = ctx.rng.digits(11)
        let events = [
            edr.process(
                image: "\\Device\\HarddiskVolume3\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe",
                commandLine:
                    "powershell.exe -NoProfile -ExecutionPolicy Bypass -EncodedCommand \(EncodedCommand.encode(script))",
                parent: "AgentExecutor.exe", user: "SYSTEM",
                sha256: "de96a6e69944335375dc1ac238336066889d9ffc7d73628ef4fe1b1b160ab32c", processID: pid,
                parentProcessID: ctx.rng.digits(11), &ctx.rng)
        ]
        return AlertDraft(
            rule: .encodedPowerShell, title: "Encoded PowerShell on \(device.hostname)", events: events,
            context: ["host": .string(device.hostname), "parent": "AgentExecutor.exe"],
            rationale:
                "The parent is the Intune Management Extension's AgentExecutor running as SYSTEM; the decoded command only inventories installed software to a local file."
        )
    }

    static let agentHeartbeat = Scenario(
        id: "agent_heartbeat_beacon", label: .benign, weight: 4, hard: true,
        summary: "The monitoring agent's periodic check-ins look like beaconing"
    ) { ctx in
        let server = ctx.rng.pick(ctx.enterprise.devices.filter { $0.kind == "server" })
        let time = ctx.utcTime(hours: 0...23)
        let pid = ctx.rng.digits(11)
        let remote = LabCatalog.datadog.address(ctx.rng.int(in: 40...400))
        var events: [JSONValue] = []
        let first = EDRRecord(
            time: time, device: server, customerID: ctx.enterprise.edrCustomerID, publicIP: LabCatalog.ciNAT.address(7))
        events.append(first.dns(domain: "7-59-0-app.agent.datadoghq.com", contextProcessID: pid, &ctx.rng))
        for i in 0..<6 {
            let edr = EDRRecord(
                time: time.adding(seconds: Int64(i * 15)), device: server, customerID: ctx.enterprise.edrCustomerID,
                publicIP: LabCatalog.ciNAT.address(7))
            events.append(edr.connect(remoteIP: remote, remotePort: 443, contextProcessID: pid, &ctx.rng))
        }
        return AlertDraft(
            rule: .beaconing, title: "Periodic connections from \(server.hostname) to \(remote):443 every 15s",
            events: events,
            context: ["interval_seconds": 15, "remote_ip": .string(remote), "process": "datadog-agent"],
            rationale:
                "The connections belong to the installed datadog-agent reaching Datadog's intake (AS14618) at its flush interval."
        )
    }
}

/// PowerShell's `-EncodedCommand` form: Base64 of the UTF-16LE script.
enum EncodedCommand {
    static func encode(_ script: String) -> String {
        var bytes: [UInt8] = []
        for unit in script.utf16 {
            bytes.append(UInt8(unit & 0xFF))
            bytes.append(UInt8(unit >> 8))
        }
        return Data(bytes).base64EncodedString()
    }
}
