import Foundation

/// Shared encoder and decoder for Codable round trips in tests.
enum JSONEncoderForTests {
    static func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return Array(try encoder.encode(value))
    }
}

enum JSONDecoderForTests {
    static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws -> T {
        try JSONDecoder().decode(type, from: Data(bytes))
    }
}

func roundTrip<T: Codable & Equatable>(_ value: T) throws -> T {
    try JSONDecoderForTests.decode(T.self, from: JSONEncoderForTests.encode(value))
}
