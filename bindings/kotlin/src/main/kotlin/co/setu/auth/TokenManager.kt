package co.setu.auth

import co.setu.auth.ffi.AuthHeaders
import co.setu.auth.ffi.Config
import co.setu.auth.ffi.Secret
import co.setu.auth.ffi.Stats
import java.util.concurrent.atomic.AtomicLong
import co.setu.auth.ffi.TokenManager as NativeTokenManager

/**
 * Fetches, caches and renews Setu bearer tokens for one API key.
 *
 * The engine decides every fetch, refresh and expiry. This class keeps a copy of the token
 * the engine returned until the engine's refresh point for it, so that a cached call does
 * not cross into native code. Hits served by the copy are added to `stats().cacheHits`.
 * Its `toString` shows the clientID and endpoint, never the secret or a token.
 */
class TokenManager(config: Config) : AutoCloseable {
    private val native = converting { NativeTokenManager(config) }

    /** The token the engine returned and the `System.nanoTime()` of its refresh point. */
    private class Copy(val token: String, val deadline: Long)

    @Volatile
    private var copy: Copy? = null

    /** Bumped whenever the copy is dropped, so a slow call cannot install a dropped token. */
    private val generation = AtomicLong()

    /** Counts the calls served by the copy, which never reach the engine. */
    private val hits = AtomicLong()

    /** Returns a usable token, from the cache while it is fresh. */
    suspend fun token(): String = fromCopy() ?: converting { fetch { native.token() } }

    /** Blocking form of [token], for threads that are not coroutines. */
    fun tokenBlocking(): String = fromCopy() ?: converting { fetch { native.tokenBlocking() } }

    /** Returns the cached token if it is usable, without I/O or waiting. */
    fun cachedToken(): String? = fromCopy() ?: fromFresh(generation.get()) ?: native.cachedToken()

    /** Fetches a new token even if the cached one is still usable. */
    suspend fun refresh(): String = dropping { converting { native.refresh() } }

    /** Blocking form of [refresh]. */
    fun refreshBlocking(): String = dropping { converting { native.refreshBlocking() } }

    /**
     * Reports that the server rejected [token] with a 401. Returns whether the cached token
     * was discarded. Never call it for a 403: a new token does not fix a missing permission.
     */
    fun invalidate(token: String): Boolean = dropping { native.invalidate(token) }

    /** Replaces the API key, for example after it was regenerated. */
    fun setCredentials(clientId: String, secret: String) {
        dropping { converting { native.setCredentials(clientId, Secret(secret)) } }
    }

    /** Returns the headers for a Setu API call. */
    suspend fun authHeaders(): AuthHeaders = converting { native.authHeaders() }

    /** Blocking form of [authHeaders]. */
    fun authHeadersBlocking(): AuthHeaders = converting { native.authHeadersBlocking() }

    /** Returns the clientID in use. */
    val clientId: String
        get() = native.clientId()

    /** Returns the manager's counters; `cacheHits` includes the calls served by the copy. */
    fun stats(): Stats = native.stats().let { it.copy(cacheHits = it.cacheHits + hits.get().toULong()) }

    /** Whether [close] was called. */
    val isClosed: Boolean
        get() = native.isClosed()

    /** Stops background work and drops the cached token; later calls fail with `closed`. */
    override fun close() {
        dropping { native.shutdown() }
    }

    override fun toString(): String = native.toString()

    /** Returns the copy's token and counts a hit if its refresh point has not passed. */
    private fun fromCopy(): String? {
        val current = copy ?: return null
        if (System.nanoTime() - current.deadline >= 0) return null
        hits.incrementAndGet()
        return current.token
    }

    /** Asks the engine for a fresh token (a hit it counts itself) and keeps a copy. */
    private fun fromFresh(generation: Long): String? {
        val start = System.nanoTime()
        return native.freshToken()?.use { fresh ->
            val token = fresh.token()
            keep(generation, token, start, fresh.refreshInMs())
            token
        }
    }

    /** Takes the engine's fresh token, or else calls [call] and keeps a copy of its token. */
    private inline fun fetch(call: () -> String): String {
        val generation = generation.get()
        fromFresh(generation)?.let { return it }

        val token = call()
        val start = System.nanoTime()
        native.refreshInMs(token)?.let { keep(generation, token, start, it) }
        return token
    }

    /** Keeps [token] until [refreshInMs] after [start], unless the copy was dropped since. */
    private fun keep(generation: Long, token: String, start: Long, refreshInMs: ULong) {
        val nanos = refreshInMs.coerceAtMost(MAX_KEEP_MS).toLong() * 1_000_000
        synchronized(this) {
            if (this.generation.get() == generation) copy = Copy(token, start + nanos)
        }
    }

    private fun drop() {
        synchronized(this) {
            generation.incrementAndGet()
            copy = null
        }
    }

    /**
     * Drops the copy before and after [block], so neither an earlier copy nor one installed
     * by a concurrent call while [block] ran outlives it.
     */
    private inline fun <T> dropping(block: () -> T): T {
        drop()
        try {
            return block()
        } finally {
            drop()
        }
    }

    private companion object {
        /** A bound (one day) on the time a copy is kept, so the deadline arithmetic cannot overflow. */
        const val MAX_KEEP_MS: ULong = 86_400_000uL
    }
}

/** Creates a [Config] for the key with every other setting at its default. */
fun config(clientId: String, secret: String): Config =
    co.setu.auth.ffi.defaultConfig(clientId, Secret(secret))
