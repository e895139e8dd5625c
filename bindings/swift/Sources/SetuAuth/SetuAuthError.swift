import Foundation
import SetuAuthFFI

/// A failure from setu-auth. `code` is the stable snake_case code shared by every
/// language; no field contains a secret or a token.
public struct SetuAuthError: Error, Sendable, Equatable, CustomStringConvertible, LocalizedError {
    /// The stable snake_case code, such as `invalid_credentials`.
    public let code: String
    /// Setu's own error code, such as `invalid-api-key`, when Setu sent one.
    public let setuCode: String?
    /// The HTTP status of the failed response, if there was one.
    public let status: Int?
    /// Setu's traceID of the failed request, to quote to Setu's support.
    public let traceId: String?
    /// Whether trying again later may succeed without any change.
    public let retryable: Bool
    /// The server's Retry-After hint in milliseconds, if it sent one.
    public let retryAfterMs: UInt64?
    /// The one-sentence message.
    public let message: String

    /// `code: message`.
    public var description: String {
        "\(code): \(message)"
    }

    /// Same as ``description``.
    public var errorDescription: String? {
        description
    }

    init(_ error: SetuAuthFFI.SetuAuthError) {
        switch error {
        case let .InvalidConfig(code, setuCode, status, traceId, retryable, retryAfterMs, detail),
            let .InvalidArgument(code, setuCode, status, traceId, retryable, retryAfterMs, detail),
            let .InvalidCredentials(code, setuCode, status, traceId, retryable, retryAfterMs, detail),
            let .AccessDenied(code, setuCode, status, traceId, retryable, retryAfterMs, detail),
            let .RateLimited(code, setuCode, status, traceId, retryable, retryAfterMs, detail),
            let .ServerError(code, setuCode, status, traceId, retryable, retryAfterMs, detail),
            let .Timeout(code, setuCode, status, traceId, retryable, retryAfterMs, detail),
            let .ConnectionFailed(code, setuCode, status, traceId, retryable, retryAfterMs, detail),
            let .InvalidResponse(code, setuCode, status, traceId, retryable, retryAfterMs, detail),
            let .InvalidTokenLifetime(code, setuCode, status, traceId, retryable, retryAfterMs, detail),
            let .RequestRejected(code, setuCode, status, traceId, retryable, retryAfterMs, detail),
            let .Closed(code, setuCode, status, traceId, retryable, retryAfterMs, detail),
            let .BlockingInRuntime(code, setuCode, status, traceId, retryable, retryAfterMs, detail),
            let .Internal(code, setuCode, status, traceId, retryable, retryAfterMs, detail):
            self.code = code
            self.setuCode = setuCode
            self.status = status.map(Int.init)
            self.traceId = traceId
            self.retryable = retryable
            self.retryAfterMs = retryAfterMs
            self.message = detail
        }
    }
}

/// Returns every stable error code, in documentation order.
public func errorCodes() -> [String] {
    SetuAuthFFI.errorCodes()
}

/// Runs `body`, turning the generated error into ``SetuAuthError``.
func converting<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as SetuAuthFFI.SetuAuthError {
        throw SetuAuthError(error)
    }
}

/// Async form of ``converting(_:)``.
func convertingAsync<T>(_ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let error as SetuAuthFFI.SetuAuthError {
        throw SetuAuthError(error)
    }
}
