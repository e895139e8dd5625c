package co.setu.auth

import co.setu.auth.ffi.KeySpec
import kotlinx.coroutines.delay
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Test
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertFalse
import kotlin.test.assertNotEquals
import kotlin.test.assertNotNull
import kotlin.test.assertNull
import kotlin.test.assertTrue
import co.setu.auth.ffi.TokenManager as NativeTokenManager

/** The Kotlin-side copy of the token: served and counted, dropped, renewed. */
class TokenCopyTest {
    private val emulator = startEmulator()
    private val key = emulator.createKey(KeySpec("main", emptyList(), null))
    private val config = config(key.clientId(), key.secret()).copy(baseUrl = emulator.url())

    @AfterEach
    fun stop() = emulator.shutdown()

    @Test
    fun `cached calls send no request and are counted as hits`() = runBlocking<Unit> {
        TokenManager(config).use { manager ->
            val token = manager.token()
            repeat(100) {
                assertEquals(token, manager.token())
                assertEquals(token, manager.tokenBlocking())
                assertEquals(token, manager.cachedToken())
            }
            assertEquals(1uL, emulator.stats().tokenRequests)
            assertEquals(1uL, manager.stats().tokenRequests)
            assertEquals(300uL, manager.stats().cacheHits)
        }
    }

    @Test
    fun `invalidate drops the copy`() = runBlocking<Unit> {
        TokenManager(config).use { manager ->
            val first = manager.token()
            assertTrue(manager.invalidate(first))
            assertNotEquals(first, manager.cachedToken())
            assertNotEquals(first, manager.token())
            assertEquals(2uL, emulator.stats().tokenRequests)
        }
    }

    @Test
    fun `refresh drops the copy and later calls serve the new token`() = runBlocking<Unit> {
        TokenManager(config).use { manager ->
            val first = manager.tokenBlocking()
            val second = manager.refresh()
            assertNotEquals(first, second)
            assertEquals(second, manager.token())
            val third = manager.refreshBlocking()
            assertNotEquals(second, third)
            assertEquals(third, manager.tokenBlocking())
        }
    }

    @Test
    fun `set credentials drops the copy`() = runBlocking<Unit> {
        TokenManager(config).use { manager ->
            val first = manager.token()
            val fresh = emulator.regenerateKey(key.clientId())
            manager.setCredentials(fresh.clientId(), fresh.secret())
            assertNull(manager.cachedToken())
            assertNotEquals(first, manager.token())
            assertEquals(2uL, emulator.stats().tokenSuccesses)
        }
    }

    @Test
    fun `close drops the copy`() = runBlocking<Unit> {
        val manager = TokenManager(config)
        manager.token()
        manager.close()
        assertNull(manager.cachedToken())
        assertFailsWith<SetuAuthException.Closed> { manager.token() }
        assertFailsWith<SetuAuthException.Closed> { manager.tokenBlocking() }
    }

    @Test
    fun `a background refresh is picked up after the refresh point`() = runBlocking<Unit> {
        emulator.setKeyTokenLifetime(key.clientId(), 2uL)
        TokenManager(config).use { manager ->
            val first = manager.token()
            assertEquals(first, manager.token())

            val until = System.nanoTime() + 10_000_000_000L
            var current = first
            while (current == first && System.nanoTime() < until) {
                delay(20)
                current = manager.token()
            }
            assertNotEquals(first, current)
            assertEquals(current, manager.tokenBlocking())
            assertTrue(emulator.stats().tokenRequests >= 2uL)
        }
    }

    @Test
    fun `the engine's fresh token shows no token in its text forms`() {
        NativeTokenManager(config).use { native ->
            val token = native.tokenBlocking()
            val fresh = assertNotNull(native.freshToken())
            fresh.use {
                assertEquals(token, it.token())
                assertTrue(it.refreshInMs() > 0uL)
                assertFalse(it.toString().contains(token), it.toString())
            }
            assertNotNull(native.refreshInMs(token))
            assertNull(native.refreshInMs("not-the-token"))
            native.shutdown()
        }
    }
}
