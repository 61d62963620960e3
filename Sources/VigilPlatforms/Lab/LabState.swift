import VigilCore
import VigilLab

/// What the lab's write tools have changed. Everything starts empty: the generated enterprise is
/// the world before any containment.
public actor LabState {
    let clock: any WallClock
    var userStatus: [String: String] = [:]
    var revokedSessionsBefore: [String: Timestamp] = [:]
    var factorsReset: Set<String> = []
    var keyStatus: [String: String] = [:]
    var denyAll: Set<String> = []
    /// Addresses learned into entities' baselines after closed false positives.
    var learnedIPs: [String: Set<String>] = [:]
    var isolatedInstances: Set<String> = []
    var snapshots: [JSONValue] = []
    var isolatedDevices: Set<String> = []
    var createdTickets: [Ticket] = []
    var ticketStatus: [String: String] = [:]
    var comments: [String: [JSONValue]] = [:]
    var messages: [JSONValue] = []
    var approvals: [String: JSONObject] = [:]
    var approvalOrder: [String] = []
    var counter = 0

    /// How long an unanswered approval request stays pending.
    public static let approvalLifetimeSeconds: Int64 = 3600

    init(clock: any WallClock) { self.clock = clock }

    func nextNumber() -> Int {
        counter += 1
        return counter
    }

    /// Messages posted so far, oldest first.
    public var postedMessages: [JSONValue] { messages }

    /// Records a human's answer to an approval request (the chat platform's button, or the API).
    public func decide(approval id: String, approved: Bool, by person: String) throws(PlatformError) {
        guard var approval = approvals[id] else { throw .notFound("approval", id) }
        let current = approvalStatus(approval)
        guard current == "pending" else { throw .conflict("approval \(id) is already \(current)") }
        approval["status"] = .string(approved ? "approved" : "denied")
        approval["decided_by"] = .string(person)
        approval["decided_at"] = .string(clock.now().description)
        approvals[id] = approval
    }

    func approvalStatus(_ approval: JSONObject) -> String {
        let status = approval["status"]?.stringValue ?? "pending"
        if status == "pending", let expires = approval["expires"]?.stringValue.flatMap(Timestamp.init(rfc3339:)),
            clock.now() >= expires
        {
            return "expired"
        }
        return status
    }
}
