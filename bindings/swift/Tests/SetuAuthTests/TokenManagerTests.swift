import Foundation
import SetuAuth
import XCTest

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

final class TokenManagerTests: XCTestCase {
    private var emulator: Emulator!
    private var key: ApiKey!

    override func setUpWithError() throws {
        emulator = try startEmulator()
        key = try emulator.createKey(spec: KeySpec(name: "main", products: ["product-a"], tokenLifetime: nil))
    }

    override func tearDown() {
        emulator.shutdown()
    }

    private func manager(productInstanceId: String? = nil) throws -> TokenManager {
        var config = makeConfig(clientId: key.clientId(), secret: key.secret())
        config.baseUrl = try emulator.url()
        config.productInstanceId = productInstanceId
        return try TokenManager(config: config)
    }

    private func sampleRequest() throws -> URLRequest {
        URLRequest(url: URL(string: try emulator.url() + "/api/v2/sample")!)
    }

    func testTokenIsCachedAndSharedWithTheBlockingForm() async throws {
        let manager = try manager()
        XCTAssertNil(manager.cachedToken())
        let token = try await manager.token()
        XCTAssertEqual(manager.cachedToken(), token)
        XCTAssertEqual(try emulator.stats().tokenRequests, 1)
        XCTAssertEqual(manager.stats().tokenRequests, 1)
    }

    func testBlockingTokenFromAThread() throws {
        let manager = try manager()
        XCTAssertFalse(try manager.tokenBlocking().isEmpty)
    }

    func testRefreshAndInvalidate() async throws {
        let manager = try manager()
        let first = try await manager.token()
        let second = try await manager.refresh()
        XCTAssertNotEqual(first, second)
        XCTAssertFalse(manager.invalidate(token: first))
        XCTAssertTrue(manager.invalidate(token: second))
        XCTAssertEqual(manager.stats().invalidations, 1)
    }

    func testSetCredentialsAfterRegenerate() async throws {
        let manager = try manager()
        _ = try await manager.token()
        let fresh = try emulator.regenerateKey(clientId: key.clientId())
        try manager.setCredentials(clientId: fresh.clientId(), secret: fresh.secret())
        XCTAssertEqual(manager.clientId, fresh.clientId())
        _ = try await manager.token()
        XCTAssertEqual(try emulator.stats().tokenSuccesses, 2)
    }

    func testAuthHeaders() async throws {
        let manager = try manager(productInstanceId: "product-a")
        let headers = try await manager.authHeaders()
        let token = try await manager.token()
        XCTAssertEqual(headers.authorization(), "Bearer \(token)")
        XCTAssertEqual(
            headers.toMap(),
            ["Authorization": "Bearer \(token)", "X-Setu-Product-Instance-ID": "product-a"])
    }

    func testCloseThenCallsFailWithClosed() async throws {
        let manager = try manager()
        _ = try await manager.token()
        manager.close()
        manager.close()
        XCTAssertTrue(manager.isClosed)
        do {
            _ = try await manager.token()
            XCTFail("a closed manager returned a token")
        } catch let error as SetuAuthError {
            XCTAssertEqual(error.code, "closed")
            XCTAssertFalse(error.retryable)
        }
    }

    func testWrongSecretGivesSetuFields() async throws {
        var config = makeConfig(clientId: key.clientId(), secret: "wrong-secret")
        config.baseUrl = try emulator.url()
        let manager = try TokenManager(config: config)
        do {
            _ = try await manager.token()
            XCTFail("a wrong secret returned a token")
        } catch let error as SetuAuthError {
            XCTAssertEqual(error.code, "invalid_credentials")
            XCTAssertEqual(error.setuCode, "invalid-api-key")
            XCTAssertEqual(error.status, 400)
            XCTAssertNotNil(error.traceId)
            XCTAssertFalse(error.retryable)
            XCTAssertFalse(String(describing: error).contains("wrong-secret"))
        }
    }

    func testServerErrorIsRetryable() async throws {
        try emulator.pushFaultJson(json: #"{"action": "respond", "status": 503, "times": 10}"#)
        let manager = try manager()
        do {
            _ = try await manager.token()
            XCTFail("a 503 returned a token")
        } catch let error as SetuAuthError {
            XCTAssertEqual(error.code, "server_error")
            XCTAssertEqual(error.status, 503)
            XCTAssertTrue(error.retryable)
        }
    }

    func testInvalidSettingsNameTheValue() throws {
        var config = makeConfig(clientId: "id", secret: "secret")
        config.baseUrl = "http://example.invalid"
        XCTAssertThrowsError(try TokenManager(config: config)) { error in
            let error = error as! SetuAuthError
            XCTAssertEqual(error.code, "invalid_config")
            XCTAssertTrue(error.message.contains("http://example.invalid"))
        }
        XCTAssertThrowsError(try TokenManager(config: makeConfig(clientId: "", secret: "s"))) { error in
            XCTAssertTrue((error as! SetuAuthError).message.contains("client_id"))
        }
    }

    func testTextFormsNeverShowSecretsOrTokens() async throws {
        let manager = try manager(productInstanceId: "product-a")
        let token = try await manager.token()
        let headers = try await manager.authHeaders()
        let secret = key.secret()
        let config = makeConfig(clientId: key.clientId(), secret: secret)
        let texts = [
            manager.description, manager.debugDescription, String(describing: manager),
            headers.description, headers.debugDescription, String(reflecting: headers),
            key.description, key.debugDescription,
            Secret(value: secret).description, Secret(value: secret).debugDescription,
            String(describing: config), String(reflecting: config),
        ]
        for text in texts {
            XCTAssertFalse(text.contains(secret), text)
            XCTAssertFalse(text.contains(token), text)
        }
        XCTAssertTrue(manager.description.contains(key.clientId()))
    }

    func testURLSessionRetriesOnceAfter401() async throws {
        let manager = try manager(productInstanceId: "product-a")
        let first = try await manager.token()
        try emulator.setClockSkew(seconds: 7200)
        let (_, response) = try await manager.send(try sampleRequest())
        XCTAssertEqual(response.statusCode, 200)
        let second = try await manager.token()
        XCTAssertNotEqual(first, second)
        XCTAssertEqual(manager.stats().invalidations, 1)
    }

    func testURLSessionDoesNotRefreshOn403() async throws {
        let manager = try manager(productInstanceId: "other-product")
        let (_, response) = try await manager.send(try sampleRequest())
        XCTAssertEqual(response.statusCode, 403)
        XCTAssertEqual(manager.stats().invalidations, 0)
        XCTAssertEqual(try emulator.stats().tokenRequests, 1)
    }

    func testConcurrentCallersShareOneRequest() async throws {
        let manager = try manager()
        let tokens = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<50 {
                group.addTask { try await manager.token() }
            }
            return try await group.reduce(into: Set<String>()) { $0.insert($1) }
        }
        XCTAssertEqual(tokens.count, 1)
        XCTAssertEqual(try emulator.stats().tokenRequests, 1)
    }

    func testEmulatorAPI() throws {
        XCTAssertTrue(try emulator.jwks().contains("RS256"))
        XCTAssertTrue(try emulator.publicKeyPem().contains("BEGIN PUBLIC KEY"))
        try emulator.setTokenLifetime(seconds: 60)
        try emulator.setLoginTokenLifetime(seconds: 60)
        try emulator.setKeyTokenLifetime(clientId: key.clientId(), seconds: 30)
        try emulator.disableKey(clientId: key.clientId())
        try emulator.enableKey(clientId: key.clientId())
        try emulator.resetStats()
        XCTAssertEqual(try emulator.stats().tokenRequests, 0)
        XCTAssertThrowsError(try emulator.pushFaultJson(json: #"{"action": "explode"}"#))
        XCTAssertThrowsError(try emulator.setTokenLifetime(seconds: 0))
        XCTAssertThrowsError(try emulator.deleteKey(clientId: "nobody"))
        try emulator.clearFaults()
        try emulator.deleteKey(clientId: key.clientId())
        emulator.shutdown()
        XCTAssertThrowsError(try emulator.url()) { error in
            guard case EmulatorError.ShutDown = error else {
                return XCTFail("expected ShutDown, got \(error)")
            }
        }
    }

    func testErrorCodeTableIsComplete() {
        let documented = [
            "invalid_config", "invalid_argument", "invalid_credentials", "access_denied",
            "rate_limited", "server_error", "timeout", "connection_failed", "invalid_response",
            "invalid_token_lifetime", "request_rejected", "closed", "blocking_in_runtime", "internal",
        ]
        XCTAssertEqual(errorCodes(), documented)
    }
}
