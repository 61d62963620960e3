/// One alert decoded from an input, with where it came from.
public struct DecodedAlert: Sendable {
    public var position: RecordPosition
    public var format: AlertFormat
    public var alert: Alert
}

/// The outcome of decoding an input: the good alerts, and a precise error for each bad record.
public struct IntakeResult: Sendable {
    public var alerts: [DecodedAlert]
    public var errors: [IntakeIssue]
    public var warnings: [IntakeIssue]
    /// Records seen, good and bad.
    public var recordCount: Int

    public var isClean: Bool { errors.isEmpty }
}
