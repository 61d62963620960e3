import VigilCore

/// The simulated enterprise: people, devices, cloud accounts, automation, assets, tickets, chat and
/// baselines. Built deterministically from a seed by `Enterprise.generate(seed:)`.
public struct Enterprise: Sendable {
    public static let defaultSeed: UInt64 = 1

    public let seed: UInt64
    public let name: String
    public let domain: String
    /// The Okta org host (`meridian.okta.com`).
    public let oktaDomain: String
    /// The EDR customer id (`cid`).
    public let edrCustomerID: String
    /// The start of the lab's time: alerts fall in the weeks after it.
    public let epoch: Timestamp

    public let offices: [Office]
    public let departments: [Department]
    public let people: [Person]
    public let devices: [Device]
    public let accounts: [CloudAccount]
    public let automation: [AutomationPrincipal]
    public let cves: [CVERecord]
    public let assets: [Asset]
    public let tickets: [Ticket]
    public let channels: [ChatChannel]
    public let onCall: [OnCallRotation]
    public let baselines: [Baseline]
    /// The lab's geolocation table: every network an address in the lab comes from.
    public let networks: [NetworkLocation]

    private let peopleByLogin: [String: Int]
    private let devicesByID: [String: Int]

    init(
        seed: UInt64, name: String, domain: String, oktaDomain: String, edrCustomerID: String, epoch: Timestamp,
        offices: [Office], departments: [Department], people: [Person], devices: [Device], accounts: [CloudAccount],
        automation: [AutomationPrincipal], cves: [CVERecord], assets: [Asset], tickets: [Ticket],
        channels: [ChatChannel], onCall: [OnCallRotation], baselines: [Baseline], networks: [NetworkLocation]
    ) {
        self.seed = seed
        self.name = name
        self.domain = domain
        self.oktaDomain = oktaDomain
        self.edrCustomerID = edrCustomerID
        self.epoch = epoch
        self.offices = offices
        self.departments = departments
        self.people = people
        self.devices = devices
        self.accounts = accounts
        self.automation = automation
        self.cves = cves
        self.assets = assets
        self.tickets = tickets
        self.channels = channels
        self.onCall = onCall
        self.baselines = baselines
        self.networks = networks
        peopleByLogin = Dictionary(uniqueKeysWithValues: people.enumerated().map { ($0.element.login, $0.offset) })
        devicesByID = Dictionary(uniqueKeysWithValues: devices.enumerated().map { ($0.element.id, $0.offset) })
    }

    public func person(login: String) -> Person? { peopleByLogin[login.lowercased()].map { people[$0] } }
    public func device(id: String) -> Device? { devicesByID[id].map { devices[$0] } }
    public func office(named name: String) -> Office? { offices.first { $0.name == name } }
    public func account(id: String) -> CloudAccount? { accounts.first { $0.id == id } }
    public func account(_ environment: CloudAccount.Environment) -> CloudAccount {
        accounts.first { $0.environment == environment }!
    }
    public func automation(_ kind: AutomationPrincipal.Kind) -> AutomationPrincipal {
        automation.first { $0.kind == kind }!
    }
    public func people(inGroup group: String) -> [Person] { people.filter { $0.groups.contains(group) } }
    public func people(inDepartment department: String) -> [Person] { people.filter { $0.department == department } }
    public func devices(ownedBy login: String) -> [Device] { devices.filter { $0.owner == login } }
    public func cve(_ id: String) -> CVERecord? { cves.first { $0.id == id } }

    /// The network an address belongs to in the lab's geolocation table.
    public func network(for ip: String) -> NetworkLocation? { networks.first { $0.contains(ip) } }
}

/// A department, its head and the titles people in it hold.
public struct Department: Sendable, Hashable, Codable {
    public var name: String
    public var head: String
    public var size: Int
}
