import VigilCore
import VigilPlatforms

extension PlatformServer {
    static func collaboration(_ port: any CollaborationPlatform) -> PlatformServer {
        PlatformServer(
            kind: .collaboration, title: "Vigil Collaboration",
            instructions:
                "People and chat: how to reach someone, their manager, who is on call. With the write grant: post to a channel, and ask humans to approve an action (then poll get_approval).",
            tools: [
                ToolDefinition(
                    name: "lookup_person", title: "Look up person",
                    description:
                        "How to reach a person: e-mail, phone, chat handle, manager, and the on-call rotations they are in.",
                    parameters: [.login], output: wrapped("person", CollaborationDocuments.person, "The person.")
                ) { try await port.lookupPerson(login: $0.require("login")) },
                ToolDefinition(
                    name: "get_approval", title: "Get approval",
                    description:
                        "The state of an approval request: pending, approved, denied or expired, and who decided.",
                    parameters: [.required("approval_id", .string(maxLength: 64), "The id request_approval returned.")],
                    output: wrapped("approval", CollaborationDocuments.approval, "The approval request.")
                ) { try await port.approval(id: $0.require("approval_id")) },
                ToolDefinition(
                    name: "post_message", title: "Post message",
                    description: "Posts a message to a channel.",
                    parameters: [
                        .required("channel", .string(maxLength: 100), "Channel name (#soc-alerts) or id."),
                        .required("text", .string(maxLength: 4000), "Message text."),
                    ],
                    output: [
                        .field("channel", .string(), "Channel id."), .field("ts", .string(), "Message timestamp id."),
                        .field("text", .string(), "What was posted."),
                    ], effect: .write, idempotent: false, openWorld: true, targets: ["channel"]
                ) { try await port.postMessage(channel: $0.require("channel"), text: $0.require("text")) },
                ToolDefinition(
                    name: "request_approval", title: "Request approval",
                    description:
                        "Asks humans in a channel (or one person) to approve an action. Returns a pending request that expires after an hour.",
                    parameters: [
                        .required(
                            "action", .string(maxLength: 1000),
                            "The action to approve, e.g. 'suspend_user ana.silva@meridian.example'."),
                        .required("reason", .string(maxLength: 4000), "Why it is needed: the evidence in brief."),
                        .required(
                            "approvers", .string(maxLength: 320), "A channel (#soc-approvals) or a person's login."),
                    ],
                    output: wrapped("approval", CollaborationDocuments.approval, "The new request."), effect: .write,
                    idempotent: false, openWorld: true, targets: []
                ) {
                    try await port.requestApproval(
                        action: $0.require("action"), reason: $0.require("reason"), approvers: $0.require("approvers"))
                },
            ])
    }
}
