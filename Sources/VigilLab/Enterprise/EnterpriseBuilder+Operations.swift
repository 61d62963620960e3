import VigilCore

extension EnterpriseBuilder {
    mutating func makeAssets(accounts: [CloudAccount], devices: [Device]) -> [Asset] {
        let cvesBySoftware: [String: [String]] = [
            "openssh-server": ["CVE-2024-6387", "CVE-2023-48795"],
            "nginx": ["CVE-2023-44487"],
            "openssl": ["CVE-2022-0778", "CVE-2023-5678"],
            "jenkins": ["CVE-2024-23897"],
            "confluence": ["CVE-2023-22515"],
            "log4j-core": ["CVE-2021-44228"],
            "Google Chrome": ["CVE-2023-4863"],
        ]
        let prod = accounts.first { $0.environment == .production }!
        var assets: [Asset] = []
        for device in devices {
            var vulnerabilities: [AssetVulnerability] = []
            for software in device.software {
                for cve in cvesBySoftware[software.name] ?? [] {
                    // log4j 2.17.2 is patched; browsers are mostly patched; servers carry some debt.
                    if software.name == "log4j-core" && software.version != "2.14.1" { continue }
                    let open = device.kind == "server" ? rng.chance(0.5) : rng.chance(0.04)
                    if open {
                        vulnerabilities.append(
                            AssetVulnerability(cve: cve, firstFound: past(daysAgo: 3...120), status: "open"))
                    }
                }
            }
            if device.kind == "server" && device.hostname.hasPrefix("vpn") {
                vulnerabilities.append(
                    AssetVulnerability(cve: "CVE-2024-21762", firstFound: past(daysAgo: 5...40), status: "open"))
            }
            guard device.kind == "server" || !vulnerabilities.isEmpty else { continue }
            let internetFacing = ["web", "vpn", "bastion", "confluence"].contains { device.hostname.hasPrefix($0) }
            assets.append(
                Asset(
                    id: device.id, hostname: device.hostname, kind: device.kind,
                    accountID: device.kind == "server" ? prod.id : nil, internetFacing: internetFacing,
                    owner: device.owner ?? "platform@meridian.example", vulnerabilities: vulnerabilities))
        }
        return assets
    }

    mutating func makeTickets(people: [Person], accounts: [CloudAccount], devices: [Device]) -> [Ticket] {
        var tickets: [Ticket] = []
        let platform = people.filter { $0.department == "Platform" }
        let it = people.filter { $0.department == "IT" }
        let security = people.filter { $0.department == "Security" }
        var counters = ["CHG": 1040, "IT": 2210, "SEC": 310]
        func add(
            _ project: String, _ type: String, _ summary: String, _ description: String, reporter: String,
            assignee: String?, labels: [String], entities: [String], daysAgo: ClosedRange<Int>, status: String = "Done"
        ) {
            counters[project]! += 1
            let created = self.past(daysAgo: daysAgo)
            tickets.append(
                Ticket(
                    key: "\(project)-\(counters[project]!)", type: type, summary: summary, description: description,
                    status: status, reporter: reporter, assignee: assignee, created: created,
                    updated: created.adding(seconds: Int64(self.rng.int(in: 1800...86_400 * 3))), labels: labels,
                    entities: entities))
        }
        for _ in 0..<30 {
            let account = rng.pick(accounts.filter { [.production, .staging, .development].contains($0.environment) })
            let engineer = rng.pick(platform)
            let change = rng.pick([
                "Rotate orders-api task role policy", "Add read replica for prod-orders-db",
                "Tighten security group for bastion", "New IAM role for data pipeline",
                "Enable S3 access logging on app buckets", "Upgrade EKS node group AMI",
            ])
            add(
                "CHG", "Change", "\(change) (\(account.alias))",
                "Terraform change applied by the pipeline after review. Plan attached to the pull request.",
                reporter: engineer.login, assignee: engineer.login, labels: ["terraform", account.alias],
                entities: [account.id, engineer.login], daysAgo: 1...90)
        }
        for _ in 0..<30 {
            let person = rng.pick(people)
            let kind = rng.pick([
                "Password reset", "Laptop replacement", "Access request: Salesforce", "Access request: AWS PowerUser",
                "VPN not connecting", "New phone for Okta Verify",
            ])
            add(
                "IT", "Service Request", "\(kind) for \(person.displayName)",
                "Requested by \(person.displayName). Resolved by IT.", reporter: person.login,
                assignee: rng.pick(it).login, labels: ["helpdesk"], entities: [person.login], daysAgo: 1...120)
        }
        for person in people where person.frequentTraveller {
            let destination = rng.pick(LabCatalog.travel)
            add(
                "IT", "Travel Notice",
                "Travel notice: \(person.displayName) to \(destination.city), \(destination.country)",
                "Business travel for customer meetings. Laptop and phone travel with me.", reporter: person.login,
                assignee: nil, labels: ["travel", destination.countryCode],
                entities: [person.login, destination.countryCode], daysAgo: 10...200)
        }
        for _ in 0..<12 {
            let analyst = rng.pick(security)
            let topic = rng.pick([
                "Phishing report: fake DocuSign lure", "GuardDuty finding: port scan on bastion",
                "Suspicious OAuth app consent", "Lost laptop reported", "Okta: repeated MFA denials for contractor",
            ])
            add(
                "SEC", "Incident", topic, "Investigated and closed. See timeline in comments.", reporter: analyst.login,
                assignee: analyst.login, labels: ["security", "incident"], entities: [], daysAgo: 5...180)
        }
        return tickets
    }

    mutating func makeChat(people: [Person]) -> ([ChatChannel], [OnCallRotation]) {
        func members(_ group: String) -> [String] { people.filter { $0.groups.contains(group) }.map(\.login) }
        let channels = [
            ChatChannel(
                id: "C0" + rng.awsID(9), name: "soc-alerts", purpose: "Automated alerts and Vigil verdicts",
                members: members("security")),
            ChatChannel(
                id: "C0" + rng.awsID(9), name: "incident-response", purpose: "Active incidents",
                members: members("security") + members("sre-oncall")),
            ChatChannel(
                id: "C0" + rng.awsID(9), name: "security", purpose: "Security team", members: members("security")),
            ChatChannel(
                id: "C0" + rng.awsID(9), name: "platform-eng", purpose: "Platform engineering and Terraform changes",
                members: members("aws-admins")),
            ChatChannel(
                id: "C0" + rng.awsID(9), name: "sre-oncall", purpose: "Pages and on-call hand-over",
                members: members("sre-oncall")),
            ChatChannel(
                id: "C0" + rng.awsID(9), name: "it-helpdesk", purpose: "IT help requests", members: people.map(\.login)),
            ChatChannel(
                id: "C0" + rng.awsID(9), name: "travel", purpose: "Travel plans and notices",
                members: people.map(\.login)),
            ChatChannel(
                id: "C0" + rng.awsID(9), name: "general", purpose: "Company-wide announcements",
                members: people.map(\.login)),
        ]
        let onCall = [
            OnCallRotation(team: "Platform", channel: "sre-oncall", members: members("sre-oncall")),
            OnCallRotation(team: "Security", channel: "incident-response", members: members("security-oncall")),
            OnCallRotation(team: "IT", channel: "it-helpdesk", members: members("it-oncall")),
        ]
        return (channels, onCall)
    }

    func makeBaselines(
        people: [Person], offices: [Office], automation: [AutomationPrincipal], accounts: [CloudAccount]
    ) -> [Baseline] {
        var baselines: [Baseline] = []
        for person in people {
            let office = offices.first { $0.name == person.office }!
            let hours = (person.workStartHour..<person.workEndHour).map {
                (($0 - person.utcOffsetHours) % 24 + 24) % 24
            }
            var accountIDs: [String] = []
            if person.groups.contains("aws-developers") {
                accountIDs += accounts.filter { [.development, .staging].contains($0.environment) }.map(\.id)
            }
            if person.groups.contains("aws-admins") { accountIDs += accounts.map(\.id) }
            if person.groups.contains("aws-security-audit") {
                accountIDs += accounts.filter { $0.environment == .security }.map(\.id)
            }
            baselines.append(
                Baseline(
                    entity: "user:\(person.login)",
                    countries: [office.network.countryCode],
                    asns: Array(Set([office.network.asn, person.homeNetwork.asn, office.vpnNetwork.asn])).sorted(),
                    ips: [
                        office.network.address(1), office.network.address(2), person.homeIP,
                        office.vpnNetwork.address(5),
                    ],
                    activeHoursUTC: hours,
                    userAgents: [UserAgents.chromeMac, UserAgents.chromeWindows, UserAgents.oktaVerifyIOS],
                    regions: accountIDs.isEmpty ? [] : ["us-east-1"], accounts: Array(Set(accountIDs)).sorted(),
                    usualActions: [
                        "user.session.start", "user.authentication.sso", "user.authentication.auth_via_mfa",
                    ],
                    dailyEvents: 20 + (person.login.utf8.count * 7) % 60))
        }
        for principal in automation {
            let account = accounts.first { $0.id == principal.accountID }!
            baselines.append(
                Baseline(
                    entity: "principal:\(principal.roleARN)",
                    countries: principal.sourceNetworks.map(\.countryCode),
                    asns: principal.sourceNetworks.map(\.asn),
                    ips: principal.sourceNetworks.flatMap { n in (1...4).map { n.address($0 * 11) } },
                    activeHoursUTC: principal.scheduleHoursUTC.isEmpty ? Array(0..<24) : principal.scheduleHoursUTC,
                    userAgents: [principal.userAgent], regions: account.regions, accounts: [account.id],
                    usualActions: principal.usualActions, dailyEvents: principal.kind == .monitoring ? 4000 : 150))
        }
        return baselines
    }
}
