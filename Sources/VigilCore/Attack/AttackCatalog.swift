import Foundation

/// An ATT&CK tactic (`TA0003` Persistence).
public struct Tactic: Sendable, Hashable, Codable {
    public var id: String
    public var shortname: String
    public var name: String

    public init(id: String, shortname: String, name: String) {
        self.id = id
        self.shortname = shortname
        self.name = name
    }
}

/// An ATT&CK technique or sub-technique (`T1098` Account Manipulation, `T1098.001` Additional Cloud Credentials).
public struct Technique: Sendable, Hashable, Codable {
    public var id: String
    public var name: String
    /// Tactic shortnames in matrix order (`persistence`, `privilege-escalation`).
    public var tactics: [String]
    public var platforms: [String]
    /// The base technique of a sub-technique.
    public var parent: String?

    public init(id: String, name: String, tactics: [String], platforms: [String], parent: String?) {
        self.id = id
        self.name = name
        self.tactics = tactics
        self.platforms = platforms
        self.parent = parent
    }

    public var isSubtechnique: Bool { parent != nil }
    public var url: String { "https://attack.mitre.org/techniques/" + id.replacingOccurrences(of: ".", with: "/") }

    enum CodingKeys: String, CodingKey {
        case id, name, tactics, platforms, parent
    }
}

/// The MITRE ATT&CK Enterprise catalog shipped with Vigil, with lookup by id and by name.
public struct AttackCatalog: Sendable {
    public let version: String
    public let tactics: [Tactic]
    public let techniques: [Technique]
    private let techniquesByID: [String: Technique]
    private let techniquesByName: [String: [Technique]]
    private let tacticsByKey: [String: Tactic]

    public init(version: String, tactics: [Tactic], techniques: [Technique]) {
        self.version = version
        self.tactics = tactics
        self.techniques = techniques
        techniquesByID = Dictionary(techniques.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var byName: [String: [Technique]] = [:]
        for technique in techniques {
            byName[technique.name.lowercased(), default: []].append(technique)
        }
        techniquesByName = byName
        var tacticKeys: [String: Tactic] = [:]
        for tactic in tactics {
            tacticKeys[tactic.id] = tactic
            tacticKeys[tactic.shortname] = tactic
            tacticKeys[tactic.name.lowercased()] = tactic
        }
        tacticsByKey = tacticKeys
    }

    /// ATT&CK Enterprise (the version in `version`), parsed once on first use.
    public static let enterprise: AttackCatalog = {
        let tactics = enterpriseTacticsTSV.split(separator: "\n").map { line -> Tactic in
            let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            return Tactic(id: f[0], shortname: f[1], name: f[2])
        }
        let techniques = enterpriseTechniquesTSV.split(separator: "\n").map { line -> Technique in
            let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            return Technique(
                id: f[0], name: f[1],
                tactics: f[2].split(separator: ",").map(String.init),
                platforms: f[3].split(separator: ",").map(String.init),
                parent: f[4].isEmpty ? nil : f[4])
        }
        return AttackCatalog(version: enterpriseVersion, tactics: tactics, techniques: techniques)
    }()

    /// The technique or sub-technique with this id (`T1078`, `T1078.004`).
    public func technique(id: String) -> Technique? { techniquesByID[id.uppercased()] }

    /// Techniques with this name, case-insensitively. Sub-technique names repeat across parents
    /// ("Cloud Accounts"), so qualify them as "Valid Accounts: Cloud Accounts" to get exactly one.
    public func techniques(named name: String) -> [Technique] {
        let key = name.lowercased().trimmingCharacters(in: .whitespaces)
        if let exact = techniquesByName[key] { return exact }
        guard let colon = key.firstIndex(of: ":") else { return [] }
        let parentName = key[..<colon].trimmingCharacters(in: .whitespaces)
        let childName = key[key.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        let parents = Set((techniquesByName[parentName] ?? []).filter { !$0.isSubtechnique }.map(\.id))
        return (techniquesByName[childName] ?? []).filter { $0.parent.map(parents.contains) ?? false }
    }

    /// A tactic by id (`TA0003`), shortname (`persistence`) or name (`Persistence`).
    public func tactic(_ key: String) -> Tactic? {
        tacticsByKey[key] ?? tacticsByKey[key.uppercased()] ?? tacticsByKey[key.lowercased()]
    }

    /// The techniques (not sub-techniques) of a tactic, in id order.
    public func techniques(inTactic key: String) -> [Technique] {
        guard let tactic = tactic(key) else { return [] }
        return techniques.filter { !$0.isSubtechnique && $0.tactics.contains(tactic.shortname) }
    }

    /// The sub-techniques of a technique, in id order.
    public func subtechniques(of id: String) -> [Technique] {
        techniques.filter { $0.parent == id.uppercased() }
    }

    /// "Valid Accounts: Cloud Accounts" for a sub-technique, the plain name otherwise.
    public func fullName(of technique: Technique) -> String {
        guard let parent = technique.parent, let base = techniquesByID[parent] else { return technique.name }
        return "\(base.name): \(technique.name)"
    }

    /// Checks an alert's mapping against the catalog: the technique exists, and the tactic (if given)
    /// exists and is one the technique serves. Returns a problem to report, or `nil`.
    public func problem(with reference: AttackReference) -> String? {
        guard let technique = technique(id: reference.technique) else {
            return "\(reference.technique) is not an active ATT&CK \(version) technique"
        }
        guard let tacticID = reference.tactic else { return nil }
        guard let tactic = tactic(tacticID) else { return "\(tacticID) is not an ATT&CK tactic" }
        if !technique.tactics.contains(tactic.shortname) {
            return "\(technique.id) (\(technique.name)) is not a technique of \(tactic.id) (\(tactic.name))"
        }
        return nil
    }
}
