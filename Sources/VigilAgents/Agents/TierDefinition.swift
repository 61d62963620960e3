import Foundation
import VigilCore
import VigilGuard
import Yams

/// One tier of agents: its instructions and its budget. Read from `prompts/tierN.md` — a front-matter
/// block with the budget, then the instructions in Markdown — so the integrity manifest covers them.
///
/// ```markdown
/// ---
/// tier: 1
/// name: triage
/// max_turns: 6
/// max_tool_calls: 16
/// max_tokens: 60000
/// seconds: 180
/// result_characters: 6000
/// ---
/// You are Vigil's Tier 1 triage analyst. …
/// ```
public struct TierDefinition: Sendable, Hashable {
    /// 1 triage, 2 investigation, 3 forensic.
    public var tier: Int
    public var name: String
    public var instructions: String
    /// Model turns (requests) the tier may make.
    public var maxTurns: Int
    /// Tool calls the tier may make (the watchdog's step budget).
    public var maxToolCalls: Int
    /// Input and output tokens over all turns (the watchdog's token budget).
    public var maxTokens: Int
    /// Wall-clock seconds (the watchdog's time budget).
    public var seconds: Double
    /// The most characters of one tool result the model is shown; longer results are summarised.
    public var resultCharacters: Int
    public var source: String?

    public init(
        tier: Int, name: String, instructions: String, maxTurns: Int = 6, maxToolCalls: Int = 16,
        maxTokens: Int = 60_000, seconds: Double = 180, resultCharacters: Int = 6_000, source: String? = nil
    ) {
        self.tier = tier
        self.name = name
        self.instructions = instructions
        self.maxTurns = maxTurns
        self.maxToolCalls = maxToolCalls
        self.maxTokens = maxTokens
        self.seconds = seconds
        self.resultCharacters = resultCharacters
        self.source = source
    }

    /// The Guard's name for the tier (`tier1`).
    public var guardTier: String { "tier\(tier)" }

    public var budget: Watchdog.Budget { Watchdog.Budget(steps: maxToolCalls, tokens: maxTokens, seconds: seconds) }

    /// Reads one prompt file.
    public static func parse(_ text: String, source: String) throws(TierDefinitionError) -> TierDefinition {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.first?.trimmingCharacters(in: .whitespaces) == "---",
            let end = lines.dropFirst().firstIndex(where: { $0.trimmingCharacters(in: .whitespaces) == "---" })
        else {
            throw TierDefinitionError(
                "\(source): expected a front-matter block (--- tier, name, budget ---) at the top")
        }
        let front = lines[1..<end].joined(separator: "\n")
        let body = lines[(end + 1)...].joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
        let node: Node?
        do {
            node = try Yams.compose(yaml: front)
        } catch {
            throw TierDefinitionError("\(source): the front matter is not valid YAML: \(YAMLErrorText.describe(error))")
        }
        guard let mapping = node?.mapping else {
            throw TierDefinitionError("\(source): the front matter must be a mapping")
        }
        var fields: [String: (String, Int)] = [:]
        for (key, value) in mapping {
            guard let name = key.string, let scalar = value.scalar else {
                throw TierDefinitionError("\(source) line \((key.mark?.line ?? 0) + 1): expected KEY: VALUE")
            }
            fields[name] = (scalar.string, (key.mark?.line ?? 0) + 2)
        }
        let known: Set<String> = [
            "tier", "name", "max_turns", "max_tool_calls", "max_tokens", "seconds", "result_characters",
        ]
        for (key, (_, line)) in fields where !known.contains(key) {
            throw TierDefinitionError(
                "\(source) line \(line): unknown key '\(key)' (\(known.sorted().joined(separator: ", ")))")
        }
        func number(
            _ key: String, _ range: ClosedRange<Double>, default value: Double?
        ) throws(TierDefinitionError) -> Double {
            guard let (text, line) = fields[key] else {
                guard let value else { throw TierDefinitionError("\(source): the front matter needs '\(key)'") }
                return value
            }
            guard let number = Double(text), range.contains(number) else {
                throw TierDefinitionError(
                    "\(source) line \(line): \(key) '\(text)' is not a number in \(Int(range.lowerBound))…\(Int(range.upperBound))"
                )
            }
            return number
        }
        let tier = Int(try number("tier", 1...3, default: nil))
        guard !body.isEmpty else {
            throw TierDefinitionError("\(source): the instructions after the front matter are empty")
        }
        return TierDefinition(
            tier: tier, name: fields["name"]?.0 ?? "tier\(tier)", instructions: body,
            maxTurns: Int(try number("max_turns", 1...50, default: 6)),
            maxToolCalls: Int(try number("max_tool_calls", 0...500, default: 16)),
            maxTokens: Int(try number("max_tokens", 1_000...10_000_000, default: 60_000)),
            seconds: try number("seconds", 1...86_400, default: 180),
            resultCharacters: Int(try number("result_characters", 500...200_000, default: 6_000)), source: source)
    }

    /// Every `tier*.md` of a directory, by tier; tier 1 must be there.
    public static func load(directory: String) throws(TierDefinitionError) -> [Int: TierDefinition] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory).filter {
                $0.hasPrefix("tier") && $0.hasSuffix(".md")
            }.sorted()
        } catch {
            throw TierDefinitionError("cannot read the prompts directory \(directory): \(error.localizedDescription)")
        }
        var files: [(source: String, text: String)] = []
        for name in names {
            let path = (directory as NSString).appendingPathComponent(name)
            do {
                files.append((path, try String(contentsOfFile: path, encoding: .utf8)))
            } catch {
                throw TierDefinitionError("cannot read \(path): \(error.localizedDescription)")
            }
        }
        return try load(files, from: directory)
    }

    /// The tier prompts shipped with Vigil (the repository's `prompts/`, embedded in the binary).
    public static func embedded() throws(TierDefinitionError) -> [Int: TierDefinition] {
        try load(
            EmbeddedAgentFiles.prompts.filter { $0.name.hasPrefix("tier") }.map { ("embedded prompts/\($0.name)", $0.text) },
            from: "embedded prompts")
    }

    static func load(_ files: [(source: String, text: String)], from place: String) throws(TierDefinitionError)
        -> [Int: TierDefinition]
    {
        var tiers: [Int: TierDefinition] = [:]
        for (source, text) in files {
            let definition = try parse(text, source: source)
            if let other = tiers[definition.tier] {
                throw TierDefinitionError(
                    "\(source): tier \(definition.tier) is already defined by \(other.source ?? "another file")")
            }
            tiers[definition.tier] = definition
        }
        guard tiers[1] != nil else {
            throw TierDefinitionError("\(place): no prompt file defines tier 1 (tier1.md)")
        }
        return tiers
    }
}

public struct TierDefinitionError: Error, Sendable, Hashable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
