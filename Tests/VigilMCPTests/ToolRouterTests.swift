import Logging
import MCP
import Testing
import VigilCore
import VigilPlatforms
import VigilTesting

@testable import VigilMCP

let labWorld: LabWorld = try! LabWorld(alertCount: 60, clock: FakeClock())

/// Valid arguments for every read tool, from the lab world.
func validArguments(_ world: LabWorld) -> [String: JSONObject] {
    let owner = world.enterprise.devices.first { $0.owner != nil }!
    let login = owner.owner!
    let account = world.enterprise.accounts[0]
    let alert = world.alerts[0].alert
    return [
        "get_alert": ["alert_id": .string(alert.id)],
        "search_events": ["filters": ["log_type": "Okta.SystemLog"], "limit": 5],
        "entity_activity": ["kind": "user", "entity": .string(login)],
        "first_seen": ["kind": "user", "entity": .string(login), "action": "user.session.start"],
        "related_alerts": ["alert_id": .string(alert.id)],
        "get_user": ["login": .string(login)], "get_mfa_factors": ["login": .string(login)],
        "list_sessions": ["login": .string(login)], "recent_changes": ["login": .string(login)],
        "get_groups": ["login": .string(login)],
        "get_account": ["account_id": .string(account.id)],
        "get_principal": ["principal": .string(account.roles[0].arn)],
        "describe_resource": ["resource": .string(account.resources[0].arn)],
        "principal_activity_summary": ["principal": .string(account.roles[0].arn)],
        "check_ip_baseline": ["entity": .string(login), "ip": "192.0.2.1"],
        "search_tickets": ["text": "terraform"], "get_ticket": ["key": .string(world.enterprise.tickets[0].key)],
        "lookup_person": ["login": .string(login)], "get_approval": ["approval_id": "APR-0"],
        "asset_vulnerabilities": ["asset": .string(world.enterprise.assets[0].id)],
        "get_cve": ["cve_id": "CVE-2021-44228"],
        "exposed_assets": [:],
        "get_device": ["device": .string(owner.id)], "devices_for_user": ["login": .string(login)],
        "installed_software": ["device": .string(owner.hostname)], "recent_processes": ["device": .string(owner.id)],
    ]
}

@Suite("Tool router and in-process MCP")
struct ToolRouterTests {
    @Test(arguments: PlatformKind.allCases)
    func everyToolDeclaresAFullContract(kind: PlatformKind) {
        let server = PlatformServer.make(kind, platforms: labWorld.platforms)
        #expect(!server.tools.isEmpty)
        for tool in server.tools {
            #expect(!tool.description.isEmpty)
            for parameter in tool.parameters {
                #expect(!parameter.description.isEmpty, "\(tool.name).\(parameter.name)")
            }
            #expect(tool.inputSchema.rendered["type"] == "object")
            #expect(tool.outputSchema.rendered["type"] == "object")
            let annotations = tool.mcpTool.annotations
            #expect(annotations.readOnlyHint == (tool.effect == .read))
            #expect(annotations.destructiveHint == (tool.effect == .destructive))
            #expect(tool.scope == (tool.effect == .read ? .read : .write))
        }
    }

    @Test(arguments: PlatformKind.allCases)
    func readToolsAnswerWithSchemaValidStructuredContent(kind: PlatformKind) async throws {
        let router = ToolRouter(server: PlatformServer.make(kind, platforms: labWorld.platforms), scopes: [.read])
        let arguments = validArguments(labWorld)
        for tool in router.server.tools(in: [.read]) {
            let given = try #require(arguments[tool.name], "no fixture for \(tool.name)")
            let result = try #require(await router.call(tool.name, arguments: given))
            if tool.name == "get_approval" {
                #expect(result.isError)  // no approval exists in a read-only world
                continue
            }
            #expect(!result.isError, "\(tool.name): \(result.text)")
            let structured = JSONValue.object(try #require(result.structured))
            #expect(try JSONParser.parse(result.text).serialized() == structured.serialized())
            do {
                try tool.outputSchema.validate(structured)
            } catch {
                Issue.record("\(tool.name): \(error)")
            }
        }
    }

    @Test func badArgumentsAreToolErrorsNamingTheArgument() async throws {
        let router = ToolRouter(server: PlatformServer.make(.siem, platforms: labWorld.platforms), scopes: [.read])
        let cases: [(JSONObject, String)] = [
            (["filters": ["actor": "x"], "limit": 0], "argument 'limit': expected an integer from 1 to 200, got 0"),
            (["filters": ["password": "x"]], "argument 'filters': expected an object whose keys are among"),
            (["from": "yesterday"], "argument 'from': expected an RFC 3339 time"),
            (["from": "2026-11-02T00:00:00Z", "to": "2026-11-01T00:00:00Z"], "argument 'to': is before 'from'"),
            (["text": 5], "argument 'text': expected a non-empty string of at most 500 characters, got 5"),
            (
                ["surprise": true],
                "argument 'surprise': unknown argument; this tool takes filters, text, from, to, limit, cursor"
            ),
            (["cursor": "12"], "argument 'cursor': cursor '12' is not one this store issued"),
        ]
        for (arguments, message) in cases {
            let result = try #require(await router.call("search_events", arguments: arguments))
            #expect(result.isError)
            #expect(result.structured == nil)
            #expect(result.text.hasPrefix(message), "\(result.text)")
        }
        let missing = try #require(await router.call("get_alert", arguments: [:]))
        #expect(missing.isError && missing.text == "argument 'alert_id': is required")
        let related = try #require(await router.call("related_alerts", arguments: [:]))
        #expect(related.isError)
    }

    @Test func writeToolsAreInvisibleAndUncallableWithoutTheGrant() async throws {
        let world = try LabWorld(alertCount: 5, clock: FakeClock())
        let server = PlatformServer.make(.identity, platforms: world.platforms)
        let readOnly = ToolRouter(server: server, scopes: [.read])
        #expect(
            Set(readOnly.mcpTools.map(\.name)) == [
                "get_user", "get_mfa_factors", "list_sessions", "recent_changes", "get_groups",
            ])
        let login = world.enterprise.people[0].login
        #expect(await readOnly.call("suspend_user", arguments: ["login": .string(login), "reason": "x"]) == nil)
        #expect(try await world.platforms.identity.user(login: login)["user"]?["status"] != "SUSPENDED")
        let granted = ToolRouter(server: server, scopes: [.read, .write])
        #expect(granted.mcpTools.count == 8)
        let result = try #require(
            await granted.call("suspend_user", arguments: ["login": .string(login), "reason": "x"]))
        #expect(!result.isError)
        #expect(try await world.platforms.identity.user(login: login)["user"]?["status"] == "SUSPENDED")
    }

    @Test func inProcessClientSeesTheSameServer() async throws {
        let router = ToolRouter(
            server: PlatformServer.make(.vulnerability, platforms: labWorld.platforms), scopes: [.read])
        let server = try await InProcessServer(router)
        let connection = server.connection
        #expect(await connection.serverInfo?.name == "vigil-vulnerability")
        let tools = try await connection.listTools()
        #expect(tools.map(\.name) == ["asset_vulnerabilities", "get_cve", "exposed_assets"])
        #expect(tools.allSatisfy { $0.outputSchema != nil && $0.annotations.readOnlyHint == true })
        let outcome = try await connection.callTool("get_cve", arguments: ["cve_id": "CVE-2021-44228"])
        #expect(!outcome.isError)
        #expect(outcome.structured?["cve"]?["known_exploited"] == true)
        #expect(try JSONParser.parse(outcome.text) == outcome.structured)
        let bad = try await connection.callTool("get_cve", arguments: ["cve_id": 42])
        #expect(bad.isError)
        #expect(bad.text.contains("'cve_id'"))
        await #expect(throws: (any Error).self) { try await connection.callTool("nope") }
        await server.stop()
    }

    @Test func aSlowToolTimesOutAndTheConnectionStaysUsable() async throws {
        let slow = PlatformServer(
            kind: .siem, title: "slow", instructions: "",
            tools: [
                ToolDefinition(name: "slow", title: "Slow", description: "never answers in time", output: []) { _ in
                    try await Task.sleep(for: .seconds(600))
                    return [:]
                },
                ToolDefinition(
                    name: "fast", title: "Fast", description: "answers", output: [.field("ok", .boolean, "ok")]
                ) { _ in
                    ["ok": true]
                },
            ])
        let server = try await InProcessServer(ToolRouter(server: slow, scopes: [.read]))
        let connection = server.connection
        // The timeout releases the wait (the tool would take ten minutes) with an error that says so.
        let error = await #expect(throws: MCPConnectionError.self) {
            try await connection.callTool("slow", timeout: 0.2)
        }
        #expect(error?.description == "tool call 'slow' timed out after 0.2 s")
        let fast = try await connection.callTool("fast")
        #expect(fast.structured?["ok"] == true)
        await server.stop()
    }

    @Test func optionalArgumentsMayBeNullAndLengthsCountCodePoints() async throws {
        let router = ToolRouter(server: PlatformServer.make(.siem, platforms: labWorld.platforms), scopes: [.read])
        let withNulls = try #require(
            await router.call("search_events", arguments: ["text": .null, "cursor": .null, "limit": 2]))
        #expect(!withNulls.isError, "\(withNulls.text)")
        // 'country' takes two characters: a flag is one character but two code points.
        let flag = try #require(
            await router.call("first_seen", arguments: ["kind": "user", "entity": "x", "country": "🇺🇸"]))
        #expect(!flag.isError, "\(flag.text)")
        let accents = "e" + String(repeating: "\u{301}", count: 600)
        let long = try #require(await router.call("search_events", arguments: ["text": .string(accents)]))
        #expect(long.isError && long.text.hasPrefix("argument 'text'"))
    }

    @Test func concurrentSuspensionsReportOneChange() async throws {
        let world = try LabWorld(alertCount: 5, clock: FakeClock())
        let router = ToolRouter(
            server: PlatformServer.make(.identity, platforms: world.platforms), scopes: [.read, .write])
        let login = JSONValue.string(world.enterprise.people[7].login)
        let changed = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    let answer = await router.call("suspend_user", arguments: ["login": login, "reason": "r"])
                    return answer?.structured?["changed"] == true
                }
            }
            return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(changed == 1)
    }
}
