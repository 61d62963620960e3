import ArgumentParser
import Foundation
import Logging
import VigilCore
import VigilLab

struct LabShowCommand: VigilCommand {
    enum Kind: String, CaseIterable, ExpressibleByArgument {
        case summary, users, departments, offices, devices, accounts, roles, automation, assets, cves, tickets
        case channels, oncall, baselines, networks, scenarios, rules
    }

    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Browse the lab enterprise.",
        discussion:
            "Kinds: \(Kind.allCases.map(\.rawValue).joined(separator: ", ")). Tables by default; --json for the full records."
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "What to show.")
    var kind: Kind = .summary

    @Flag(name: .long, help: "Print the full records as JSON instead of a table.")
    var json = false

    @Option(
        name: .long,
        help: ArgumentHelp("Only rows whose record contains this text (case-insensitive).", valueName: "text"))
    var filter: String?

    @Option(name: .long, help: "Show at most this many rows.")
    var limit: Int?

    func validate() throws {
        if let limit, limit < 0 { throw ValidationError("--limit must not be negative") }
    }

    func execute(configuration: VigilConfiguration, logger: Logger) throws(CLIError) {
        let e = Enterprise.generate(seed: configuration.lab.enterpriseSeed)
        switch kind {
        case .summary:
            let rows: [[String]] = [
                ["organisation", "\(e.name) (\(e.domain)), enterprise seed \(e.seed)"],
                ["people", "\(e.people.count) in \(e.departments.count) departments, \(e.offices.count) offices"],
                ["devices", "\(e.devices.count) (\(e.devices.filter { $0.kind == "server" }.count) servers)"],
                ["aws accounts", e.accounts.map { "\($0.alias) \($0.id)" }.joined(separator: ", ")],
                [
                    "automation",
                    "\(e.automation.count) principals (Terraform, CI/CD, backup, monitoring, key rotation)",
                ],
                [
                    "assets",
                    "\(e.assets.count) with \(e.assets.reduce(0) { $0 + $1.vulnerabilities.count }) open vulnerabilities",
                ],
                ["tickets", "\(e.tickets.count) in history"],
                ["chat", "\(e.channels.count) channels, \(e.onCall.count) on-call rotations"],
                [
                    "scenarios",
                    "\(ScenarioCatalog.benign.count) benign and \(ScenarioCatalog.malicious.count) malicious families",
                ],
            ]
            print(Table.render(header: ["", ""], rows: rows, hideHeader: true))
        case .users:
            emit(e.people, header: ["login", "name", "department", "title", "office", "manager", "status"]) {
                [$0.login, $0.displayName, $0.department, $0.title, $0.office, $0.manager ?? "-", $0.status.rawValue]
            }
        case .departments:
            emit(e.departments, header: ["department", "head", "people"]) { [$0.name, $0.head, String($0.size)] }
        case .offices:
            emit(e.offices, header: ["office", "country", "utc offset", "network", "asn", "vpn egress"]) {
                [
                    $0.name, $0.network.country, String($0.utcOffsetHours), $0.network.cidr,
                    "AS\($0.network.asn) \($0.network.isp)", $0.vpnNetwork.cidr,
                ]
            }
        case .devices:
            emit(e.devices, header: ["id", "hostname", "platform", "os", "kind", "owner", "local ip"]) {
                [$0.id, $0.hostname, $0.platform.rawValue, $0.osVersion, $0.kind, $0.owner ?? "-", $0.localIP]
            }
        case .accounts:
            emit(
                e.accounts,
                header: [
                    "account", "alias", "environment", "criticality", "owner", "regions", "users", "roles", "resources",
                ]
            ) {
                [
                    $0.id, $0.alias, $0.environment.rawValue, $0.criticality, $0.owner,
                    $0.regions.joined(separator: ","), String($0.users.count), String($0.roles.count),
                    String($0.resources.count),
                ]
            }
        case .roles:
            let roles = e.accounts.flatMap { account in account.roles.map { RoleRow(account: account.alias, role: $0) }
            }
            emit(roles, header: ["account", "role", "trusted by", "policies"]) {
                [
                    $0.account, $0.role.name, $0.role.trustedBy.joined(separator: ", "),
                    $0.role.policies.map { $0.split(separator: "/").last.map(String.init) ?? $0 }.joined(
                        separator: ", "),
                ]
            }
        case .automation:
            emit(e.automation, header: ["name", "kind", "account", "role", "networks"]) {
                [
                    $0.name, $0.kind.rawValue, $0.accountID, $0.roleARN,
                    $0.sourceNetworks.map { "AS\($0.asn)" }.joined(separator: ","),
                ]
            }
        case .assets:
            emit(e.assets, header: ["hostname", "kind", "internet-facing", "owner", "open CVEs"]) {
                [
                    $0.hostname, $0.kind, $0.internetFacing ? "yes" : "no", $0.owner,
                    $0.vulnerabilities.map(\.cve).joined(separator: ","),
                ]
            }
        case .cves:
            emit(e.cves, header: ["cve", "cvss", "kev", "product"]) {
                [$0.id, String($0.cvss), $0.knownExploited ? "yes" : "no", $0.product]
            }
        case .tickets:
            emit(e.tickets, header: ["key", "type", "status", "created", "summary"]) {
                [$0.key, $0.type, $0.status, $0.created.rfc3339(fractionalSeconds: false), $0.summary]
            }
        case .channels:
            emit(e.channels, header: ["id", "channel", "members", "purpose"]) {
                [$0.id, "#" + $0.name, String($0.members.count), $0.purpose]
            }
        case .oncall:
            emit(e.onCall, header: ["team", "channel", "on call now (lab epoch)", "rotation"]) {
                [
                    $0.team, "#" + $0.channel, $0.onCall(at: e.epoch, epoch: e.epoch),
                    String($0.members.count) + " people",
                ]
            }
        case .baselines:
            emit(e.baselines, header: ["entity", "countries", "asns", "active hours (UTC)", "accounts"]) {
                [
                    $0.entity, $0.countries.joined(separator: ","), $0.asns.map(String.init).joined(separator: ","),
                    $0.activeHoursUTC.map(String.init).joined(separator: ","), String($0.accounts.count),
                ]
            }
        case .networks:
            emit(e.networks, header: ["cidr", "kind", "asn", "operator", "place"]) {
                [$0.cidr, $0.kind.rawValue, "AS\($0.asn)", $0.isp, "\($0.city), \($0.countryCode)"]
            }
        case .scenarios:
            let rows = ScenarioCatalog.all.map {
                ScenarioRow(id: $0.id, label: $0.label.rawValue, hard: $0.hard, weight: $0.weight, summary: $0.summary)
            }
            emit(rows, header: ["scenario", "label", "hard", "weight", "summary"]) {
                [$0.id, $0.label, $0.hard ? "yes" : "", String(Int($0.weight)), $0.summary]
            }
        case .rules:
            let rows = LabRule.all.map {
                RuleRow(
                    id: $0.id, name: $0.name, logType: $0.logType.rawValue, severity: $0.severity.rawValue,
                    mitre: $0.mitre)
            }
            emit(rows, header: ["rule", "name", "log type", "severity", "att&ck"]) {
                [$0.id, $0.name, $0.logType, $0.severity, $0.mitre.joined(separator: ",")]
            }
        }
    }

    private func emit<T: Encodable>(_ items: [T], header: [String], row: (T) -> [String]) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        var selected = items
        if let filter = filter?.lowercased() {
            selected = items.filter { item in
                (try? encoder.encode(item)).map { String(decoding: $0, as: UTF8.self).lowercased().contains(filter) }
                    ?? false
            }
        }
        if let limit { selected = Array(selected.prefix(limit)) }
        if json {
            let data = (try? encoder.encode(selected)) ?? Data("[]".utf8)
            print(String(decoding: data, as: UTF8.self))
        } else {
            print(Table.render(header: header, rows: selected.map(row)))
            if selected.count != items.count { Console.note("\(selected.count) of \(items.count) shown") }
        }
    }
}

private struct RoleRow: Encodable {
    var account: String
    var role: IAMRole
}

private struct ScenarioRow: Encodable {
    var id: String
    var label: String
    var hard: Bool
    var weight: Double
    var summary: String
}

private struct RuleRow: Encodable {
    var id: String
    var name: String
    var logType: String
    var severity: String
    var mitre: [String]
}
