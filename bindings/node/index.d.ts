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

/**
 * Which binding artifact the generated loader actually loaded: `'native'` for
 * a native addon, otherwise the `platformArchABI` of the WASI flavor. Every
 * flavor napi-rs can build is listed, because `NAPI_RS_NATIVE_LIBRARY_PATH`
 * can point the loader at a WASI artifact this package does not build itself.
 */
export declare const __napiBindingTarget: 'native' | 'wasm32-wasi' | 'wasm32-wasip1'

/**
 * A local emulator of Setu's token endpoints and a token-protected sample API
 * (`GET /api/v2/sample`), listening on 127.0.0.1 on a free port. It runs on its own
 * native thread, never keeps the process alive, and runs until `stop()` is called or the
 * process (or the worker that started it) ends, even when the object is no longer
 * referenced.
 */
export declare class Emulator {
  /** Starts an emulator. */
  constructor(options?: EmulatorOptions | undefined | null)
  /** The base URL, such as `http://127.0.0.1:41234`, to pass as `baseUrl`. */
  get url(): string
  /** Creates an API key and returns it with its secret. */
  createKey(spec?: KeySpec | undefined | null): CreatedEmulatorKey
  /** Lists every key without its secret. */
  listKeys(): Array<EmulatorKey>
  /** Disables a key: its token requests fail with `invalid-api-key`. */
  disableKey(clientId: string): void
  /** Enables a disabled key. */
  enableKey(clientId: string): void
  /** Gives a key a new clientID and secret; the old pair and its tokens stop working. */
  regenerateKey(clientId: string): CreatedEmulatorKey
  /** Deletes a key; its tokens stop working. */
  deleteKey(clientId: string): void
  /** Sets the lifetime in seconds of new v2 tokens. */
  setTokenLifetime(seconds: number): void
  /** Sets the lifetime in seconds of new login-flavour tokens. */
  setLoginTokenLifetime(seconds: number): void
  /** Sets, or with `null` clears, one key's token lifetime in seconds. */
  setKeyTokenLifetime(clientId: string, seconds?: number | undefined | null): void
  /** Moves the emulator's clock by `seconds` from the real time. */
  setClockSkew(seconds: number): void
  /** Queues a fault for the next matching token requests. */
  pushFault(fault: FaultSpec): void
  /** Drops every queued fault. */
  clearFaults(): void
  /** Returns the request counters. */
  stats(): EmulatorStats
  /** Sets every counter to zero. */
  resetStats(): void
  /** Stops the server. Calling it again does nothing. */
  stop(): void
}

/**
 * A token call running on the binding's runtime. The task writes its result into the
 * handle and never calls into JavaScript, so nothing breaks when the JavaScript
 * environment that started the call is torn down first. Used by the JavaScript entry;
 * the package does not export it.
 */
export declare class PendingToken {
  /**
   * Returns the token once the call has finished, `null` while it is pending; throws
   * the call's error if it failed.
   */
  poll(): string | null
}

/**
 * Fetches, caches and renews Setu bearer tokens for one API key.
 *
 * Background refresh runs on native threads that never keep the process alive. A
 * long-running process still gets its token renewed before it expires.
 */
export declare class TokenManager {
  /**
   * Creates a manager and starts its background refresh. No request is sent until the
   * first `token()` call.
   *
   * Throws a `SetuAuthError` with code `invalid_config` naming a bad option.
   */
  constructor(options: TokenManagerOptions)
  /**
   * Reports that the server rejected `token` with a 401. The cached token is discarded
   * only if it is still `token`; returns whether it was. Do not call it for a 403.
   */
  invalidate(token: string): boolean
  /**
   * Replaces the API key, for example after it was regenerated. Tokens of the old key
   * are dropped at once.
   */
  setCredentials(clientId: string, secret: string): void
  /** Returns the manager's counters. */
  stats(): TokenManagerStats
  /**
   * Stops background work and drops the cached token. Later calls fail with code
   * `closed`. Calling it again does nothing.
   */
  close(): void
  /** Whether `close()` was called. */
  get closed(): boolean
  /** The clientID in use. */
  get clientId(): string
  /** The configured product instance ID, if any. */
  get productInstanceId(): string | null
}

/**
 * An API key of the emulator. `secret` is only present when the key was created or
 * regenerated.
 */
export interface EmulatorKey {
  /** The clientID. */
  clientId: string
  /** The secret. */
  secret?: string
  /** Display name. */
  name: string
  /** `"sandbox"` or `"production"`. */
  environment: string
  /** Product instance IDs the key's tokens may access. */
  products: Array<string>
  /** Whether token requests with the key succeed. */
  enabled: boolean
  /** The key's own token lifetime in seconds, if set. */
  tokenLifetime?: number
}

/** Settings of a new `Emulator`. Every field is optional. */
export interface EmulatorOptions {
  /** `"sandbox"` (default) or `"production"`: keys of the other environment are rejected. */
  environment?: string
  /** Lifetime in seconds of v2 tokens. Default 1800. */
  tokenLifetime?: number
  /** Lifetime in seconds of login-flavour tokens. Default 300. */
  loginTokenLifetime?: number
}

/** The emulator's request counters. */
export interface EmulatorStats {
  /** Requests to both token endpoints. */
  tokenRequests: number
  /** Token requests that got a 2xx response. */
  tokenSuccesses: number
  /** Token requests that got an error response, or whose connection was dropped or truncated. */
  tokenFailures: number
  /** Requests to the login endpoint. */
  loginRequests: number
  /** Requests to the sample API `GET /api/v2/sample`. */
  apiRequests: number
  /** Sample API requests that got a 200 response. */
  apiAccepted: number
  /** Sample API requests rejected. */
  apiRejected: number
  /** Faults applied. */
  faultsApplied: number
}

/** A fault for the next token requests. */
export interface FaultSpec {
  /** `"respond"`, `"delay"`, `"drop"` or `"truncate"`. */
  action: string
  /** How many matching requests it applies to. Default 1. */
  times?: number
  /** `"any"` (default), `"v2"` or `"login"`. */
  target?: string
  /** HTTP status for `respond`. */
  status?: number
  /** Extra response headers for `respond`, such as `Retry-After`. */
  headers?: Record<string, string>
  /** Response body for `respond`. By default, the endpoint's error body for the status. */
  body?: string
  /** Delay before the action, in milliseconds. */
  delayMs?: number
}

/** A cached token with the time left before its refresh point. */
export interface FreshToken {
  /** The bearer token. */
  token: string
  /** Milliseconds left before the engine's refresh point for this token. */
  refreshInMs: number
}

/** An API key to create. Every field is optional. */
export interface KeySpec {
  /** Display name. */
  name?: string
  /** Product instance IDs the key's tokens may access. */
  products?: Array<string>
  /** The clientID to use. A random one by default. */
  clientId?: string
  /** The secret to use. A random one by default. */
  secret?: string
  /** Token lifetime in seconds for this key, overriding the global lifetimes. */
  tokenLifetime?: number
}

/**
 * When tokens are renewed, how failures are retried, and request timeouts. Times are in
 * milliseconds.
 */
export interface RefreshPolicyOptions {
  /** Share of a token's lifetime after which a background refresh starts. Default 0.75. */
  refreshShare?: number
  /** Random spread of the refresh point, as a share of the lifetime. Default 0.05. */
  jitterShare?: number
  /** A token is not handed out with less than this left. Default 10000. */
  minRemainingMs?: number
  /** Lifetime assumed when the response states none. Default 300000. */
  defaultLifetimeMs?: number
  /** First retry delay of a failed background refresh. Default 500. */
  minBackoffMs?: number
  /** Largest retry delay. Default 30000. */
  maxBackoffMs?: number
  /** How long a permanent failure is returned from memory. Default 5000. */
  negativeTtlMs?: number
  /** Upper bound on a server's `Retry-After`. Default 60000. */
  maxRetryAfterMs?: number
  /** Time allowed to open a connection. Default 5000. */
  connectTimeoutMs?: number
  /** Time allowed for a whole token request. Default 10000. */
  requestTimeoutMs?: number
}

/**
 * A token store shared by managers with the same key: `memory` (default), `file` for the
 * processes of one user on one host, or `redis` for many hosts.
 */
export interface StoreOptions {
  /** `"memory"`, `"file"` or `"redis"`. */
  kind: 'memory' | 'file' | 'redis'
  /**
   * For `file`: an absolute directory. Default `$XDG_CACHE_HOME/setu-auth`, else
   * `~/.cache/setu-auth`.
   */
  dir?: string
  /**
   * For `redis` (required): `redis://[:password@]host[:port][/db]`, or `rediss://` for
   * TLS. The password is never printed.
   */
  url?: string
  /** For `redis`: time allowed to connect and for each command. Default 1000. */
  timeoutMs?: number
}

/** Settings of a `TokenManager`. Only `clientId` and `secret` are required. */
export interface TokenManagerOptions {
  /** The API key's clientID. */
  clientId: string
  /** The API key's secret. It is kept in native memory only and never printed. */
  secret: string
  /** `"sandbox"` (default) or `"production"`. */
  environment?: string
  /**
   * Overrides the environment's host, for the emulator or a proxy. Plain `http://` is
   * accepted only for loopback hosts.
   */
  baseUrl?: string
  /** `"v2"` (default) or `"login"`. */
  flavor?: string
  /** Sent as `X-Setu-Product-Instance-ID` by `authHeaders()` and the integrations. */
  productInstanceId?: string
  /** Refresh, retry and timeout settings. */
  policy?: RefreshPolicyOptions
  /** Largest token response body read, in bytes. Default 65536. */
  maxBodyBytes?: number
  /**
   * The token store, which decides which managers share a token. Default: this
   * manager's memory.
   */
  store?: StoreOptions
}

/** A manager's counters since it was created. */
export interface TokenManagerStats {
  /** Token requests sent to Setu. */
  tokenRequests: number
  /** Token requests that returned a usable token. */
  tokenSuccesses: number
  /** Token requests that failed. */
  tokenFailures: number
  /** Calls served from the cache before the token's refresh point. */
  cacheHits: number
  /** Calls served from the cache after the refresh point, while renewal was pending. */
  staleServes: number
  /** Calls to `invalidate` that discarded the current token. */
  invalidations: number
}
