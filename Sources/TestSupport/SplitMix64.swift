import Foundation

/// SplitMix64: a tiny seeded generator, so generated test cases (and figures taken from them) are reproducible and
/// a failing trial can be replayed. https://prng.di.unimi.it/splitmix64.c
public struct SplitMix64: RandomNumberGenerator {
    public var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// For a randomized test: seeded from `TEST_SEED` when set, else at random, and the seed printed with the
    /// test's name, so a failure seen once can be run again (`TEST_SEED=<seed> swift test --filter <test>`).
    public static func forTest(_ name: String = #function) -> SplitMix64 {
        let given = ProcessInfo.processInfo.environment["TEST_SEED"]
        guard given.map({ UInt64($0) != nil }) ?? true else { fatalError("TEST_SEED=\(given!) is not a whole number 0...2^64-1") }
        let seed = given.flatMap { UInt64($0) } ?? UInt64.random(in: 0...UInt64.max)
        print("\(name): TEST_SEED=\(seed)")
        return SplitMix64(seed: seed)
    }

    /// A number in `0..<bound` (modulo bias is irrelevant for test generation).
    public mutating func next(below bound: Int) -> Int { Int(next() % UInt64(bound)) }
}
