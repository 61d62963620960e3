import Foundation
import VigilCore

/// Paths to test data: the project's own fixtures and the shared reference data beside the checkout.
public enum Fixtures {
    /// The package root (the folder holding Package.swift).
    public static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `Tests/Fixtures/<path>`.
    public static func url(_ path: String) -> URL {
        packageRoot.appendingPathComponent("Tests/Fixtures").appendingPathComponent(path)
    }

    public static func bytes(_ path: String) throws -> [UInt8] {
        Array(try Data(contentsOf: url(path)))
    }

    /// `../shared/data/<path>`: Panther rule tests, SigmaHQ rules, MITRE ATT&CK (see its README).
    public static func sharedData(_ path: String) -> URL {
        packageRoot.deletingLastPathComponent().appendingPathComponent("shared/data").appendingPathComponent(path)
    }

    /// The records of a JSON Lines file in the shared data, parsed.
    public static func sharedJSONLines(_ path: String) throws -> [JSONValue] {
        let url = sharedData(path)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw FixtureError(
                "shared data file \(url.path) is missing: the tests need ../shared/data beside the checkout")
        }
        let text = try String(contentsOf: url, encoding: .utf8)
        return try text.split(separator: "\n").map { try JSONParser.parse(String($0)) }
    }
}

public struct FixtureError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
