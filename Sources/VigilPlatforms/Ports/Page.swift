import VigilCore

/// Pages a list of documents: at most `limit` items and at most `byteBudget` bytes of JSON, with an
/// opaque cursor for the rest and a note that says so. Cursors are positions in the list: if the list
/// grows at the front between two pages (a ticket created meanwhile), an item may appear twice. Every list a port returns goes through here,
/// so no answer is unbounded and a truncated answer always says it is.
public enum Page {
    /// The largest serialized list a page may carry (items only).
    public static let defaultByteBudget = 48 * 1024

    /// The members of a paged answer: `items` under `key`, `next_cursor`, `truncated`, `note`.
    public static func make(
        _ items: [JSONValue], key: String, noun: String, request: PageRequest,
        byteBudget: Int = defaultByteBudget
    ) throws(PlatformError) -> JSONObject {
        guard request.limit >= 1 else { throw .invalidArgument("limit", "must be at least 1") }
        let start = try offset(of: request.cursor)
        guard start <= items.count else {
            throw .invalidArgument("cursor", "points past the end of the list; start again without a cursor")
        }
        var kept: [JSONValue] = []
        var bytes = 0
        for item in items[start...] {
            guard kept.count < request.limit else { break }
            var buffer: [UInt8] = []
            item.write(to: &buffer)
            if !kept.isEmpty && bytes + buffer.count > byteBudget { break }
            bytes += buffer.count
            kept.append(item)
        }
        let end = start + kept.count
        var page = JSONObject()
        page[key] = .array(kept)
        page["total"] = .int(Int64(items.count))
        page["next_cursor"] = end < items.count ? .string("o\(end)") : .null
        page["truncated"] = .bool(end < items.count)
        page["note"] =
            end < items.count
            ? .string(
                "Showing \(noun) \(start + 1)–\(end) of \(items.count); call again with cursor \"o\(end)\" for more.")
            : .null
        return page
    }

    static func offset(of cursor: String?) throws(PlatformError) -> Int {
        guard let cursor else { return 0 }
        guard cursor.first == "o", let value = Int(cursor.dropFirst()), value >= 0 else {
            throw .invalidArgument("cursor", "'\(cursor)' is not a cursor this tool issued")
        }
        return value
    }

    /// The schema of a paged answer whose items follow `item`.
    public static func schema(key: String, item: JSONSchema, description: String) -> [JSONSchema.Property] {
        [
            .field(key, .array(item), description),
            .field("total", .integer(minimum: 0), "How many items match in all."),
            .field(
                "next_cursor", .nullable(.string()), "Pass as `cursor` to get the next page; null on the last page."),
            .field("truncated", .boolean, "Whether more items exist than this page holds."),
            .field("note", .nullable(.string()), "Says how to get the rest when the answer is truncated."),
        ]
    }
}
