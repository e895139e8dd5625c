package co.setu.auth

import co.setu.auth.ffi.KeySpec
import co.setu.auth.ffi.Store
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Test
import java.nio.file.Files
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertFalse
import kotlin.test.assertTrue

/** Token stores: two managers sharing one token through a file store, and invalid stores. */
class StoreTest {
    private val emulator = startEmulator()
    private val key = emulator.createKey(KeySpec("main", listOf("product-a"), null))

    @AfterEach
    fun stop() = emulator.shutdown()

    private fun manager(store: Store) =
        TokenManager(config(key.clientId(), key.secret()).copy(baseUrl = emulator.url(), store = store))

    @Test
    fun `two managers with one file store make one request`() {
        val dir = Files.createTempDirectory("setu-auth-kotlin-store-")
        try {
            val store = Store.file(dir.toString())
            val first = manager(store).use { it.tokenBlocking() }
            val second = manager(store).use { it.tokenBlocking() }

            assertEquals(first, second)
            assertEquals(1uL, emulator.stats().tokenRequests)
        } finally {
            dir.toFile().deleteRecursively()
        }
    }

    @Test
    fun `the default store is memory`() {
        assertEquals("memory", config("id", "secret").store.kind())
    }

    @Test
    fun `invalid stores are invalid config`() {
        val relative = assertFailsWith<SetuAuthException.InvalidConfig> { manager(Store.file("relative/dir")) }
        assertTrue(relative.message!!.contains("relative"))

        val password = "redis-pass-do-not-print-42"
        val scheme = assertFailsWith<SetuAuthException.InvalidConfig> {
            manager(Store.redis("http://:$password@127.0.0.1:6379", 1000uL))
        }
        assertTrue(scheme.message!!.contains("scheme"))
        assertFalse(scheme.toString().contains(password))

        assertFailsWith<SetuAuthException.InvalidConfig> { manager(Store.redis("redis://127.0.0.1", 0uL)) }
    }

    @Test
    fun `text forms never show a redis password`() {
        val password = "redis-pass-do-not-print-42"
        val store = Store.redis("redis://:$password@127.0.0.1:6379/0", 1000uL)
        val texts = listOf(store.toString(), config("id", "secret").copy(store = store).toString())

        for (text in texts) {
            assertFalse(text.contains(password), text)
            assertTrue(text.contains("127.0.0.1"), text)
        }
    }
}
