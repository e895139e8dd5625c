package co.setu.auth

import co.setu.auth.ffi.KeySpec
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.delay
import kotlinx.coroutines.runBlocking
import okhttp3.OkHttpClient
import okhttp3.Request
import org.json.JSONObject
import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.TestFactory
import java.io.File
import kotlin.test.fail

/** Runs every shared scenario in `tests/conformance/scenarios` through the public API. */
class ConformanceTest {
    @TestFactory
    fun scenarios(): List<DynamicTest> {
        val folder = File(System.getProperty("setu.conformance.dir"))
        val files = folder.listFiles { file -> file.name.endsWith(".json") }.orEmpty().sortedBy { it.name }
        check(files.isNotEmpty()) { "no scenarios in $folder" }
        return files.map { file ->
            DynamicTest.dynamicTest(file.name) { ScenarioRun(JSONObject(file.readText())).run() }
        }
    }
}

private class ScenarioRun(private val scenario: JSONObject) {
    private val setup = scenario.optJSONObject("emulator") ?: JSONObject()
    private val emulator = startEmulator(
        setup.optLong("tokenLifetime", 1800),
        setup.optLong("loginTokenLifetime", 300),
    )
    private val keys = mutableMapOf<String, Pair<String, String>>()
    private val saved = mutableMapOf<String, String>()
    private lateinit var manager: TokenManager
    private val http = lazy { OkHttpClient.Builder().setuAuth(manager).build() }

    fun run() = runBlocking {
        try {
            createKeys()
            manager = TokenManager(clientConfig(scenario.getJSONObject("client")))
            val steps = scenario.getJSONArray("steps")
            for (index in 0 until steps.length()) {
                val step = steps.getJSONObject(index)
                try {
                    runStep(step)
                } catch (error: AssertionError) {
                    fail("${scenario.getString("name")}: step $index (${step.getString("op")}): ${error.message}")
                }
            }
        } finally {
            if (::manager.isInitialized) manager.close()
            emulator.shutdown()
        }
    }

    private fun createKeys() {
        val specs = setup.optJSONArray("keys") ?: return
        for (i in 0 until specs.length()) {
            val spec = specs.getJSONObject(i)
            val products = spec.optJSONArray("products")?.let { a -> List(a.length()) { a.getString(it) } }
            val lifetime = if (spec.isNull("tokenLifetime")) null else spec.optLong("tokenLifetime").toULong()
            val key = emulator.createKey(KeySpec(spec.getString("name"), products ?: emptyList(), lifetime))
            keys[spec.getString("name")] = key.clientId() to key.secret()
        }
    }

    private fun clientConfig(client: JSONObject): co.setu.auth.ffi.Config {
        val (id, secret) = key(client.getString("key"))
        val base = config(id, if (client.isNull("secret") || !client.has("secret")) secret else client.getString("secret"))
        var policy = base.policy
        var connect = base.connectTimeoutMs
        var request = base.requestTimeoutMs
        val overrides = client.optJSONObject("policy") ?: JSONObject()
        for (name in overrides.keySet()) {
            val ms = { overrides.getLong(name).toULong() }
            when (name) {
                "refreshShare" -> policy = policy.copy(refreshShare = overrides.getDouble(name))
                "jitterShare" -> policy = policy.copy(jitterShare = overrides.getDouble(name))
                "minRemainingMs" -> policy = policy.copy(minRemainingMs = ms())
                "defaultLifetimeMs" -> policy = policy.copy(defaultLifetimeMs = ms())
                "minBackoffMs" -> policy = policy.copy(minBackoffMs = ms())
                "maxBackoffMs" -> policy = policy.copy(maxBackoffMs = ms())
                "negativeTtlMs" -> policy = policy.copy(negativeTtlMs = ms())
                "maxRetryAfterMs" -> policy = policy.copy(maxRetryAfterMs = ms())
                "connectTimeoutMs" -> connect = ms()
                "requestTimeoutMs" -> request = ms()
                else -> fail("unknown policy field $name")
            }
        }
        val flavor = when (client.optString("flavor", "v2")) {
            "login" -> co.setu.auth.ffi.Flavor.LOGIN
            else -> co.setu.auth.ffi.Flavor.V2
        }
        val instance = if (client.isNull("productInstanceId")) null else client.optString("productInstanceId", null)
        return base.copy(
            baseUrl = emulator.url(), flavor = flavor, productInstanceId = instance,
            policy = policy, connectTimeoutMs = connect, requestTimeoutMs = request,
        )
    }

    private fun key(name: String) = keys[name] ?: fail("unknown key $name")

    private suspend fun runStep(step: JSONObject) {
        when (val op = step.getString("op")) {
            "token" -> checkToken(step) { manager.token() }
            "refresh" -> checkToken(step) { manager.refresh() }
            "concurrent_tokens" -> concurrentTokens(step)
            "invalidate" -> expectEq("invalidate", step.get("expect"), manager.invalidate(saved(step.getString("token"))))
            "set_credentials" -> key(step.getString("key")).let { (id, secret) -> manager.setCredentials(id, secret) }
            "auth_headers" -> authHeaders(step)
            "call_api" -> callApi(step)
            "stats" -> expectSubset("stats", statsMap(), step.getJSONObject("expect"))
            "emulator_stats" -> expectSubset("emulator stats", emulatorStats(), step.getJSONObject("expect"))
            "wait_for_emulator_stats" -> waitForEmulatorStats(step)
            "fault" -> emulator.pushFaultJson(step.getJSONObject("fault").toString())
            "clear_faults" -> emulator.clearFaults()
            "key" -> keyAction(step)
            "set_token_lifetime" -> emulator.setTokenLifetime(step.getLong("seconds").toULong())
            "set_key_token_lifetime" -> emulator.setKeyTokenLifetime(
                key(step.getString("key")).first,
                if (step.isNull("seconds")) null else step.getLong("seconds").toULong(),
            )
            "set_clock_skew" -> emulator.setClockSkew(step.getLong("seconds"))
            "sleep" -> delay(step.getLong("ms"))
            "close" -> manager.close()
            else -> fail("unknown op $op")
        }
    }

    private suspend fun checkToken(step: JSONObject, call: suspend () -> String) {
        val token = try {
            call()
        } catch (error: SetuAuthException) {
            val expected = step.optJSONObject("expect_error") ?: fail("unexpected error: $error")
            return checkError(error, expected)
        }
        step.optJSONObject("expect_error")?.let { fail("expected error $it, got a token") }
        val expect = step.optJSONObject("expect") ?: JSONObject()
        expect.optString("same_as", null)?.let { if (token != saved(it)) fail("token differs from $it") }
        expect.optString("differs_from", null)?.let { if (token == saved(it)) fail("token equals $it") }
        step.optString("save", null)?.let { saved[it] = token }
    }

    private suspend fun concurrentTokens(step: JSONObject) = kotlinx.coroutines.coroutineScope {
        val results = List(step.getInt("count")) {
            async(Dispatchers.Default) { runCatching { manager.token() } }
        }.awaitAll()
        val expected = step.optJSONObject("expect_error")
        if (expected != null) {
            for (result in results) {
                val error = result.exceptionOrNull() ?: fail("a caller got a token")
                checkError(error as SetuAuthException, expected)
            }
            return@coroutineScope
        }
        val tokens = results.map { it.getOrElse { error -> fail("unexpected error: $error") } }
        if (tokens.toSet().size != 1) fail("callers got different tokens")
        step.optString("save", null)?.let { saved[it] = tokens[0] }
    }

    private suspend fun authHeaders(step: JSONObject) {
        val headers = manager.authHeaders().toMap().mapKeys { it.key.lowercase() }
        val expect = step.getJSONObject("expect")
        for (name in expect.keySet()) {
            val wanted = fillTokens(expect.getString(name))
            if (headers[name] != wanted) fail("header $name differs from the expected value")
        }
    }

    private fun fillTokens(text: String): String =
        Regex("\\{(\\w+)\\}").replace(text) { saved(it.groupValues[1]) }

    private fun callApi(step: JSONObject) {
        val request = Request.Builder().url("${emulator.url()}/api/v2/sample").build()
        val response = try {
            http.value.newCall(request).execute()
        } catch (error: SetuAuthIOException) {
            val expected = step.optJSONObject("expect_error") ?: fail("unexpected error: ${error.error}")
            return checkError(error.error, expected)
        }
        response.use {
            step.optJSONObject("expect_error")?.let { fail("expected an error, got HTTP ${response.code}") }
            expectEq("status", step.get("expect_status"), response.code)
            step.optString("expect_setu_code", null)?.let { code ->
                val body = JSONObject(response.body.string())
                expectEq("error.code", code, body.getJSONObject("error").getString("code"))
            }
        }
    }

    private suspend fun waitForEmulatorStats(step: JSONObject) {
        val expect = step.getJSONObject("expect")
        repeat((step.getLong("timeout_ms") / 20).toInt()) {
            if (runCatching { expectSubset("emulator stats", emulatorStats(), expect) }.isSuccess) return
            delay(20)
        }
        expectSubset("emulator stats", emulatorStats(), expect)
    }

    private fun keyAction(step: JSONObject) {
        val name = step.getString("key")
        val (id, _) = key(name)
        when (val action = step.getString("action")) {
            "disable" -> emulator.disableKey(id)
            "enable" -> emulator.enableKey(id)
            "delete" -> emulator.deleteKey(id)
            "regenerate" -> emulator.regenerateKey(id).let { keys[name] = it.clientId() to it.secret() }
            else -> fail("unknown key action $action")
        }
    }

    private fun saved(name: String) = saved[name] ?: fail("no saved token $name")

    private fun statsMap(): Map<String, Any?> = manager.stats().let {
        mapOf(
            "token_requests" to it.tokenRequests.toLong(), "token_successes" to it.tokenSuccesses.toLong(),
            "token_failures" to it.tokenFailures.toLong(), "cache_hits" to it.cacheHits.toLong(),
            "stale_serves" to it.staleServes.toLong(), "invalidations" to it.invalidations.toLong(),
        )
    }

    private fun emulatorStats(): Map<String, Any?> = emulator.stats().let {
        mapOf(
            "token_requests" to it.tokenRequests.toLong(), "token_successes" to it.tokenSuccesses.toLong(),
            "token_failures" to it.tokenFailures.toLong(), "login_requests" to it.loginRequests.toLong(),
            "api_requests" to it.apiRequests.toLong(), "api_accepted" to it.apiAccepted.toLong(),
            "api_rejected" to it.apiRejected.toLong(), "faults_applied" to it.faultsApplied.toLong(),
        )
    }
}

/** Checks the error fields a scenario lists. */
internal fun checkError(error: SetuAuthException, expected: JSONObject) {
    val actual = mapOf(
        "code" to error.code, "setu_code" to error.setuCode,
        "status" to error.status?.toLong(), "retryable" to error.retryable,
    )
    expectSubset("error", actual, expected)
}

private fun expectSubset(what: String, actual: Map<String, Any?>, expected: JSONObject) {
    for (field in expected.keySet()) {
        if (field !in actual) fail("$what has no field $field")
        expectEq("$what.$field", expected.get(field), actual[field])
    }
}

private fun expectEq(what: String, expected: Any?, actual: Any?) {
    val wanted = when (expected) {
        JSONObject.NULL -> null
        is Int -> expected.toLong()
        else -> expected
    }
    val got = if (actual is Int) actual.toLong() else actual
    if (wanted != got) fail("$what is $got, expected $wanted")
}
