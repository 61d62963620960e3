import VigilCore
import VigilLab
import VigilSIEM

/// The simulated enterprise behind the lab backends: Meridian Labs, a window of its alerts with the
/// events behind them in an in-memory event store, and the state that write tools change.
///
/// Reads are answered from the generated enterprise; writes (suspend a user, isolate a device, open a
/// ticket) change `LabState` only, so a lab run never touches anything real and the same seed always
/// starts from the same world.
public final class LabWorld: Sendable {
    public let enterprise: Enterprise
    public let alerts: [GeneratedAlert]
    public let store: EventStore
    public let state: LabState
    let clock: any WallClock
    /// Tickets the enterprise has plus those the alerts' scenarios opened, newest first.
    let tickets: [Ticket]
    let baselines: [String: Baseline]

    /// How many alerts the lab world holds by default.
    public static let defaultAlertCount = 300

    /// Builds the world for `enterpriseSeed`, with alerts `0..<alertCount` of `alertSeed`'s stream.
    public init(
        enterpriseSeed: UInt64 = Enterprise.defaultSeed, alertSeed: UInt64 = 7, alertCount: Int = defaultAlertCount,
        benignRatio: Double = AlertGenerator.defaultBenignRatio, clock: any WallClock = SystemWallClock()
    ) throws {
        let enterprise = Enterprise.generate(seed: enterpriseSeed)
        let generator = AlertGenerator(enterprise: enterprise, seed: alertSeed, benignRatio: benignRatio)
        let alerts = generator.alerts(count: alertCount)
        let store = try EventStore()
        var records: [LogRecord] = []
        for (index, generated) in alerts.enumerated() {
            for event in generated.alert.events {
                records.append(LogRecord(file: "lab", line: index + 1, logType: event.logType, record: event.record))
            }
        }
        try store.insert(records)
        var tickets = enterprise.tickets
        var seen = Set(tickets.map(\.key))
        for generated in alerts {
            for ticket in generated.tickets where seen.insert(ticket.key).inserted { tickets.append(ticket) }
        }
        self.enterprise = enterprise
        self.alerts = alerts
        self.store = store
        self.clock = clock
        self.tickets = tickets.sorted { ($0.created, $0.key) > ($1.created, $1.key) }
        self.baselines = Dictionary(enterprise.baselines.map { ($0.entity, $0) }, uniquingKeysWith: { a, _ in a })
        self.state = LabState(clock: clock)
    }

    /// The end of the lab's alert window: "now" for questions about the lab's own history.
    public var labNow: Timestamp { enterprise.epoch.adding(seconds: Int64(AlertGenerator.windowDays) * 86_400) }

    /// The seven lab backends.
    public var platforms: Platforms {
        Platforms(
            siem: EventStoreSIEM(store: store, alerts: alerts.map(\.alert), intelligence: LabNetworkIntelligence(self)),
            identity: LabIdentity(world: self), cloud: LabCloud(world: self), ticketing: LabTicketing(world: self),
            collaboration: LabCollaboration(world: self), vulnerability: LabVulnerability(world: self),
            endpoint: LabEndpoint(world: self))
    }

    func person(_ login: String) throws(PlatformError) -> Person {
        guard let person = enterprise.person(login: login) else { throw .notFound("user", login) }
        return person
    }

    func baseline(for entity: String) -> Baseline? {
        baselines["user:\(entity.lowercased())"] ?? baselines["principal:\(entity)"] ?? baselines[entity]
    }
}

/// The lab's network table as network intelligence.
struct LabNetworkIntelligence: NetworkIntelligence {
    let world: LabWorld

    init(_ world: LabWorld) { self.world = world }

    func network(for ip: String) -> NetworkInfo? {
        guard let n = world.enterprise.network(for: ip) else { return nil }
        return NetworkInfo(
            cidr: n.cidr, asn: n.asn, org: n.asOrg, kind: n.kind.rawValue, city: n.city, country: n.countryCode)
    }
}
