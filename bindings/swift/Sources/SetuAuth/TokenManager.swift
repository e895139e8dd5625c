import Foundation
import SetuAuthFFI

/// Settings of a ``TokenManager``; start from ``makeConfig(clientId:secret:)``.
public typealias Config = SetuAuthFFI.Config
/// Refresh and retry timing, durations in milliseconds.
public typealias RefreshPolicy = SetuAuthFFI.RefreshPolicy
/// The Setu environment a key lives in.
public typealias Environment = SetuAuthFFI.Environment
/// The token API flavour.
public typealias Flavor = SetuAuthFFI.Flavor
/// The manager's counters.
public typealias Stats = SetuAuthFFI.Stats
/// The headers for one Setu API call; its text forms never show the token.
public typealias AuthHeaders = SetuAuthFFI.AuthHeaders
/// An API key's secret; its text forms are always `<redacted>`.
public typealias Secret = SetuAuthFFI.Secret
/// Where a manager keeps its token: `memory()` (the default), `file(dir:)` or
/// `redis(url:timeoutMs:)`; its text forms never show a Redis password.
public typealias Store = SetuAuthFFI.Store

/// Returns a configuration for the key with every other setting at its default.
public func makeConfig(clientId: String, secret: String) -> Config {
    defaultConfig(clientId: clientId, secret: Secret(value: secret))
}

/// Fetches, caches and renews Setu bearer tokens for one API key.
///
/// Every call goes to the setu-auth engine. Its text forms show the clientID and endpoint,
/// never the secret or a token. Background work stops on ``close()`` or when the manager
/// is released.
public final class TokenManager: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    private let native: SetuAuthFFI.TokenManager

    /// Checks `config` and starts the background refresh.
    public init(config: Config) throws {
        native = try converting { try SetuAuthFFI.TokenManager(config: config) }
    }

    deinit {
        native.shutdown()
    }

    /// Returns a usable token, from the cache while it is fresh.
    public func token() async throws -> String {
        try await convertingAsync { try await native.token() }
    }

    /// Blocking form of ``token()``.
    public func tokenBlocking() throws -> String {
        try converting { try native.tokenBlocking() }
    }

    /// Returns the cached token if it is usable, without I/O or waiting.
    public func cachedToken() -> String? {
        native.cachedToken()
    }

    /// Fetches a new token even if the cached one is still usable.
    public func refresh() async throws -> String {
        try await convertingAsync { try await native.refresh() }
    }

    /// Reports that the server rejected `token` with a 401; returns whether the cached
    /// token was discarded. Never call it for a 403.
    @discardableResult
    public func invalidate(token: String) -> Bool {
        native.invalidate(token: token)
    }

    /// Replaces the API key, for example after it was regenerated.
    public func setCredentials(clientId: String, secret: String) throws {
        try converting { try native.setCredentials(clientId: clientId, secret: Secret(value: secret)) }
    }

    /// Returns the headers for a Setu API call.
    public func authHeaders() async throws -> AuthHeaders {
        try await convertingAsync { try await native.authHeaders() }
    }

    /// The clientID in use.
    public var clientId: String {
        native.clientId()
    }

    /// Returns the manager's counters.
    public func stats() -> Stats {
        native.stats()
    }

    /// Whether ``close()`` was called.
    public var isClosed: Bool {
        native.isClosed()
    }

    /// Stops background work and drops the cached token; later calls throw `closed`.
    public func close() {
        native.shutdown()
    }

    /// The clientID, endpoint and state; never the secret or a token.
    public var description: String {
        native.description
    }

    /// Same as ``description``.
    public var debugDescription: String {
        native.debugDescription
    }
}
