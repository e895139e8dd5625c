package co.setu.auth

import co.setu.auth.ffi.KeySpec
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assumptions.assumeTrue
import org.junit.jupiter.api.Test
import co.setu.auth.ffi.TokenManager as NativeTokenManager

/**
 * Cost per call of a cached token, printed for BENCHMARKS.md. Runs only with
 * `-Dsetu.bench=true`; it measures and asserts nothing about speed.
 */
class TokenBench {
    @Test
    fun cachedTokenCost() = runBlocking<Unit> {
        assumeTrue(System.getProperty("setu.bench") == "true", "set -Dsetu.bench=true to run")
        val emulator = startEmulator()
        val key = emulator.createKey(KeySpec("bench", emptyList(), null))
        TokenManager(config(key.clientId(), key.secret()).copy(baseUrl = emulator.url())).use { manager ->
            manager.token()
            val calls = 1_000_000
            report("tokenBlocking()", calls) { repeat(calls) { manager.tokenBlocking() } }
            report("suspend token()", calls) { repeat(calls) { manager.token() } }
            report("cachedToken()", calls) { repeat(calls) { manager.cachedToken() } }
        }
        NativeTokenManager(config(key.clientId(), key.secret()).copy(baseUrl = emulator.url())).use { native ->
            native.tokenBlocking()
            val calls = 20_000
            report("native tokenBlocking() (the JNA crossing)", calls) { repeat(calls) { native.tokenBlocking() } }
            native.shutdown()
        }
        emulator.shutdown()
    }

    private inline fun report(name: String, calls: Int, body: () -> Unit) {
        val best = (1..5).minOf {
            val start = System.nanoTime()
            body()
            System.nanoTime() - start
        }
        println("bench $name: ${best / calls} ns per call (best of 5 x $calls)")
    }
}
