/// The fields Vigil reads from any vendor record: when, who, from where, what, on what, with what outcome.
public struct NormalizedEvent: Sendable, Hashable, Codable {
    public var time: Timestamp?
    /// The acting user or principal (an Okta login, an IAM ARN, an endpoint user).
    public var actor: String?
    public var sourceIP: String?
    public var userAgent: String?
    /// The action: CloudTrail `eventName`, Okta `eventType`, FDR `event_simpleName`.
    public var action: String?
    public var outcome: String?
    public var account: String?
    public var region: String?
    public var host: String?
    public var targets: [String]

    enum CodingKeys: String, CodingKey {
        case time, actor, action, outcome, account, region, host, targets
        case sourceIP = "source_ip"
        case userAgent = "user_agent"
    }

    public init(
        time: Timestamp? = nil, actor: String? = nil, sourceIP: String? = nil, userAgent: String? = nil,
        action: String? = nil, outcome: String? = nil, account: String? = nil, region: String? = nil,
        host: String? = nil, targets: [String] = []
    ) {
        self.time = time
        self.actor = actor
        self.sourceIP = sourceIP
        self.userAgent = userAgent
        self.action = action
        self.outcome = outcome
        self.account = account
        self.region = region
        self.host = host
        self.targets = targets
    }

    public init(_ event: RawEvent) {
        let r = event.record
        let logType = event.logType ?? Self.guessLogType(r)
        let who = Self.identity(of: r, logType: logType)
        switch logType {
        case .cloudTrail?:
            self.init(
                time: who.time, actor: who.actor, sourceIP: who.sourceIP, userAgent: r["userAgent"]?.stringValue,
                action: r["eventName"]?.stringValue, outcome: Self.cloudTrailOutcome(r),
                account: r["recipientAccountId"]?.stringValue ?? r["userIdentity"]?["accountId"]?.stringValue,
                region: r["awsRegion"]?.stringValue,
                targets: (r["resources"]?.arrayValue ?? []).compactMap { $0["ARN"]?.stringValue })
        case .oktaSystemLog?:
            self.init(
                time: who.time, actor: who.actor, sourceIP: who.sourceIP,
                userAgent: r["client"]?["userAgent"]?["rawUserAgent"]?.stringValue,
                action: r["eventType"]?.stringValue, outcome: r["outcome"]?["result"]?.stringValue,
                targets: (r["target"]?.arrayValue ?? []).compactMap {
                    $0["alternateId"]?.stringValue ?? $0["id"]?.stringValue
                })
        case .crowdstrikeFDR?:
            func field(_ key: String) -> String? { r[key]?.stringValue ?? r["event"]?[key]?.stringValue }
            self.init(
                time: who.time, actor: who.actor, sourceIP: who.sourceIP,
                action: r["event_simpleName"]?.stringValue ?? r["event_simplename"]?.stringValue
                    ?? r["event"]?["event_simpleName"]?.stringValue ?? r["fdr_event_type"]?.stringValue,
                host: who.host,
                targets: [field("RemoteAddressIP4"), field("DomainName"), field("ImageFileName")].compactMap { $0 })
        default:
            self.init()
        }
    }

    /// Who acted, from where and when: the fields that identify an event's entity, read without building
    /// the whole normalized view (detection groups every match by them).
    public struct Identity: Sendable, Hashable {
        public var time: Timestamp?
        public var actor: String?
        public var sourceIP: String?
        public var host: String?

        /// The entity an alert is about: the actor, else the source address, else the host.
        public var entity: String? { actor ?? sourceIP ?? host }
    }

    public static func identity(of r: JSONValue, logType: LogType?) -> Identity {
        switch logType {
        case .cloudTrail?:
            let identity = r["userIdentity"]
            return Identity(
                time: time(of: r, logType: .cloudTrail),
                actor: identity?["arn"]?.stringValue ?? identity?["userName"]?.stringValue
                    ?? identity?["principalId"]?.stringValue,
                sourceIP: r["sourceIPAddress"]?.stringValue)
        case .oktaSystemLog?:
            return Identity(
                time: time(of: r, logType: .oktaSystemLog), actor: r["actor"]?["alternateId"]?.stringValue,
                sourceIP: r["client"]?["ipAddress"]?.stringValue)
        case .crowdstrikeFDR?:
            // FDR records are flat; Panther's copies nest the sensor fields under `event`.
            func field(_ key: String) -> String? { r[key]?.stringValue ?? r["event"]?[key]?.stringValue }
            return Identity(
                time: time(of: r, logType: .crowdstrikeFDR),
                actor: field("UserName") ?? field("UserSid") ?? field("UID"),
                sourceIP: field("LocalAddressIP4") ?? r["aip"]?.stringValue,
                host: field("ComputerName") ?? field("Hostname") ?? r["aid"]?.stringValue)
        default:
            return Identity()
        }
    }

    /// Only the event time of a record (cheaper than the whole normalized view).
    public static func time(of record: JSONValue, logType: LogType?) -> Timestamp? {
        let time: Timestamp? =
            switch logType ?? guessLogType(record) {
            case .cloudTrail?: record["eventTime"]?.stringValue.flatMap { Timestamp(rfc3339: $0) }
            case .oktaSystemLog?: record["published"]?.stringValue.flatMap { Timestamp(rfc3339: $0) }
            case .crowdstrikeFDR?:
                // FDR writes epoch milliseconds (as a string); Panther's copies write a date-time.
                switch record["timestamp"] {
                case .int(let millis)?: Timestamp(millisecondsSinceEpoch: millis)
                case .string(let text)?:
                    Int64(text).map(Timestamp.init(millisecondsSinceEpoch:)) ?? Timestamp(rfc3339: text)
                default: nil
                }
            default: nil
            }
        // A time outside years 1–9999 is not a time (and would overflow arithmetic downstream).
        return time.flatMap { $0.isRepresentable ? $0 : nil }
    }

    /// CloudTrail's outcome: the error code if any; a console sign-in's own result; otherwise success.
    static func cloudTrailOutcome(_ r: JSONValue) -> String? {
        if let code = r["errorCode"]?.stringValue { return code }
        if let login = r.value(at: "responseElements.ConsoleLogin")?.stringValue { return login }
        return r["eventName"] == nil ? nil : "Success"
    }

    /// Recognizes a record's log type from the fields only that vendor writes.
    public static func guessLogType(_ record: JSONValue) -> LogType? {
        if record["eventSource"] != nil && record["eventName"] != nil { return .cloudTrail }
        if record["eventType"] != nil && record["published"] != nil && record["actor"] != nil { return .oktaSystemLog }
        if (record["event_simpleName"] != nil || record["fdr_event_type"] != nil) && record["aid"] != nil {
            return .crowdstrikeFDR
        }
        return nil
    }
}
