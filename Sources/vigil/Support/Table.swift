import Foundation

/// Plain-text tables with aligned columns; long cells are cut to keep lines readable.
enum Table {
    static func render(header: [String], rows: [[String]], hideHeader: Bool = false, maxWidth: Int = 60) -> String {
        let all = (hideHeader ? [] : [header]) + rows
        guard !all.isEmpty else { return "(none)" }
        let columns = header.count
        var widths = [Int](repeating: 0, count: columns)
        let clipped = all.map { row in row.map { $0.count > maxWidth ? String($0.prefix(maxWidth - 1)) + "…" : $0 } }
        for row in clipped {
            for (i, cell) in row.enumerated() where i < columns { widths[i] = max(widths[i], cell.count) }
        }
        return clipped.map { row in
            row.enumerated().map { i, cell in
                i == row.count - 1 ? cell : cell.padding(toLength: widths[i], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }
}
