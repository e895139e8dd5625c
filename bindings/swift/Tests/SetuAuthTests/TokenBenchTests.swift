import Foundation
import SetuAuth
import XCTest

/// Cost per call of a cached token, printed for BENCHMARKS.md. Runs only with
/// SETU_BENCH=1; it measures and asserts nothing about speed.
final class TokenBenchTests: XCTestCase {
    func testCachedTokenCost() async throws {
        try XCTSkipUnless(ProcessInfo.processInfo.environment["SETU_BENCH"] == "1", "set SETU_BENCH=1 to run")
        let emulator = try startEmulator()
        defer { emulator.shutdown() }
        let key = try emulator.createKey(spec: KeySpec(name: "bench", products: [], tokenLifetime: nil))
        var config = makeConfig(clientId: key.clientId(), secret: key.secret())
        config.baseUrl = try emulator.url()
        let manager = try TokenManager(config: config)
        _ = try await manager.token()

        let calls = 100_000
        var best = UInt64.max
        for _ in 0..<5 {
            let start = DispatchTime.now().uptimeNanoseconds
            for _ in 0..<calls {
                _ = try await manager.token()
            }
            best = min(best, DispatchTime.now().uptimeNanoseconds - start)
        }
        print("bench async token(): \(best / UInt64(calls)) ns per call (best of 5 x \(calls))")

        best = UInt64.max
        for _ in 0..<5 {
            let start = DispatchTime.now().uptimeNanoseconds
            for _ in 0..<calls {
                _ = try manager.tokenBlocking()
            }
            best = min(best, DispatchTime.now().uptimeNanoseconds - start)
        }
        print("bench tokenBlocking(): \(best / UInt64(calls)) ns per call (best of 5 x \(calls))")
    }
}
