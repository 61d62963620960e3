/// Vigil's configuration (`vigil.yaml`). Every key has a default; secrets are only ever named by
/// environment variable, never written here. `vigil init` writes a working file.
public struct VigilConfiguration: Sendable, Hashable {
    public var version: Int
    public var logLevel: LogLevel
    public var lab: Lab
    public var intake: Intake
    public var siem: SIEM

    public init(
        version: Int = 1, logLevel: LogLevel = .info, lab: Lab = Lab(), intake: Intake = Intake(), siem: SIEM = SIEM()
    ) {
        self.version = version
        self.logLevel = logLevel
        self.lab = lab
        self.intake = intake
        self.siem = siem
    }

    /// The embedded SIEM.
    public struct SIEM: Sendable, Hashable {
        /// The event store (SQLite) that `vigil ingest` writes and `vigil search` reads.
        public var database: String

        public init(database: String = "vigil-events.db") { self.database = database }
    }

    public enum LogLevel: String, Sendable, Hashable, CaseIterable {
        case trace, debug, info, notice, warning, error, critical
    }

    /// The embedded simulated enterprise.
    public struct Lab: Sendable, Hashable {
        /// Seed of the organisation (people, accounts, devices). Changing it builds a different company.
        public var enterpriseSeed: UInt64
        /// Default seed of the alert stream.
        public var alertSeed: UInt64
        /// Default share of benign alerts, 0…1.
        public var benignRatio: Double

        public init(enterpriseSeed: UInt64 = 1, alertSeed: UInt64 = 7, benignRatio: Double = 0.8) {
            self.enterpriseSeed = enterpriseSeed
            self.alertSeed = alertSeed
            self.benignRatio = benignRatio
        }
    }

    /// Alert intake.
    public struct Intake: Sendable, Hashable {
        /// Reject a whole input when any record is bad (default: keep the good records).
        public var strict: Bool

        public init(strict: Bool = false) { self.strict = strict }
    }
}
