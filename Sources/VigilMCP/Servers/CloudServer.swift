import VigilCore
import VigilPlatforms

extension PlatformServer {
    static func cloud(_ port: any CloudPlatform) -> PlatformServer {
        let principal = ToolParameter.required(
            "principal", .string(maxLength: 2048),
            "An IAM user or role ARN (assumed-role ARNs too), or a user or role name.")
        // Whose baseline, and which address: checked and learnt alike.
        let entityAndAddress: [ToolParameter] = [
            .required("entity", .string(maxLength: 2048), "A user's login or a principal's ARN."),
            .required("ip", .string(maxLength: 64), "The address."),
        ]
        return PlatformServer(
            kind: .cloud, title: "Vigil Cloud (AWS)",
            instructions:
                "AWS accounts, IAM principals and resources, what a principal usually does, and whether an address is usual for it. Write tools are containment (deactivate a key, deny-all policy, isolate an instance, snapshot for forensics) and are only present when granted.",
            tools: [
                ToolDefinition(
                    name: "get_account", title: "Get account",
                    description:
                        "An AWS account: environment (production, staging, …), owning team, criticality and usual regions.",
                    parameters: [.required("account_id", .string(maxLength: 64), "Twelve-digit account id or alias.")],
                    output: wrapped("account", CloudDocuments.account, "The account.")
                ) { try await port.account(id: $0.require("account_id")) },
                ToolDefinition(
                    name: "get_principal", title: "Get principal",
                    description:
                        "An IAM user or role: attached policies, access keys with last use, console and MFA, who may assume it, and the automation (Terraform, CI) that uses it.",
                    parameters: [
                        principal,
                        ToolParameter(
                            "account_id", .string(maxLength: 64), "Account to look in when `principal` is a name."),
                    ],
                    output: wrapped("principal", CloudDocuments.principal, "The principal.")
                ) { try await port.principal($0.require("principal"), account: $0.string("account_id")) },
                ToolDefinition(
                    name: "describe_resource", title: "Describe resource",
                    description:
                        "A resource (bucket, instance, database, key, secret) by ARN or name: type, region, tags, exposure.",
                    parameters: [.required("resource", .string(maxLength: 2048), "ARN or name.")],
                    output: wrapped("resource", CloudDocuments.resource, "The resource.")
                ) { try await port.resource($0.require("resource")) },
                ToolDefinition(
                    name: "principal_activity_summary", title: "Principal activity summary",
                    description:
                        "What a principal did in CloudTrail over a window (a role includes its assumed-role sessions): API calls by action, source address and region, and failures.",
                    parameters: [principal] + ToolParameter.window, output: members(CloudDocuments.activity)
                ) { try await port.principalActivity($0.require("principal"), window: try $0.window()) },
                ToolDefinition(
                    name: "check_ip_baseline", title: "Check IP against baseline",
                    description:
                        "Is this address usual for this user or principal? Compares it, its network (ASN) and its country with the entity's baseline.",
                    parameters: entityAndAddress,
                    output: members(CloudDocuments.ipBaseline)
                ) { try await port.checkIPBaseline(entity: $0.require("entity"), ip: $0.require("ip")) },
                ToolDefinition(
                    name: "learn_ip_baseline", title: "Learn IP into baseline",
                    description:
                        "Adds an address to a user's or principal's baseline, so it counts as usual from now on. For after an alert about it was closed as a false positive; say why.",
                    parameters: entityAndAddress + [
                        .required("reason", .string(maxLength: 500), "Why it is usual (the closed alert and its finding)."),
                    ],
                    output: [
                        .field("entity", .string(), "Whose baseline."),
                        .field("ip", .string(), "The address."),
                        .field("added", .boolean, "False if it was already there."),
                        .field("reason", .string(), "Why."),
                    ], effect: .write, idempotent: true, targets: ["entity", "ip"]
                ) {
                    try await port.learnIPBaseline(
                        entity: $0.require("entity"), ip: $0.require("ip"), reason: $0.require("reason"))
                },
                ToolDefinition(
                    name: "deactivate_access_key", title: "Deactivate access key",
                    description: "Sets an IAM access key to Inactive: calls signed with it fail. Reversible.",
                    parameters: [
                        .required("access_key_id", .string(minLength: 16, maxLength: 128), "The key id (AKIA…).")
                    ],
                    output: [
                        .field("access_key_id", .string(), "The key."), .field("user", .string(), "Its user."),
                        .field("status", .string(), "Status now."),
                        .field("previous_status", .string(), "Status before."),
                        .field("changed", .boolean, "False when it was already inactive."),
                    ], effect: .destructive, targets: ["access_key_id"]
                ) { try await port.deactivateAccessKey(id: $0.require("access_key_id")) },
                ToolDefinition(
                    name: "attach_deny_all_policy", title: "Attach deny-all policy",
                    description:
                        "Attaches AWSDenyAll to a user or role: every action it attempts is denied. Reversible.",
                    parameters: [principal],
                    output: [
                        .field("principal", .string(), "The principal's ARN."),
                        .field("policy", .string(), "Policy attached."),
                        .field("changed", .boolean, "False when it was already attached."),
                    ], effect: .destructive, targets: ["principal"]
                ) { try await port.attachDenyAllPolicy(principal: $0.require("principal")) },
                ToolDefinition(
                    name: "isolate_instance", title: "Isolate instance",
                    description: "Moves an EC2 instance into a quarantine security group with no ingress or egress.",
                    parameters: [.required("instance", .string(maxLength: 2048), "Instance ARN or name.")],
                    output: [
                        .field("instance", .string(), "The instance's ARN."),
                        .field("isolated", .boolean, "Isolated now."),
                        .field("changed", .boolean, "False when it was already isolated."),
                        .field("security_group", .string(), "The quarantine group."),
                    ], effect: .destructive, targets: ["instance"]
                ) { try await port.isolateInstance($0.require("instance")) },
                ToolDefinition(
                    name: "snapshot_volume", title: "Snapshot for forensics",
                    description:
                        "Snapshots an instance's volumes or a database for forensics. Changes nothing on the source.",
                    parameters: [
                        .required("resource", .string(maxLength: 2048), "Instance, volume or database ARN or name.")
                    ],
                    output: [
                        .field("snapshot_id", .string(), "The snapshot."),
                        .field("source", .string(), "What was copied."),
                        .field("created", .dateTime, "When."),
                    ], effect: .write, idempotent: false, targets: ["resource"]
                ) { try await port.snapshotVolume($0.require("resource")) },
            ])
    }
}
