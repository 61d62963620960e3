import Foundation
import VigilCore

extension Enterprise {
    /// Builds the lab organisation "Meridian Labs": 160 people in 11 departments and 6 offices, their
    /// devices and MFA factors, 5 AWS accounts, automation principals, assets with real CVEs, ticket
    /// history, chat channels, on-call rotations and per-entity baselines. The same seed always gives
    /// the same enterprise.
    public static func generate(seed: UInt64 = Enterprise.defaultSeed) -> Enterprise {
        var builder = EnterpriseBuilder(seed: seed)
        return builder.build()
    }
}

struct EnterpriseBuilder {
    struct DepartmentPlan {
        var name: String
        var size: Int
        var headTitle: String
        var titles: [String]
        var groups: [String]
        var macShare: Double
        var travellerShare: Double
        var offices: [String]
    }

    static let plans: [DepartmentPlan] = [
        DepartmentPlan(
            name: "Executive", size: 6, headTitle: "Chief Executive Officer",
            titles: [
                "Chief Financial Officer", "Chief Technology Officer", "Chief Information Security Officer", "VP Sales",
                "VP People",
            ], groups: ["executives"], macShare: 0.8, travellerShare: 0.9, offices: ["San Francisco", "New York"]),
        DepartmentPlan(
            name: "Engineering", size: 48, headTitle: "VP Engineering",
            titles: [
                "Software Engineer", "Senior Software Engineer", "Staff Software Engineer", "Engineering Manager",
                "Data Engineer",
            ], groups: ["engineering", "aws-developers", "github-users"], macShare: 0.9, travellerShare: 0.05,
            offices: ["San Francisco", "Lisbon", "Berlin", "London"]),
        DepartmentPlan(
            name: "Platform", size: 14, headTitle: "Director of Platform Engineering",
            titles: ["Site Reliability Engineer", "Senior Platform Engineer", "Platform Engineer"],
            groups: ["engineering", "aws-admins", "sre-oncall", "github-users"], macShare: 0.85, travellerShare: 0.05,
            offices: ["San Francisco", "Lisbon", "Singapore"]),
        DepartmentPlan(
            name: "Security", size: 8, headTitle: "Director of Security Operations",
            titles: ["Security Engineer", "Senior Security Engineer", "SOC Analyst", "Detection Engineer"],
            groups: ["security", "aws-security-audit", "security-oncall"], macShare: 0.9, travellerShare: 0.1,
            offices: ["San Francisco", "London"]),
        DepartmentPlan(
            name: "IT", size: 8, headTitle: "IT Manager",
            titles: ["IT Administrator", "Systems Administrator", "IT Support Specialist"],
            groups: ["it-admins", "okta-admins", "it-oncall"], macShare: 0.5, travellerShare: 0.05,
            offices: ["San Francisco", "London", "Singapore"]),
        DepartmentPlan(
            name: "Sales", size: 26, headTitle: "Director of Sales",
            titles: [
                "Account Executive", "Senior Account Executive", "Sales Development Representative",
                "Solutions Engineer", "Regional Sales Manager",
            ], groups: ["sales", "salesforce-users"], macShare: 0.4, travellerShare: 0.6,
            offices: ["New York", "San Francisco", "London", "Singapore"]),
        DepartmentPlan(
            name: "Marketing", size: 12, headTitle: "Director of Marketing",
            titles: ["Marketing Manager", "Content Strategist", "Product Marketing Manager", "Designer"],
            groups: ["marketing"], macShare: 0.8, travellerShare: 0.2, offices: ["New York", "Lisbon"]),
        DepartmentPlan(
            name: "Finance", size: 10, headTitle: "Controller",
            titles: ["Financial Analyst", "Accountant", "Payroll Specialist", "Procurement Manager"],
            groups: ["finance", "netsuite-users"], macShare: 0.2, travellerShare: 0.05, offices: ["New York"]),
        DepartmentPlan(
            name: "People", size: 8, headTitle: "Director of People",
            titles: ["HR Business Partner", "Recruiter", "People Operations Specialist"],
            groups: ["people-team", "workday-admins"], macShare: 0.5, travellerShare: 0.1,
            offices: ["San Francisco", "Lisbon"]),
        DepartmentPlan(
            name: "Customer Support", size: 14, headTitle: "Head of Customer Support",
            titles: ["Support Engineer", "Customer Success Manager", "Support Specialist"],
            groups: ["support", "zendesk-agents"], macShare: 0.3, travellerShare: 0.05,
            offices: ["Lisbon", "Singapore", "New York"]),
        DepartmentPlan(
            name: "Legal", size: 6, headTitle: "General Counsel",
            titles: ["Corporate Counsel", "Paralegal", "Privacy Counsel"], groups: ["legal"], macShare: 0.3,
            travellerShare: 0.2, offices: ["New York", "London"]),
    ]

    var rng: SeededGenerator
    let seed: UInt64
    let epoch = Timestamp(rfc3339: "2026-11-02T00:00:00Z")!
    let domain = "meridian.example"

    init(seed: UInt64) {
        self.seed = seed
        self.rng = SeededGenerator(seed: seed, stream: "enterprise")
    }

    /// A time `daysAgo` days before the epoch, at a random second of that day.
    mutating func past(daysAgo: ClosedRange<Int>) -> Timestamp {
        let day = Int64(rng.int(in: daysAgo))
        return epoch.adding(seconds: -day * 86_400 + Int64(rng.below(86_400)))
    }

    mutating func build() -> Enterprise {
        let offices = makeOffices()
        var (people, departments) = makePeople(offices: offices)
        let devices = makeDevices(people: &people, offices: offices)
        let accounts = makeAccounts(people: people)
        let automation = makeAutomation(accounts: accounts)
        let assets = makeAssets(accounts: accounts, devices: devices)
        let tickets = makeTickets(people: people, accounts: accounts, devices: devices)
        let (channels, onCall) = makeChat(people: people)
        let baselines = makeBaselines(people: people, offices: offices, automation: automation, accounts: accounts)
        var cidGenerator = SeededGenerator(seed: seed, stream: "cid")
        return Enterprise(
            seed: seed, name: "Meridian Labs", domain: domain, oktaDomain: "meridian.okta.com",
            edrCustomerID: cidGenerator.hex(32), epoch: epoch, offices: offices,
            departments: departments, people: people, devices: devices, accounts: accounts, automation: automation,
            cves: LabCatalog.cves, assets: assets, tickets: tickets, channels: channels, onCall: onCall,
            baselines: baselines, networks: LabCatalog.allNetworks)
    }

    func makeOffices() -> [Office] {
        [
            Office(
                name: "San Francisco", network: LabCatalog.sfOffice, utcOffsetHours: -8, vpnNetwork: LabCatalog.vpnUS),
            Office(name: "New York", network: LabCatalog.nyOffice, utcOffsetHours: -5, vpnNetwork: LabCatalog.vpnUS),
            Office(name: "London", network: LabCatalog.londonOffice, utcOffsetHours: 0, vpnNetwork: LabCatalog.vpnEU),
            Office(name: "Lisbon", network: LabCatalog.lisbonOffice, utcOffsetHours: 0, vpnNetwork: LabCatalog.vpnEU),
            Office(name: "Berlin", network: LabCatalog.berlinOffice, utcOffsetHours: 1, vpnNetwork: LabCatalog.vpnEU),
            Office(
                name: "Singapore", network: LabCatalog.singaporeOffice, utcOffsetHours: 8,
                vpnNetwork: LabCatalog.vpnAPAC),
        ]
    }

    mutating func makePeople(offices: [Office]) -> ([Person], [Department]) {
        var people: [Person] = []
        var departments: [Department] = []
        var usedLogins = Set<String>()
        var nameIndex = rng.below(LabCatalog.firstNames.count)
        for plan in Self.plans {
            var head: String?
            var managers: [String] = []
            for i in 0..<plan.size {
                let first = LabCatalog.firstNames[nameIndex % LabCatalog.firstNames.count]
                let last = LabCatalog.lastNames[
                    (nameIndex * 7 + rng.below(LabCatalog.lastNames.count)) % LabCatalog.lastNames.count]
                nameIndex += 1
                var login = Self.loginPart(first) + "." + Self.loginPart(last) + "@" + domain
                var suffix = 2
                while usedLogins.contains(login) {
                    login = Self.loginPart(first) + "." + Self.loginPart(last) + "\(suffix)@" + domain
                    suffix += 1
                }
                usedLogins.insert(login)
                let officeName = i == 0 ? plan.offices[0] : rng.pick(plan.offices)
                let office = offices.first { $0.name == officeName }!
                let title: String
                let manager: String?
                if plan.name == "Executive" {
                    title = i == 0 ? plan.headTitle : plan.titles[(i - 1) % plan.titles.count]
                    manager = i == 0 ? nil : people.first?.login
                } else if i == 0 {
                    title = plan.headTitle
                    let cto = people.first { $0.title == "Chief Technology Officer" }?.login
                    let ceo = people.first?.login
                    manager = ["Engineering", "Platform", "Security", "IT"].contains(plan.name) ? cto : ceo
                } else {
                    title = rng.pick(plan.titles)
                    manager = managers.isEmpty || rng.chance(0.3) ? head : rng.pick(managers)
                }
                if i == 0 { head = login }
                if title.contains("Manager") || title.contains("Staff") { managers.append(login) }
                var groups = ["everyone", "office-" + Self.loginPart(office.name)] + plan.groups
                if plan.name == "Executive" && i == 0 { groups.append("okta-super-admins") }
                if title == "Chief Information Security Officer" { groups.append("security") }
                if ["Platform"].contains(plan.name) && i < 4 { groups.append("break-glass") }
                let homeCountry = office.network.countryCode
                let homeNetwork = rng.pick(LabCatalog.residential[homeCountry] ?? LabCatalog.residential["US"]!)
                let created = past(daysAgo: 60...2200)
                var factors = [
                    MFAFactor(
                        id: "opf" + rng.alphanumeric(17), type: "push", provider: "OKTA", status: "ACTIVE",
                        enrolled: created.adding(seconds: 3600),
                        deviceName: rng.pick(["iPhone 15", "iPhone 14", "Pixel 8", "Galaxy S23", "iPhone 16 Pro"]))
                ]
                if plan.groups.contains("engineering") || ["Security", "IT", "Executive"].contains(plan.name) {
                    factors.append(
                        MFAFactor(
                            id: "fwf" + rng.alphanumeric(17), type: "webauthn", provider: "FIDO", status: "ACTIVE",
                            enrolled: created.adding(seconds: 7200), deviceName: "YubiKey 5C NFC"))
                }
                if rng.chance(0.25) {
                    factors.append(
                        MFAFactor(
                            id: "ost" + rng.alphanumeric(17), type: "token:software:totp", provider: "GOOGLE",
                            status: "ACTIVE", enrolled: created.adding(seconds: 10_800), deviceName: nil))
                }
                if plan.name == "Customer Support" && rng.chance(0.4) {
                    factors.append(
                        MFAFactor(
                            id: "sms" + rng.alphanumeric(17), type: "sms", provider: "OKTA", status: "ACTIVE",
                            enrolled: created.adding(seconds: 14_400), deviceName: nil))
                }
                let start = rng.pick([7, 8, 8, 9, 9, 10])
                let person = Person(
                    id: "00u" + rng.alphanumeric(17), login: login, firstName: first, lastName: last,
                    department: plan.name, title: title, manager: manager, office: office.name, status: .active,
                    created: created, groups: groups, mfaFactors: factors, devices: [],
                    workStartHour: start, workEndHour: start + rng.pick([8, 9, 9, 10]),
                    utcOffsetHours: office.utcOffsetHours,
                    homeNetwork: homeNetwork, homeIP: homeNetwork.address(rng.below(60_000)),
                    frequentTraveller: rng.chance(plan.travellerShare),
                    phone: "+1-415-555-" + String(1000 + people.count), slackHandle: "U0" + rng.awsID(9))
                people.append(person)
            }
            departments.append(Department(name: plan.name, head: head!, size: plan.size))
        }
        // One contractor left last month: deprovisioned accounts are part of any real directory.
        if let index = people.indices.last(where: { people[$0].department == "Customer Support" }) {
            people[index].status = .deprovisioned
        }
        return (people, departments)
    }

    static func loginPart(_ name: String) -> String {
        String(name.lowercased().unicodeScalars.filter { ("a"..."z").contains($0) || $0 == "-" }.map(Character.init))
            .replacingOccurrences(of: "-", with: "")
    }

    mutating func makeDevices(people: inout [Person], offices: [Office]) -> [Device] {
        var devices: [Device] = []
        for index in people.indices {
            let person = people[index]
            let plan = Self.plans.first { $0.name == person.department }!
            let mac = rng.chance(plan.macShare)
            var count = 1
            if plan.groups.contains("engineering") && rng.chance(0.3) { count = 2 }
            for n in 0..<count {
                let linux = n == 1
                let platform: Device.Platform = linux ? .linux : (mac ? .mac : .windows)
                var software = platform == .windows ? LabCatalog.windowsSoftware : LabCatalog.macSoftware
                if plan.groups.contains("engineering") { software += LabCatalog.engineeringSoftware }
                if platform == .linux {
                    software = LabCatalog.serverSoftware.filter { $0.name != "nginx" } + LabCatalog.engineeringSoftware
                }
                let prefix = platform == .windows ? "MER-WL" : (platform == .mac ? "MER-MB" : "MER-LX")
                let device = Device(
                    id: rng.hex(32), hostname: "\(prefix)-\(String(1000 + devices.count))", platform: platform,
                    osVersion: platform == .windows
                        ? "Windows 11 23H2" : (platform == .mac ? "macOS 15.1" : "Ubuntu 24.04 LTS"),
                    kind: linux ? "workstation" : "laptop", owner: person.login, serialNumber: rng.awsID(10),
                    enrolled: person.created.adding(seconds: Int64(rng.int(in: 3600...86_400 * 30))),
                    localIP:
                        "10.\(20 + offices.firstIndex { $0.name == person.office }!).\(rng.int(in: 1...254)).\(rng.int(in: 2...254))",
                    agentVersion: "7.19.18003", software: software, isolated: false)
                people[index].devices.append(device.id)
                devices.append(device)
            }
        }
        let serverRoles = ["web", "api", "worker", "db", "jenkins", "bastion", "vpn", "confluence", "kafka", "etl"]
        for i in 0..<24 {
            let role = serverRoles[i % serverRoles.count]
            var software = LabCatalog.serverSoftware
            if role == "jenkins" { software.append(Software(name: "jenkins", vendor: "Jenkins", version: "2.426.2")) }
            if role == "confluence" {
                software.append(Software(name: "confluence", vendor: "Atlassian", version: "8.3.2"))
            }
            if role == "kafka" || role == "etl" {
                software.append(
                    Software(name: "log4j-core", vendor: "Apache", version: i % 3 == 0 ? "2.14.1" : "2.17.2"))
            }
            devices.append(
                Device(
                    id: rng.hex(32), hostname: "\(role)-\(String(format2: i / serverRoles.count + 1))",
                    platform: .linux,
                    osVersion: "Amazon Linux 2023", kind: "server", owner: nil, serialNumber: "i-0" + rng.hex(16),
                    enrolled: past(daysAgo: 30...900), localIP: "10.0.\(i / 10 + 1).\(10 + i)",
                    agentVersion: "7.18.17106",
                    software: software, isolated: false))
        }
        return devices
    }
}

extension String {
    init(format2 value: Int) { self = value < 10 ? "0\(value)" : "\(value)" }
}
