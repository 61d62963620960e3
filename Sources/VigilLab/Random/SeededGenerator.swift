import VigilCore

/// A seeded xoshiro256** generator: the same seed gives the same stream on every machine and run.
///
/// Bounded integers, doubles and picks are implemented here rather than through the standard
/// library's `random(in:using:)`, whose algorithm is not promised to stay the same across releases.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64

    public init(seed: UInt64) {
        var sm = seed
        func splitMix() -> UInt64 {
            sm &+= 0x9E37_79B9_7F4A_7C15
            var z = sm
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = splitMix()
        s1 = splitMix()
        s2 = splitMix()
        s3 = splitMix()
    }

    /// A generator for a named sub-stream: changing how one part of the lab draws numbers does not
    /// shift the numbers every other part sees.
    public init(seed: UInt64, stream: String) {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325  // FNV-1a
        for byte in stream.utf8 {
            h ^= UInt64(byte)
            h = h &* 0x100_0000_01B3
        }
        self.init(seed: seed ^ h)
    }

    /// Combines two values into one seed so that nearby inputs give unrelated streams
    /// (`mix(s, i + 1)` is not a shifted `mix(s + φ, i)`).
    public static func mix(_ a: UInt64, _ b: UInt64) -> UInt64 {
        func finalize(_ x: UInt64) -> UInt64 {
            var z = x &+ 0x9E37_79B9_7F4A_7C15
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        return finalize(finalize(a) ^ (b &* 0xD6E8_FEB8_6659_FD93))
    }

    public mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = s3 << 45 | s3 >> 19
        return result
    }

    /// Uniform in `0..<bound` (Lemire's multiply-shift with rejection).
    public mutating func below(_ bound: Int) -> Int {
        precondition(bound > 0, "bound must be positive")
        let b = UInt64(bound)
        var m = next().multipliedFullWidth(by: b)
        if m.low < b {
            let threshold = (0 &- b) % b
            while m.low < threshold { m = next().multipliedFullWidth(by: b) }
        }
        return Int(m.high)
    }

    public mutating func int(in range: ClosedRange<Int>) -> Int {
        range.lowerBound + below(range.upperBound - range.lowerBound + 1)
    }

    public mutating func int64(in range: ClosedRange<Int64>) -> Int64 {
        range.lowerBound + Int64(below(Int(range.upperBound - range.lowerBound + 1)))
    }

    /// Uniform in [0, 1).
    public mutating func unit() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    public mutating func chance(_ probability: Double) -> Bool { unit() < probability }

    public mutating func pick<C: Collection>(_ collection: C) -> C.Element where C.Index == Int {
        collection[collection.startIndex + below(collection.count)]
    }

    /// Picks by weight; weights need not sum to 1.
    public mutating func pick<T>(weighted choices: [(T, Double)]) -> T {
        let total = choices.reduce(0) { $0 + $1.1 }
        var x = unit() * total
        for (choice, weight) in choices {
            if x < weight { return choice }
            x -= weight
        }
        return choices[choices.count - 1].0
    }

    /// `count` distinct elements in random order.
    public mutating func sample<T>(_ array: [T], count: Int) -> [T] {
        var pool = array
        let n = min(count, pool.count)
        for i in 0..<n { pool.swapAt(i, i + below(pool.count - i)) }
        return Array(pool.prefix(n))
    }

    public mutating func uuid() -> String { UUIDText.format(high: next(), low: next()) }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)
    private static let upperAlnum: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".utf8)
    private static let okta: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".utf8)

    public mutating func hex(_ count: Int) -> String { string(count, from: Self.hexDigits) }
    /// Upper-case letters and digits 2–7, as in AWS key and principal ids.
    public mutating func awsID(_ count: Int) -> String { string(count, from: Self.upperAlnum) }
    public mutating func alphanumeric(_ count: Int) -> String { string(count, from: Self.okta) }
    public mutating func digits(_ count: Int) -> String { string(count, from: Array("0123456789".utf8)) }

    private mutating func string(_ count: Int, from alphabet: [UInt8]) -> String {
        var bytes = [UInt8](repeating: 0, count: count)
        for i in 0..<count { bytes[i] = alphabet[below(alphabet.count)] }
        return String(decoding: bytes, as: UTF8.self)
    }
}
