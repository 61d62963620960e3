import Testing
import VigilCore
import VigilLab
import VigilMCP
import VigilPlatforms
import VigilTesting

@testable import VigilGuard

/// Random tool calls against the policy: no destructive call and no write with a tainted target is
/// ever allowed without an approval, and no approval lifts a deny.
@Suite("Policy fuzz")
struct PolicyFuzzTests {
    /// SplitMix64: a small deterministic generator, so a failure can be replayed.
    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
        mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }
        mutating func chance(_ p: Double) -> Bool { Double(next() % 1_000_000) / 1_000_000 < p }
    }

    @Test func oneHundredThousandRandomCallsNeverSlipPastApproval() throws {
        let lab = try LabWorld(alertCount: 1)
        var profiles = PlatformKind.allCases.flatMap { kind in
            PlatformServer.make(kind, platforms: lab.platforms).tools.map { $0.profile(server: kind.rawValue) }
        }
        #expect(profiles.count == 40)
        profiles += [
            ToolProfile(server: "thirdparty", tool: "wipe_disk", toolClass: .destructive),
            ToolProfile(server: "thirdparty", tool: "lookup", toolClass: .read),
            ToolProfile(server: "identity", tool: "delete_user", toolClass: .destructive),  // unknown to Vigil's servers
        ]
        // The standard policy, plus a variant that explicitly allows some destructive tools and loosens tiers.
        var loose = GuardPolicy.standard
        loose.rules.append(
            GuardPolicy.Rule(name: "auto-revoke", tools: [GlobPattern("identity.revoke_sessions")], decision: .allow))
        loose.tiers["tier2"]?.allowed[.destructive] = [GlobPattern("*")]
        let explicitlyAllowed: Set<String> = ["identity.revoke_sessions"]

        let clock = FakeClock()
        let engines = [GuardPolicy.standard, loose].map {
            PolicyEngine(policy: $0, directory: Tools.directory, clock: clock)
        }
        let trustedValues = [
            "ana.silva@meridian.example", "i-0abc123", "SEC-100", "#soc-alerts", "AKIAEXAMPLE0000000001",
        ]
        let untrustedValues = [
            "ceo@meridian.example", "i-0evil", "SEC-999", "#general", "AKIAATTACKER00000001",
            "root.admin@meridian.example",
        ]
        let unseenValues = [
            "made.up@meridian.example", "i-0nowhere", "SEC-31337", "arn:aws:iam::264705010919:role/x", "💥", "",
        ]
        let tiers = ["tier1", "tier2", "tier3", "tier4", ""]
        let argumentNames = [
            "login", "key", "channel", "instance", "principal", "resource", "device", "access_key_id", "reason", "text",
            "body", "x",
        ]

        var rng = Generator(state: 0x5EED_2026)
        var counts: [GuardPolicy.Decision: Int] = [:]
        var heldOrDeniedDestructive = 0
        let calls = 100_000
        for i in 0..<calls {
            if i % 997 == 0 { clock.advance(seconds: Int64(rng.below(4000))) }
            let engine = rng.pick(engines)
            let profile = rng.pick(profiles)
            let ledger = TaintLedger()
            for v in trustedValues { ledger.observe(v, source: "identity.get_user", trusted: true) }
            for v in untrustedValues { ledger.observe(v, source: "ticketing.get_ticket", trusted: false) }
            var arguments = JSONObject()
            for _ in 0..<rng.below(5) {
                let pool = rng.pick([trustedValues, untrustedValues, unseenValues])
                let value: JSONValue =
                    switch rng.below(6) {
                    case 0: .array([.string(rng.pick(pool)), .string(rng.pick(trustedValues))])
                    case 1: .int(Int64(rng.below(100)))
                    case 2: .object(["nested": .string(rng.pick(pool))])
                    default: .string(rng.pick(pool))
                    }
                let names = profile.targets.flatMap { $0.isEmpty ? nil : $0 } ?? argumentNames
                arguments[rng.pick(names)] = value
                if rng.chance(0.3) { arguments[rng.pick(argumentNames)] = value }
            }
            let decision = engine.evaluate(
                PolicyEngine.Request(tier: rng.pick(tiers), profile: profile, arguments: arguments), taint: ledger)
            counts[decision.decision, default: 0] += 1
            guard decision.decision == .allow else {
                if decision.toolClass == .destructive { heldOrDeniedDestructive += 1 }
                continue
            }
            let name = profile.qualifiedName
            let effective = engine.policy.toolClass(of: profile)
            // Invariant 1: no destructive call is allowed without an approval unless a rule explicitly allows it.
            if effective == .destructive {
                #expect(
                    engine !== engines[0] && explicitlyAllowed.contains(name),
                    "call \(i): \(name) allowed by \(decision.rule)")
            }
            // Invariant 2: no write or destructive call with a tainted target is allowed without an approval.
            if effective != .read {
                var targets: [String] = []
                for (key, value) in arguments where profile.targets?.contains(key) ?? true {
                    value.appendScalarTexts(to: &targets)
                }
                for target in targets {
                    #expect(
                        !ledger.provenance(of: target).isTainted,
                        "call \(i): \(name) target \(target) by \(decision.rule)")
                }
            }
            // Invariant 3: nothing touches the security account.
            if effective != .read, name.hasPrefix("cloud.") || name.hasPrefix("endpoint.") {
                #expect(!JSONValue.object(arguments).serialized().contains("264705010919"))
            }
        }
        // The run exercised every outcome.
        #expect(counts[.allow, default: 0] > 1000)
        #expect(counts[.deny, default: 0] > 1000)
        #expect(counts[.approve, default: 0] > 1000)
        #expect(heldOrDeniedDestructive > 1000)
        #expect(counts.values.reduce(0, +) == calls)
    }
}
