import Foundation
import SetuAuth
import XCTest

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Runs every shared scenario in `tests/conformance/scenarios` through the public API.
final class ConformanceTests: XCTestCase {
    func testEveryScenario() async throws {
        let folder = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()
            .appendingPathComponent("../../../../tests/conformance/scenarios")
            .standardizedFileURL
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasSuffix(".json") }
            .sorted()
        XCTAssertFalse(files.isEmpty, "no scenarios in \(folder.path)")

        var failed: [String] = []
        for file in files {
            let data = try Data(contentsOf: folder.appendingPathComponent(file))
            let scenario = try JSONSerialization.jsonObject(with: data) as! [String: Any]
            do {
                try await ScenarioRun(scenario).run()
                print("scenario \(file): passed")
            } catch {
                failed.append(file)
                XCTFail("scenario \(file): \(error)")
            }
        }
        print("conformance: \(files.count - failed.count) of \(files.count) scenarios passed")
    }
}

/// A failed expectation, naming what differed.
struct Mismatch: Error, CustomStringConvertible {
    let description: String
}

private final class ScenarioRun {
    private let scenario: [String: Any]
    private let emulator: Emulator
    private var keys: [String: (id: String, secret: String)] = [:]
    private var saved: [String: String] = [:]
    private var manager: TokenManager!

    init(_ scenario: [String: Any]) throws {
        self.scenario = scenario
        let setup = scenario["emulator"] as? [String: Any] ?? [:]
        emulator = try startEmulator(
            tokenLifetime: (setup["tokenLifetime"] as? NSNumber)?.uint64Value ?? 1800,
            loginTokenLifetime: (setup["loginTokenLifetime"] as? NSNumber)?.uint64Value ?? 300)
        for spec in setup["keys"] as? [[String: Any]] ?? [] {
            let name = spec["name"] as! String
            let key = try emulator.createKey(
                spec: KeySpec(
                    name: name, products: spec["products"] as? [String] ?? [],
                    tokenLifetime: (spec["tokenLifetime"] as? NSNumber)?.uint64Value))
            keys[name] = (key.clientId(), key.secret())
        }
    }

    deinit {
        emulator.shutdown()
    }

    func run() async throws {
        manager = try TokenManager(config: try clientConfig(scenario["client"] as! [String: Any]))
        defer { manager.close() }
        let steps = scenario["steps"] as? [[String: Any]] ?? []
        for (index, step) in steps.enumerated() {
            do {
                try await runStep(step)
            } catch {
                throw Mismatch(description: "step \(index) (\(step["op"] ?? "")): \(error)")
            }
        }
    }

    private func key(_ name: Any?) throws -> (id: String, secret: String) {
        guard let name = name as? String, let key = keys[name] else {
            throw Mismatch(description: "unknown key \(String(describing: name))")
        }
        return key
    }

    private func clientConfig(_ client: [String: Any]) throws -> Config {
        let key = try key(client["key"])
        var config = makeConfig(clientId: key.id, secret: client["secret"] as? String ?? key.secret)
        config.baseUrl = try emulator.url()
        config.flavor = client["flavor"] as? String == "login" ? .login : .v2
        config.productInstanceId = client["productInstanceId"] as? String
        for (name, value) in client["policy"] as? [String: Any] ?? [:] {
            let number = value as! NSNumber
            switch name {
            case "refreshShare": config.policy.refreshShare = number.doubleValue
            case "jitterShare": config.policy.jitterShare = number.doubleValue
            case "minRemainingMs": config.policy.minRemainingMs = number.uint64Value
            case "defaultLifetimeMs": config.policy.defaultLifetimeMs = number.uint64Value
            case "minBackoffMs": config.policy.minBackoffMs = number.uint64Value
            case "maxBackoffMs": config.policy.maxBackoffMs = number.uint64Value
            case "negativeTtlMs": config.policy.negativeTtlMs = number.uint64Value
            case "maxRetryAfterMs": config.policy.maxRetryAfterMs = number.uint64Value
            case "connectTimeoutMs": config.connectTimeoutMs = number.uint64Value
            case "requestTimeoutMs": config.requestTimeoutMs = number.uint64Value
            default: throw Mismatch(description: "unknown policy field \(name)")
            }
        }
        return config
    }

    private func runStep(_ step: [String: Any]) async throws {
        let op = step["op"] as? String ?? ""
        switch op {
        case "token": try await checkToken(step) { try await self.manager.token() }
        case "refresh": try await checkToken(step) { try await self.manager.refresh() }
        case "concurrent_tokens": try await concurrentTokens(step)
        case "invalidate":
            let result = manager.invalidate(token: try savedToken(step["token"]))
            try expectEqual("invalidate", result, step["expect"])
        case "set_credentials":
            let key = try key(step["key"])
            try manager.setCredentials(clientId: key.id, secret: key.secret)
        case "auth_headers": try await authHeaders(step)
        case "call_api": try await callApi(step)
        case "stats": try expectSubset("stats", managerStats(), step["expect"])
        case "emulator_stats": try expectSubset("emulator stats", try emulatorStats(), step["expect"])
        case "wait_for_emulator_stats": try await waitForEmulatorStats(step)
        case "fault":
            let json = try JSONSerialization.data(withJSONObject: step["fault"]!)
            try emulator.pushFaultJson(json: String(decoding: json, as: UTF8.self))
        case "clear_faults": try emulator.clearFaults()
        case "key": try keyAction(step)
        case "set_token_lifetime":
            try emulator.setTokenLifetime(seconds: (step["seconds"] as! NSNumber).uint64Value)
        case "set_key_token_lifetime":
            try emulator.setKeyTokenLifetime(
                clientId: try key(step["key"]).id, seconds: (step["seconds"] as? NSNumber)?.uint64Value)
        case "set_clock_skew": try emulator.setClockSkew(seconds: (step["seconds"] as! NSNumber).int64Value)
        case "sleep": try await Task.sleep(nanoseconds: (step["ms"] as! NSNumber).uint64Value * 1_000_000)
        case "close": manager.close()
        default: throw Mismatch(description: "unknown op \(op)")
        }
    }

    private func checkToken(_ step: [String: Any], _ call: () async throws -> String) async throws {
        let token: String
        do {
            token = try await call()
        } catch let error as SetuAuthError {
            guard let expected = step["expect_error"] else {
                throw Mismatch(description: "unexpected error: \(error)")
            }
            return try checkError(error, expected)
        }
        if let expected = step["expect_error"] {
            throw Mismatch(description: "expected error \(expected), got a token")
        }
        let expect = step["expect"] as? [String: Any] ?? [:]
        if let name = expect["same_as"] as? String, token != (try savedToken(name)) {
            throw Mismatch(description: "token differs from \(name)")
        }
        if let name = expect["differs_from"] as? String, token == (try savedToken(name)) {
            throw Mismatch(description: "token equals \(name)")
        }
        if let name = step["save"] as? String {
            saved[name] = token
        }
    }

    private func concurrentTokens(_ step: [String: Any]) async throws {
        let count = (step["count"] as! NSNumber).intValue
        let manager = self.manager!
        let results = await withTaskGroup(of: Result<String, Error>.self) { group in
            for _ in 0..<count {
                group.addTask {
                    do { return .success(try await manager.token()) } catch { return .failure(error) }
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        if let expected = step["expect_error"] {
            for result in results {
                guard case .failure(let error) = result else {
                    throw Mismatch(description: "a caller got a token")
                }
                try checkError(error as! SetuAuthError, expected)
            }
            return
        }
        let tokens = try results.map { try $0.get() }
        if Set(tokens).count != 1 {
            throw Mismatch(description: "callers got different tokens")
        }
        if let name = step["save"] as? String {
            saved[name] = tokens[0]
        }
    }

    private func authHeaders(_ step: [String: Any]) async throws {
        let headers = try await manager.authHeaders().toMap()
        let lowercased = Dictionary(uniqueKeysWithValues: headers.map { ($0.key.lowercased(), $0.value) })
        for (name, value) in step["expect"] as? [String: Any] ?? [:] {
            if lowercased[name] != (try fillTokens(value as! String)) {
                throw Mismatch(description: "header \(name) differs from the expected value")
            }
        }
    }

    private func fillTokens(_ text: String) throws -> String {
        var result = text
        while let open = result.firstIndex(of: "{"), let close = result[open...].firstIndex(of: "}") {
            let name = String(result[result.index(after: open)..<close])
            result.replaceSubrange(open...close, with: try savedToken(name))
        }
        return result
    }

    private func callApi(_ step: [String: Any]) async throws {
        let request = URLRequest(url: URL(string: try emulator.url() + "/api/v2/sample")!)
        let data: Data
        let response: HTTPURLResponse
        do {
            (data, response) = try await manager.send(request)
        } catch let error as SetuAuthError {
            guard let expected = step["expect_error"] else {
                throw Mismatch(description: "unexpected error: \(error)")
            }
            return try checkError(error, expected)
        }
        if step["expect_error"] != nil {
            throw Mismatch(description: "expected an error, got HTTP \(response.statusCode)")
        }
        try expectEqual("status", response.statusCode, step["expect_status"])
        if let code = step["expect_setu_code"] as? String {
            let body = try JSONSerialization.jsonObject(with: data) as? [String: Any]
            let error = body?["error"] as? [String: Any]
            try expectEqual("error.code", error?["code"] as? String, code)
        }
    }

    private func waitForEmulatorStats(_ step: [String: Any]) async throws {
        let rounds = (step["timeout_ms"] as! NSNumber).intValue / 20
        for _ in 0..<rounds {
            if (try? expectSubset("emulator stats", try emulatorStats(), step["expect"])) != nil {
                return
            }
            try await Task.sleep(nanoseconds: 20_000_000)
        }
        try expectSubset("emulator stats", try emulatorStats(), step["expect"])
    }

    private func keyAction(_ step: [String: Any]) throws {
        let name = step["key"] as! String
        let id = try key(name).id
        switch step["action"] as? String {
        case "disable": try emulator.disableKey(clientId: id)
        case "enable": try emulator.enableKey(clientId: id)
        case "delete": try emulator.deleteKey(clientId: id)
        case "regenerate":
            let fresh = try emulator.regenerateKey(clientId: id)
            keys[name] = (fresh.clientId(), fresh.secret())
        case let other: throw Mismatch(description: "unknown key action \(String(describing: other))")
        }
    }

    private func savedToken(_ name: Any?) throws -> String {
        guard let name = name as? String, let token = saved[name] else {
            throw Mismatch(description: "no saved token \(String(describing: name))")
        }
        return token
    }

    private func managerStats() -> [String: Any?] {
        let stats = manager.stats()
        return [
            "token_requests": Int(stats.tokenRequests), "token_successes": Int(stats.tokenSuccesses),
            "token_failures": Int(stats.tokenFailures), "cache_hits": Int(stats.cacheHits),
            "stale_serves": Int(stats.staleServes), "invalidations": Int(stats.invalidations),
        ]
    }

    private func emulatorStats() throws -> [String: Any?] {
        let stats = try emulator.stats()
        return [
            "token_requests": Int(stats.tokenRequests), "token_successes": Int(stats.tokenSuccesses),
            "token_failures": Int(stats.tokenFailures), "login_requests": Int(stats.loginRequests),
            "api_requests": Int(stats.apiRequests), "api_accepted": Int(stats.apiAccepted),
            "api_rejected": Int(stats.apiRejected), "faults_applied": Int(stats.faultsApplied),
        ]
    }
}

/// Checks the error fields a scenario lists.
private func checkError(_ error: SetuAuthError, _ expected: Any) throws {
    let actual: [String: Any?] = [
        "code": error.code, "setu_code": error.setuCode, "status": error.status, "retryable": error.retryable,
    ]
    try expectSubset("error", actual, expected)
}

private func expectSubset(_ what: String, _ actual: [String: Any?], _ expected: Any?) throws {
    guard let expected = expected as? [String: Any] else {
        throw Mismatch(description: "\(what): expect must be an object")
    }
    for (field, wanted) in expected {
        guard let value = actual[field] else {
            throw Mismatch(description: "\(what) has no field \(field)")
        }
        try expectEqual("\(what).\(field)", value, wanted)
    }
}

/// Compares a Swift value with a value from JSONSerialization (NSNumber, String or NSNull).
private func expectEqual(_ what: String, _ actual: Any?, _ expected: Any?) throws {
    let same: Bool
    switch actual {
    case nil: same = expected == nil || expected is NSNull
    case let value as Bool: same = (expected as? NSNumber).map { $0.boolValue == value && !isInteger($0) } ?? false
    case let value as Int: same = (expected as? NSNumber).map { $0.intValue == value && isInteger($0) } ?? false
    case let value as String: same = expected as? String == value
    default: same = false
    }
    if !same {
        throw Mismatch(description: "\(what) is \(String(describing: actual)), expected \(String(describing: expected))")
    }
}

/// Whether a JSON number is an integer rather than a boolean.
private func isInteger(_ number: NSNumber) -> Bool {
    String(cString: number.objCType) != "c" && type(of: number) != type(of: NSNumber(value: true))
}
