import VigilCore

/// A ticket search: any of entity, text, status and window.
public struct TicketSearch: Sendable, Hashable {
    public var entity: String?
    public var text: String?
    public var status: String?
    public var window: TimeWindow
    public var page: PageRequest

    public init(
        entity: String? = nil, text: String? = nil, status: String? = nil, window: TimeWindow = .init(),
        page: PageRequest
    ) {
        self.entity = entity
        self.text = text
        self.status = status
        self.window = window
        self.page = page
    }
}

/// The ticketing port (Jira-like).
public protocol TicketingPlatform: Sendable {
    /// A page of `TicketingDocuments.summary` under `tickets`, newest first.
    func search(_ search: TicketSearch) async throws -> JSONObject
    /// `{"ticket": TicketingDocuments.ticket}`.
    func ticket(key: String) async throws -> JSONObject
    /// `{"ticket": TicketingDocuments.ticket}`.
    func create(
        type: String, summary: String, description: String, entities: [String], labels: [String]
    )
        async throws -> JSONObject
    /// `{"key", "comment_id", "comments"}`.
    func addComment(key: String, body: String) async throws -> JSONObject
    /// `{"key", "status", "previous_status"}`.
    func updateStatus(key: String, status: String) async throws -> JSONObject
}

public enum TicketingDocuments {
    public static let statuses = ["Open", "In Progress", "Done", "Closed"]
    public static let types = ["Change", "Incident", "Task", "Request", "Security"]

    static let summaryProperties: [JSONSchema.Property] = [
        .field("key", .string(), "Ticket key (SEC-123)."),
        .field("type", .string(), "Change, Incident, Task, Request, Security."),
        .field("summary", .string(), "One-line summary (untrusted text)."),
        .field("status", .string(), "Open, In Progress, Done, Closed."),
        .field("reporter", .string(), "Who opened it."),
        .field("assignee", .nullable(.string()), "Who has it."),
        .field("created", .dateTime, "Created."),
        .field("updated", .dateTime, "Last updated."),
        .field("labels", .array(.string()), "Labels."),
        .field("entities", .array(.string()), "Entities it is about: logins, accounts, addresses, hosts."),
    ]

    public static let summary = JSONSchema.object(properties: summaryProperties)

    public static let ticket = JSONSchema.object(
        properties: summaryProperties + [
            .field("description", .string(), "Description (untrusted text)."),
            .field(
                "comments",
                .array(
                    .object(properties: [
                        .field("id", .string(), "Comment id."),
                        .field("author", .string(), "Author."),
                        .field("created", .dateTime, "When."),
                        .field("body", .string(), "Text (untrusted)."),
                    ])), "Comments, oldest first."),
        ])
}
