package co.setu.auth

import co.setu.auth.ffi.EmulatorException
import co.setu.auth.ffi.KeySpec
import co.setu.auth.ffi.Secret
import kotlinx.coroutines.runBlocking
import okhttp3.OkHttpClient
import okhttp3.Request
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Test
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertFalse
import kotlin.test.assertNotEquals
import kotlin.test.assertNull
import kotlin.test.assertTrue

class TokenManagerTest {
    private val emulator = startEmulator()
    private val key = emulator.createKey(KeySpec("main", listOf("product-a"), null))

    @AfterEach
    fun stop() = emulator.shutdown()

    private fun manager(productInstanceId: String? = null) =
        TokenManager(config(key.clientId(), key.secret()).copy(baseUrl = emulator.url(), productInstanceId = productInstanceId))

    @Test
    fun `token is cached and shared by the blocking variant`() = runBlocking<Unit> {
        manager().use { manager ->
            assertNull(manager.cachedToken())
            val token = manager.token()
            assertEquals(token, manager.tokenBlocking())
            assertEquals(token, manager.cachedToken())
            assertEquals(1uL, emulator.stats().tokenRequests)
            assertEquals(1uL, manager.stats().tokenRequests)
        }
    }

    @Test
    fun `refresh fetches a new token and invalidate drops only the current one`() = runBlocking<Unit> {
        manager().use { manager ->
            val first = manager.token()
            val second = manager.refresh()
            assertNotEquals(first, second)
            assertFalse(manager.invalidate(first))
            assertTrue(manager.invalidate(second))
            assertNotEquals(second, manager.refreshBlocking())
        }
    }

    @Test
    fun `set credentials swaps a regenerated key`() = runBlocking<Unit> {
        manager().use { manager ->
            manager.token()
            val fresh = emulator.regenerateKey(key.clientId())
            manager.setCredentials(fresh.clientId(), fresh.secret())
            assertEquals(fresh.clientId(), manager.clientId)
            manager.token()
            assertEquals(2uL, emulator.stats().tokenSuccesses)
        }
    }

    @Test
    fun `auth headers carry the token and product instance`() = runBlocking<Unit> {
        manager("product-a").use { manager ->
            val headers = manager.authHeaders()
            val token = manager.token()
            assertEquals("Bearer $token", headers.authorization())
            assertEquals("product-a", headers.productInstanceId())
            assertEquals(
                mapOf("Authorization" to "Bearer $token", "X-Setu-Product-Instance-ID" to "product-a"),
                manager.authHeadersBlocking().toMap(),
            )
        }
    }

    @Test
    fun `close is idempotent and later calls fail with closed`() = runBlocking<Unit> {
        val manager = manager()
        manager.token()
        manager.close()
        manager.close()
        assertTrue(manager.isClosed)
        val error = assertFailsWith<SetuAuthException.Closed> { manager.token() }
        assertEquals("closed", error.code)
        assertFalse(error.retryable)
        assertFailsWith<SetuAuthException.Closed> { manager.tokenBlocking() }
    }

    @Test
    fun `a wrong secret gives invalid credentials with Setu's fields`() {
        val config = config(key.clientId(), "wrong-secret").copy(baseUrl = emulator.url())
        TokenManager(config).use { manager ->
            val error = assertFailsWith<SetuAuthException.InvalidCredentials> { manager.tokenBlocking() }
            assertEquals("invalid_credentials", error.code)
            assertEquals("invalid-api-key", error.setuCode)
            assertEquals(400, error.status)
            assertTrue(error.traceId != null)
            assertFalse(error.retryable)
            assertFalse(error.toString().contains("wrong-secret"))
        }
    }

    @Test
    fun `a 503 is retryable server error`() {
        emulator.pushFaultJson("""{"action": "respond", "status": 503, "times": 10}""")
        val config = config(key.clientId(), key.secret()).copy(baseUrl = emulator.url())
        TokenManager(config.copy(policy = config.policy.copy(negativeTtlMs = 1uL))).use { manager ->
            val error = assertFailsWith<SetuAuthException.ServerError> { manager.tokenBlocking() }
            assertEquals(503, error.status)
            assertTrue(error.retryable)
        }
    }

    @Test
    fun `invalid settings name the value and the fix`() {
        val plain = assertFailsWith<SetuAuthException.InvalidConfig> {
            TokenManager(config("id", "secret").copy(baseUrl = "http://example.invalid"))
        }
        assertTrue(plain.message!!.contains("http://example.invalid"))
        val empty = assertFailsWith<SetuAuthException.InvalidConfig> { TokenManager(config("", "secret")) }
        assertTrue(empty.message!!.contains("client_id"))
        val share = config("id", "secret")
        assertFailsWith<SetuAuthException.InvalidConfig> {
            TokenManager(share.copy(policy = share.policy.copy(refreshShare = Double.NaN)))
        }
    }

    @Test
    fun `text forms never show the secret or a token`() = runBlocking<Unit> {
        manager("product-a").use { manager ->
            val token = manager.token()
            val secret = key.secret()
            val texts = listOf(
                manager.toString(), manager.authHeaders().toString(), key.toString(),
                Secret(secret).toString(), config(key.clientId(), secret).toString(),
            )
            for (text in texts) {
                assertFalse(text.contains(secret), text)
                assertFalse(text.contains(token), text)
            }
            assertTrue(manager.toString().contains(key.clientId()))
        }
    }

    @Test
    fun `okhttp retries once after a 401 and never after a 403`() {
        manager("product-a").use { manager ->
            val client = OkHttpClient.Builder().setuAuth(manager).build()
            val request = Request.Builder().url("${emulator.url()}/api/v2/sample").build()
            val first = manager.tokenBlocking()
            emulator.setClockSkew(7200)
            client.newCall(request).execute().use { assertEquals(200, it.code) }
            assertNotEquals(first, manager.tokenBlocking())
            assertEquals(1uL, manager.stats().invalidations)

            val denied = TokenManager(config(key.clientId(), key.secret()).copy(baseUrl = emulator.url(), productInstanceId = "other"))
            denied.use {
                val deniedClient = OkHttpClient.Builder().setuAuth(it).build()
                deniedClient.newCall(request).execute().use { response -> assertEquals(403, response.code) }
                assertEquals(0uL, it.stats().invalidations)
            }
        }
    }

    @Test
    fun `okhttp surfaces token failures as SetuAuthIOException`() {
        emulator.disableKey(key.clientId())
        manager().use { manager ->
            val client = OkHttpClient.Builder().setuAuth(manager).build()
            val request = Request.Builder().url("${emulator.url()}/api/v2/sample").build()
            val error = assertFailsWith<SetuAuthIOException> { client.newCall(request).execute() }
            assertEquals("invalid_credentials", error.error.code)
        }
    }

    @Test
    fun `emulator API works and rejects bad input`() {
        assertTrue(emulator.jwks().contains("RS256"))
        assertTrue(emulator.publicKeyPem().contains("BEGIN PUBLIC KEY"))
        emulator.setTokenLifetime(60uL)
        emulator.setLoginTokenLifetime(60uL)
        emulator.setKeyTokenLifetime(key.clientId(), 30uL)
        emulator.resetStats()
        assertEquals(0uL, emulator.stats().tokenRequests)
        assertFailsWith<EmulatorException.InvalidInput> { emulator.pushFaultJson("{\"action\": \"explode\"}") }
        assertFailsWith<EmulatorException.InvalidInput> { emulator.setTokenLifetime(0uL) }
        assertFailsWith<EmulatorException.InvalidInput> { emulator.deleteKey("nobody") }
        emulator.clearFaults()
        emulator.deleteKey(key.clientId())
        emulator.shutdown()
        assertFailsWith<EmulatorException.ShutDown> { emulator.url() }
    }

    @Test
    fun `error code table is complete`() {
        val documented = listOf(
            "invalid_config", "invalid_argument", "invalid_credentials", "access_denied",
            "rate_limited", "server_error", "timeout", "connection_failed", "invalid_response",
            "invalid_token_lifetime", "request_rejected", "closed", "blocking_in_runtime", "internal",
        )
        assertEquals(documented, co.setu.auth.ffi.errorCodes())
    }
}
