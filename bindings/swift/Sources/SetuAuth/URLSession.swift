import Foundation
import SetuAuthFFI

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

extension TokenManager {
    /// Sends `request` through `session` with the auth headers added. On a 401 it reports
    /// the rejected token and retries once with a fresh one; a 403 is returned as it is.
    ///
    /// Throws ``SetuAuthError`` when no token can be had, or the session's own error.
    public func send(
        _ request: URLRequest, session: URLSession = .shared
    ) async throws -> (Data, HTTPURLResponse) {
        let (token, first) = try await attempt(request, session: session)
        guard first.1.statusCode == 401 else {
            return first
        }

        invalidate(token: token)
        return try await attempt(request, session: session).1
    }

    private func attempt(
        _ request: URLRequest, session: URLSession
    ) async throws -> (String, (Data, HTTPURLResponse)) {
        let headers = try await authHeaders()
        var authorized = request
        for (name, value) in headers.toMap() {
            authorized.setValue(value, forHTTPHeaderField: name)
        }

        let token = String(headers.authorization().dropFirst("Bearer ".count))
        return (token, try await session.setuAuthData(for: authorized))
    }
}

extension URLSession {
    /// `dataTask` as an async call, available on every Foundation.
    fileprivate func setuAuthData(for request: URLRequest) async throws -> (Data, HTTPURLResponse) {
        try await withCheckedThrowingContinuation { continuation in
            let task = dataTask(with: request) { data, response, error in
                if let error {
                    continuation.resume(throwing: error)
                } else if let response = response as? HTTPURLResponse {
                    continuation.resume(returning: (data ?? Data(), response))
                } else {
                    continuation.resume(throwing: URLError(.badServerResponse))
                }
            }
            task.resume()
        }
    }
}
