import VigilCore
import VigilLab

/// The ticketing port over the lab's tickets (the enterprise's and those its scenarios opened).
struct LabTicketing: TicketingPlatform {
    let world: LabWorld

    func allTickets() async -> [Ticket] {
        let created = await world.state.createdTickets
        let status = await world.state.ticketStatus
        return (created.reversed() + world.tickets).map { ticket in
            var ticket = ticket
            if let changed = status[ticket.key] { ticket.status = changed }
            return ticket
        }
    }

    func search(_ search: TicketSearch) async throws -> JSONObject {
        if let status = search.status, !TicketingDocuments.statuses.contains(status) {
            throw PlatformError.invalidArgument(
                "status", "must be one of \(TicketingDocuments.statuses.joined(separator: ", "))")
        }
        let words = search.text?.lowercased().split(whereSeparator: \.isWhitespace) ?? []
        let entity = search.entity?.lowercased()
        let matches = await allTickets().filter { t in
            if let entity, !t.entities.contains(where: { $0.lowercased() == entity }) { return false }
            if let status = search.status, t.status != status { return false }
            if !search.window.contains(t.created) { return false }
            let text = (t.summary + " " + t.description + " " + t.labels.joined(separator: " ")).lowercased()
            return words.allSatisfy { text.contains($0) }
        }
        return try Page.make(
            matches.map { .object($0.summaryDocument) }, key: "tickets", noun: "tickets", request: search.page)
    }

    func ticket(key: String) async throws -> JSONObject {
        guard let t = await allTickets().first(where: { $0.key.caseInsensitiveCompare(key) == .orderedSame }) else {
            throw PlatformError.notFound("ticket", key)
        }
        return ["ticket": .object(t.document(comments: await world.state.comments[t.key] ?? []))]
    }

    func create(
        type: String, summary: String, description: String, entities: [String], labels: [String]
    )
        async throws -> JSONObject
    {
        guard TicketingDocuments.types.contains(type) else {
            throw PlatformError.invalidArgument(
                "type", "must be one of \(TicketingDocuments.types.joined(separator: ", "))")
        }
        let key = await world.state.createTicket(
            type: type, summary: summary, description: description, entities: entities, labels: labels)
        return try await ticket(key: key)
    }

    func addComment(key: String, body: String) async throws -> JSONObject {
        let ticket = try await ticket(key: key)
        let canonical = ticket["ticket"]?["key"]?.stringValue ?? key
        let (id, count) = await world.state.addComment(canonical, body)
        return ["key": .string(canonical), "comment_id": .string(id), "comments": .int(Int64(count))]
    }

    func updateStatus(key: String, status: String) async throws -> JSONObject {
        guard TicketingDocuments.statuses.contains(status) else {
            throw PlatformError.invalidArgument(
                "status", "must be one of \(TicketingDocuments.statuses.joined(separator: ", "))")
        }
        let ticket = try await ticket(key: key)
        let canonical = ticket["ticket"]?["key"]?.stringValue ?? key
        let original = world.tickets.first { $0.key == canonical }?.status ?? "Open"
        let previous = await world.state.setTicketStatus(canonical, status) ?? original
        return ["key": .string(canonical), "status": .string(status), "previous_status": .string(previous)]
    }
}

extension LabState {
    /// The identity Vigil's own writes are recorded under.
    static let automationActor = "vigil@meridian.example"

    func createTicket(
        type: String, summary: String, description: String, entities: [String], labels: [String]
    )
        -> String
    {
        let key = "SOC-\(9000 + nextNumber())"
        let now = clock.now()
        createdTickets.append(
            Ticket(
                key: key, type: type, summary: summary, description: description, status: "Open",
                reporter: Self.automationActor, assignee: nil, created: now, updated: now, labels: labels,
                entities: entities))
        return key
    }

    func addComment(_ key: String, _ body: String) -> (String, Int) {
        let id = "c\(nextNumber())"
        comments[key, default: []].append(
            [
                "id": .string(id), "author": .string(Self.automationActor), "created": .string(clock.now().description),
                "body": .string(body),
            ])
        return (id, comments[key]?.count ?? 0)
    }

    /// Sets a ticket's status; returns the one Vigil set before (nil: the ticket's own).
    func setTicketStatus(_ key: String, _ status: String) -> String? {
        defer { ticketStatus[key] = status }
        return ticketStatus[key]
    }
}
