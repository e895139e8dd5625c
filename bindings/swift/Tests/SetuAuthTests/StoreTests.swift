import Foundation
import SetuAuth
import XCTest

/// Token stores: two managers sharing one token through a file store, and invalid stores.
final class StoreTests: XCTestCase {
    private let password = "redis-pass-do-not-print-42"
    private var emulator: Emulator!
    private var key: ApiKey!

    override func setUpWithError() throws {
        emulator = try startEmulator()
        key = try emulator.createKey(spec: KeySpec(name: "main", products: ["product-a"], tokenLifetime: nil))
    }

    override func tearDown() {
        emulator.shutdown()
    }

    private func manager(store: Store) throws -> TokenManager {
        var config = makeConfig(clientId: key.clientId(), secret: key.secret())
        config.baseUrl = try emulator.url()
        config.store = store
        return try TokenManager(config: config)
    }

    func testTwoManagersWithOneFileStoreMakeOneRequest() async throws {
        let dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("setu-auth-swift-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: false)
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = Store.file(dir: dir.path)

        let first = try await manager(store: store).token()
        let second = try await manager(store: store).token()

        XCTAssertEqual(first, second)
        XCTAssertEqual(try emulator.stats().tokenRequests, 1)
    }

    func testDefaultStoreIsMemory() {
        XCTAssertEqual(makeConfig(clientId: "id", secret: "secret").store.kind(), "memory")
    }

    func testInvalidStoresAreInvalidConfig() throws {
        XCTAssertThrowsError(try manager(store: Store.file(dir: "relative/dir"))) { error in
            let error = error as! SetuAuthError
            XCTAssertEqual(error.code, "invalid_config")
            XCTAssertTrue(error.message.contains("relative"))
        }
        XCTAssertThrowsError(try manager(store: Store.redis(url: "http://:\(password)@127.0.0.1:6379", timeoutMs: 1000))) {
            error in
            let error = error as! SetuAuthError
            XCTAssertEqual(error.code, "invalid_config")
            XCTAssertTrue(error.message.contains("scheme"))
            XCTAssertFalse(String(describing: error).contains(self.password))
        }
    }

    func testTextFormsNeverShowARedisPassword() {
        let store = Store.redis(url: "redis://:\(password)@127.0.0.1:6379/0", timeoutMs: 1000)
        var config = makeConfig(clientId: "id", secret: "secret")
        config.store = store

        for text in [String(describing: store), String(describing: config), String(reflecting: config)] {
            XCTAssertFalse(text.contains(password), text)
        }
    }
}
