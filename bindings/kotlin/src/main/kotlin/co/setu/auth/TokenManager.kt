package co.setu.auth

import co.setu.auth.ffi.AuthHeaders
import co.setu.auth.ffi.Config
import co.setu.auth.ffi.Secret
import co.setu.auth.ffi.Stats
import co.setu.auth.ffi.TokenManager as NativeTokenManager

/**
 * Fetches, caches and renews Setu bearer tokens for one API key.
 *
 * Every call goes to the setu-auth engine; this class only adds Kotlin's shapes. Its
 * `toString` shows the clientID and endpoint, never the secret or a token.
 */
class TokenManager(config: Config) : AutoCloseable {
    private val native = converting { NativeTokenManager(config) }

    /** Returns a usable token, from the cache while it is fresh. */
    suspend fun token(): String = converting { native.token() }

    /** Blocking form of [token], for threads that are not coroutines. */
    fun tokenBlocking(): String = converting { native.tokenBlocking() }

    /** Returns the cached token if it is usable, without I/O or waiting. */
    fun cachedToken(): String? = native.cachedToken()

    /** Fetches a new token even if the cached one is still usable. */
    suspend fun refresh(): String = converting { native.refresh() }

    /** Blocking form of [refresh]. */
    fun refreshBlocking(): String = converting { native.refreshBlocking() }

    /**
     * Reports that the server rejected [token] with a 401. Returns whether the cached token
     * was discarded. Never call it for a 403: a new token does not fix a missing permission.
     */
    fun invalidate(token: String): Boolean = native.invalidate(token)

    /** Replaces the API key, for example after it was regenerated. */
    fun setCredentials(clientId: String, secret: String) {
        converting { native.setCredentials(clientId, Secret(secret)) }
    }

    /** Returns the headers for a Setu API call. */
    suspend fun authHeaders(): AuthHeaders = converting { native.authHeaders() }

    /** Blocking form of [authHeaders]. */
    fun authHeadersBlocking(): AuthHeaders = converting { native.authHeadersBlocking() }

    /** Returns the clientID in use. */
    val clientId: String
        get() = native.clientId()

    /** Returns the manager's counters. */
    fun stats(): Stats = native.stats()

    /** Whether [close] was called. */
    val isClosed: Boolean
        get() = native.isClosed()

    /** Stops background work and drops the cached token; later calls fail with `closed`. */
    override fun close() = native.shutdown()

    override fun toString(): String = native.toString()
}

/** Creates a [Config] for the key with every other setting at its default. */
fun config(clientId: String, secret: String): Config =
    co.setu.auth.ffi.defaultConfig(clientId, Secret(secret))
