/* setu-auth: type declarations. The part after this header is generated from the Rust
   source by `napi build`; the JavaScript entry wraps those native classes with the same
   methods. */

import type { EventEmitter } from 'node:events'

/** A failure from setu-auth, with a stable snake_case `code`. */
export declare class SetuAuthError extends Error {
  /** Stable code, such as `invalid_credentials` or `invalid_config`. */
  readonly code: string
  /** Setu's own error code, such as `invalid-api-key`, when Setu sent one. */
  readonly setuCode: string | null
  /** HTTP status of the failed response, if there was one. */
  readonly status: number | null
  /** Setu's traceID for the failed request. */
  readonly traceId: string | null
  /** Whether trying again later may succeed without any change. */
  readonly retryable: boolean
  /** How long Setu asked the caller to wait, in milliseconds. */
  readonly retryAfterMs: number | null
}

/** An event of the engine or an integration. It never carries a secret or a token. */
export interface SetuAuthEvent {
  /** `request`, `token`, `failure`, `refresh`, `retry`, `gave_up`, `invalidated`, `credentials`, `unauthorized` or `log`. */
  kind: string
  /** `error`, `warn`, `info`, `debug` or `trace`. */
  level: string
  /** One sentence describing the event. */
  message: string
  /** Further fields such as `clientId`, `attempt`, `durationMs`, `code`, `status`. */
  [field: string]: unknown
}

/** Emits every event under its `kind` and under `event`. */
export declare const events: EventEmitter

/** Options of `authFetch`. */
export interface AuthFetchOptions {
  /** The fetch function to wrap; the global fetch by default. */
  fetch?: typeof fetch
}

/** Returns a fetch that adds the auth headers and retries once after a 401. */
export declare function authFetch(manager: TokenManager, options?: AuthFetchOptions): typeof fetch

/** Adds the auth headers to an axios instance's requests and retries once after a 401. Returns a function that removes the interceptors. */
export declare function axiosInterceptor(manager: TokenManager, instance: unknown): () => void


/** An emulator key as `createKey` and `regenerateKey` return it: with its secret. */
export interface CreatedEmulatorKey extends EmulatorKey {
  /** The secret. */
  secret: string
}

/** The asynchronous methods of `TokenManager`, implemented by the JavaScript entry. */
export interface TokenManager {
  /**
   * Returns a usable token: from the cache while it is fresh, otherwise from one token
   * request shared with every concurrent caller.
   */
  token(): Promise<string>
  /** Fetches a new token even if the cached one is still usable. */
  refresh(): Promise<string>
  /**
   * Returns the headers for a Setu API call: `authorization` and, when configured,
   * `x-setu-product-instance-id`.
   */
  authHeaders(): Promise<Record<string, string>>
}
