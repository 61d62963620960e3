import Foundation
import Logging
import Testing
import VigilCore

@testable import VigilMCP

@Suite("MCP dispatcher")
struct DispatcherTests {
    let dispatcher = MCPDispatcher(
        router: ToolRouter(server: PlatformServer.make(.vulnerability, platforms: labWorld.platforms), scopes: [.read]),
        logger: Logger(label: "test"))

    func answer(_ text: String) async -> JSONValue? { await answer(data: Data(text.utf8)) }

    /// The answer to `data` in a session that has been initialized, unless `initialized` says not.
    func answer(data: Data, initialized: Bool = true) async -> JSONValue? {
        var initialized = initialized
        return await answer(data: data, session: &initialized)
    }

    func answer(data: Data, session initialized: inout Bool) async -> JSONValue? {
        switch dispatcher.route(data, initialized: &initialized) {
        case .answer(let response): return response
        case .call(let id, let name, let arguments):
            return await dispatcher.call(id: id, name: name, arguments: arguments)
        case .nothing: return nil
        }
    }

    @Test func negotiatesTheProtocolVersion() async throws {
        let known = await answer(
            #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-03-26","capabilities":{},"clientInfo":{"name":"c","version":"1"}}}"#
        )
        #expect(known?["result"]?["protocolVersion"] == "2025-03-26")
        #expect(known?["result"]?["serverInfo"]?["name"] == "vigil-vulnerability")
        #expect(known?["result"]?["capabilities"]?["tools"]?["listChanged"] == false)
        let future = await answer(
            #"{"jsonrpc":"2.0","id":"a","method":"initialize","params":{"protocolVersion":"2099-01-01"}}"#)
        #expect(future?["result"]?["protocolVersion"] == .string(MCPDispatcher.protocolVersions[0]))
        #expect(future?["id"] == "a")
    }

    @Test(arguments: [
        (#"{"jsonrpc":"2.0","id":1,"method":"tools/list""#, -32700),
        (#"[{"jsonrpc":"2.0","id":1,"method":"ping"}]"#, -32600),
        (#""hello""#, -32600),
        (#"{"jsonrpc":"2.0","id":{"x":1},"method":"ping"}"#, -32600),
        (#"{"jsonrpc":"2.0","id":1}"#, -32600),
        (#"{"id":1,"method":"tools/list"}"#, -32600),
        (#"{"jsonrpc":"1.0","id":1,"method":"tools/list"}"#, -32600),
        (#"{"jsonrpc":"2.0","id":1,"method":"resources/list"}"#, -32601),
        (#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":[1]}"#, -32602),
        (#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{}}"#, -32602),
        (#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"get_cve","arguments":"x"}}"#, -32602),
        (#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"rm_rf"}}"#, -32602),
    ])
    func malformedMessagesGetJSONRPCErrors(message: String, code: Int64) async {
        let response = await answer(message)
        #expect(response?["error"]?["code"] == .int(code), "\(String(describing: response))")
        #expect(response?["jsonrpc"] == "2.0")
    }

    @Test func notificationsAndResponsesAreNotAnswered() async {
        #expect(await answer(#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#) == nil)
        #expect(await answer(#"{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":3}}"#) == nil)
        #expect(await answer(#"{"jsonrpc":"2.0","id":9,"result":{}}"#) == nil)
        #expect(await answer(" \t\r\n") == nil)
        // Without "jsonrpc": a response or a notification is still not answered.
        #expect(await answer(#"{"id":9,"result":{}}"#) == nil)
        #expect(await answer(#"{"method":"notifications/initialized"}"#) == nil)
        // Over HTTP, only a JSON-RPC 2.0 initialize opens a session.
        #expect(MCPSessionRegistry.isInitialize(Data(#"{"jsonrpc":"2.0","id":1,"method":"initialize"}"#.utf8)))
        #expect(!MCPSessionRegistry.isInitialize(Data(#"{"id":1,"method":"initialize"}"#.utf8)))
    }

    @Test func onlyInitializeAndPingAreAnsweredBeforeInitialize() async throws {
        var initialized = false
        func send(_ text: String) async -> JSONValue? { await answer(data: Data(text.utf8), session: &initialized) }
        let list = await send(#"{"jsonrpc":"2.0","id":1,"method":"tools/list"}"#)
        #expect(list?["error"]?["code"] == -32600)
        #expect(list?["id"] == 1)
        #expect(list?["error"]?["message"]?.stringValue?.contains("tools/list before initialize") == true)
        let call = await send(
            #"{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"get_cve","arguments":{"cve_id":"CVE-2021-44228"}}}"#
        )
        #expect(call?["error"]?["code"] == -32600)
        #expect(call?["result"] == nil)
        let unknown = await send(#"{"jsonrpc":"2.0","id":3,"method":"resources/list"}"#)
        #expect(unknown?["error"]?["code"] == -32600)
        #expect(await send(#"{"jsonrpc":"2.0","id":4,"method":"ping"}"#)?["result"] == [:])
        #expect(await send(#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#) == nil)
        #expect(!initialized, "a notification does not initialize the session")
        let initialize = await send(#"{"jsonrpc":"2.0","id":5,"method":"initialize","params":{"protocolVersion":"2025-06-18"}}"#)
        #expect(initialize?["result"]?["protocolVersion"] == "2025-06-18")
        #expect(initialized)
        let after = await send(#"{"jsonrpc":"2.0","id":6,"method":"tools/list"}"#)
        #expect(after?["result"]?["tools"]?.arrayValue?.count == 3)
    }

    @Test func listsAndCallsTools() async throws {
        let list = await answer(#"{"jsonrpc":"2.0","id":2,"method":"tools/list"}"#)
        let tools = try #require(list?["result"]?["tools"]?.arrayValue)
        #expect(tools.map { $0["name"]?.stringValue } == ["asset_vulnerabilities", "get_cve", "exposed_assets"])
        #expect(tools.allSatisfy { $0["annotations"]?["readOnlyHint"] == true && $0["outputSchema"] != nil })
        let call = await answer(
            #"{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"get_cve","arguments":{"cve_id":"CVE-2021-44228"}}}"#
        )
        #expect(call?["result"]?["isError"] == false)
        #expect(call?["result"]?["structuredContent"]?["cve"]?["id"] == "CVE-2021-44228")
        let text = try #require(call?["result"]?["content"]?[0]?["text"]?.stringValue)
        #expect(try JSONParser.parse(text).serialized() == call?["result"]?["structuredContent"]?.serialized())
        let ping = await answer(#"{"jsonrpc":"2.0","id":4,"method":"ping"}"#)
        #expect(ping?["result"] == [:])
    }

    @Test func nothingAClientSendsStopsTheDispatcher() async {
        let valid = Array(
            #"{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"get_cve","arguments":{"cve_id":"CVE-2021-44228","x":[1,2.5e300,{"y":null}]}}}"#
                .utf8)
        var generator = SystemRandomNumberGenerator()
        var inputs: [[UInt8]] = [
            Array(String(repeating: "[", count: 100_000).utf8), Array(String(repeating: "{\"a\":", count: 50_000).utf8),
            [0xFF, 0xFE, 0x00], [], Array(#"{"jsonrpc":"2.0","id":9223372036854775807,"method":"ping"}"#.utf8),
            Array(
                #"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"get_cve","arguments":{"cve_id":"\u0000\ud800"}}}"#
                    .utf8),
        ]
        for _ in 0..<2000 {
            var mutated = valid
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                let index = Int.random(in: 0..<mutated.count, using: &generator)
                switch Int.random(in: 0..<3, using: &generator) {
                case 0: mutated[index] = UInt8.random(in: 0...255, using: &generator)
                case 1: mutated.remove(at: index)
                default: mutated.insert(UInt8.random(in: 32...126, using: &generator), at: index)
                }
            }
            inputs.append(mutated)
        }
        for input in inputs {
            guard let response = await answer(data: Data(input)) else { continue }
            #expect(response["jsonrpc"] == "2.0")
            #expect((response["result"] == nil) != (response["error"] == nil))
        }
    }

    @Test func integralNumbersCountAsIntegers() async {
        let response = await answer(
            #"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"exposed_assets","arguments":{"limit":5.0}}}"#
        )
        #expect(response?["result"]?["isError"] == false)
        let fractional = await answer(
            #"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"exposed_assets","arguments":{"limit":5.5}}}"#
        )
        #expect(fractional?["result"]?["isError"] == true)
    }
}
