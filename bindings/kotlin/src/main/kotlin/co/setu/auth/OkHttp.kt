package co.setu.auth

import okhttp3.Authenticator
import okhttp3.Interceptor
import okhttp3.OkHttpClient
import okhttp3.Request
import okhttp3.Response
import okhttp3.Route

/**
 * Adds `Authorization: Bearer <token>` and, when configured, the product instance header to
 * every request. A failure to get a token surfaces as a [SetuAuthIOException].
 */
class SetuAuthInterceptor(private val manager: TokenManager) : Interceptor {
    override fun intercept(chain: Interceptor.Chain): Response =
        chain.proceed(withHeaders(manager, chain.request()))
}

/**
 * On a 401, reports the rejected token to the manager and retries the request once with a
 * fresh one. A second 401, or a 403, is returned to the caller as it is.
 */
class SetuAuthAuthenticator(private val manager: TokenManager) : Authenticator {
    override fun authenticate(route: Route?, response: Response): Request? {
        if (response.priorResponse != null) {
            return null
        }
        val rejected = response.request.header("Authorization")?.removePrefix("Bearer ")
        if (rejected != null) {
            manager.invalidate(rejected)
        }
        return withHeaders(manager, response.request)
    }
}

/** Installs [SetuAuthInterceptor] and [SetuAuthAuthenticator] for [manager]. */
fun OkHttpClient.Builder.setuAuth(manager: TokenManager): OkHttpClient.Builder =
    addInterceptor(SetuAuthInterceptor(manager)).authenticator(SetuAuthAuthenticator(manager))

private fun withHeaders(manager: TokenManager, request: Request): Request {
    val headers = try {
        manager.authHeadersBlocking()
    } catch (error: SetuAuthException) {
        throw SetuAuthIOException(error)
    }
    val builder = request.newBuilder()
    headers.toMap().forEach { (name, value) -> builder.header(name, value) }
    return builder.build()
}
