/// A fast, stable 128-bit digest (two FNV-1a lanes) for identifiers derived from content: alert ids,
/// store keys. Not cryptographic; it only has to be the same on every run and machine.
public enum Digest {
    public static func fnv128(_ bytes: some Sequence<UInt8>) -> (high: UInt64, low: UInt64) {
        var high: UInt64 = 0xCBF2_9CE4_8422_2325
        var low: UInt64 = 0x8422_2325_CBF2_9CE4
        for byte in bytes {
            high = (high ^ UInt64(byte)) &* 0x100_0000_01B3
            low = (low ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 &+ 0x9E37
        }
        return (high, low)
    }
}
