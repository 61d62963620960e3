import VigilCore
import VigilPlatforms

extension PlatformServer {
    static func endpoint(_ port: any EndpointPlatform) -> PlatformServer {
        let device = ToolParameter.required("device", .string(maxLength: 255), "Agent id or host name.")
        return PlatformServer(
            kind: .endpoint, title: "Vigil Endpoint",
            instructions:
                "Managed endpoints: devices and their owners, installed software, recent process and network activity from the EDR. With the write grant: network-isolate a device.",
            tools: [
                ToolDefinition(
                    name: "get_device", title: "Get device",
                    description: "A device: host name, platform, OS, owner, agent, local address, isolation state.",
                    parameters: [device], output: wrapped("device", EndpointDocuments.device, "The device.")
                ) { try await port.device($0.require("device")) },
                ToolDefinition(
                    name: "devices_for_user", title: "Devices for user",
                    description: "The devices a user owns.", parameters: [.login],
                    output: [
                        .field("login", .string(), "The user."),
                        .field("devices", .array(EndpointDocuments.device), "Their devices."),
                    ]
                ) { try await port.devices(ownedBy: $0.require("login")) },
                ToolDefinition(
                    name: "installed_software", title: "Installed software",
                    description: "Packages installed on a device.",
                    parameters: [device, .limit(default: 50, maximum: 200), .cursor],
                    output: [.field("device", .string(), "Agent id.")]
                        + Page.schema(key: "software", item: EndpointDocuments.software, description: "Packages.")
                ) { try await port.installedSoftware(device: $0.require("device"), page: $0.page(defaultLimit: 50)) },
                ToolDefinition(
                    name: "recent_processes", title: "Recent processes",
                    description:
                        "Process starts, DNS lookups and connections the EDR saw on a device over a window, newest first.",
                    parameters: [device] + ToolParameter.window + [.limit(), .cursor],
                    output: [.field("device", .string(), "Agent id.")]
                        + Page.schema(key: "processes", item: EndpointDocuments.process, description: "Events.")
                ) {
                    try await port.recentProcesses(
                        device: $0.require("device"), window: try $0.window(), page: $0.page())
                },
                ToolDefinition(
                    name: "isolate_device", title: "Isolate device",
                    description:
                        "Network-isolates a device: only the EDR's own channel stays open. Reversible by the EDR console.",
                    parameters: [device],
                    output: [
                        .field("device", .string(), "Agent id."), .field("hostname", .string(), "Host name."),
                        .field("isolated", .boolean, "Isolated now."),
                        .field("changed", .boolean, "False when it already was."),
                    ], effect: .destructive, targets: ["device"]
                ) { try await port.isolate(device: $0.require("device")) },
            ])
    }
}
