package co.setu.auth

import co.setu.auth.ffi.SetuAuthException as NativeException
import java.io.IOException

/** The fields every [SetuAuthException] carries. */
class ErrorFields internal constructor(
    internal val code: String,
    internal val setuCode: String?,
    internal val status: Int?,
    internal val traceId: String?,
    internal val retryable: Boolean,
    internal val retryAfterMs: Long?,
    internal val detail: String,
)

/**
 * A failure from setu-auth: one subclass per stable code. The message is one sentence and
 * never contains a secret or a token.
 */
sealed class SetuAuthException(fields: ErrorFields) : Exception("${fields.code}: ${fields.detail}") {
    /** The stable snake_case code, such as `invalid_credentials`. */
    val code: String = fields.code

    /** Setu's own error code, such as `invalid-api-key`, when Setu sent one. */
    val setuCode: String? = fields.setuCode

    /** The HTTP status of the failed response, if there was one. */
    val status: Int? = fields.status

    /** Setu's traceID of the failed request, to quote to Setu's support. */
    val traceId: String? = fields.traceId

    /** Whether trying again later may succeed without any change. */
    val retryable: Boolean = fields.retryable

    /** The server's Retry-After hint in milliseconds, if it sent one. */
    val retryAfterMs: Long? = fields.retryAfterMs

    /** A setting is invalid; the message names it and the fix. */
    class InvalidConfig internal constructor(f: ErrorFields) : SetuAuthException(f)

    /** A method argument is invalid. */
    class InvalidArgument internal constructor(f: ErrorFields) : SetuAuthException(f)

    /** Setu rejected the clientID or secret. */
    class InvalidCredentials internal constructor(f: ErrorFields) : SetuAuthException(f)

    /** Setu returned 403. */
    class AccessDenied internal constructor(f: ErrorFields) : SetuAuthException(f)

    /** Setu returned 429. */
    class RateLimited internal constructor(f: ErrorFields) : SetuAuthException(f)

    /** Setu returned a 5xx status. */
    class ServerError internal constructor(f: ErrorFields) : SetuAuthException(f)

    /** The request timed out. */
    class Timeout internal constructor(f: ErrorFields) : SetuAuthException(f)

    /** No connection, or it broke before a full response. */
    class ConnectionFailed internal constructor(f: ErrorFields) : SetuAuthException(f)

    /** The response was not a well-formed Setu response. */
    class InvalidResponse internal constructor(f: ErrorFields) : SetuAuthException(f)

    /** The token's lifetime is zero, negative, past or absurd. */
    class InvalidTokenLifetime internal constructor(f: ErrorFields) : SetuAuthException(f)

    /** Setu rejected the request with another 4xx status. */
    class RequestRejected internal constructor(f: ErrorFields) : SetuAuthException(f)

    /** The manager was closed. */
    class Closed internal constructor(f: ErrorFields) : SetuAuthException(f)

    /** A blocking call was made from inside an async runtime. */
    class BlockingInRuntime internal constructor(f: ErrorFields) : SetuAuthException(f)

    /** A bug in setu-auth; the message has the facts. */
    class Internal internal constructor(f: ErrorFields) : SetuAuthException(f)
}

private fun fields(
    code: String, setuCode: String?, status: UShort?, traceId: String?,
    retryable: Boolean, retryAfterMs: ULong?, detail: String,
) = ErrorFields(code, setuCode, status?.toInt(), traceId, retryable, retryAfterMs?.toLong(), detail)

/** Converts the generated error into the public hierarchy. */
internal fun NativeException.toPublic(): SetuAuthException = when (this) {
    is NativeException.InvalidConfig ->
        SetuAuthException.InvalidConfig(fields(code, setuCode, status, traceId, retryable, retryAfterMs, detail))
    is NativeException.InvalidArgument ->
        SetuAuthException.InvalidArgument(fields(code, setuCode, status, traceId, retryable, retryAfterMs, detail))
    is NativeException.InvalidCredentials ->
        SetuAuthException.InvalidCredentials(fields(code, setuCode, status, traceId, retryable, retryAfterMs, detail))
    is NativeException.AccessDenied ->
        SetuAuthException.AccessDenied(fields(code, setuCode, status, traceId, retryable, retryAfterMs, detail))
    is NativeException.RateLimited ->
        SetuAuthException.RateLimited(fields(code, setuCode, status, traceId, retryable, retryAfterMs, detail))
    is NativeException.ServerException ->
        SetuAuthException.ServerError(fields(code, setuCode, status, traceId, retryable, retryAfterMs, detail))
    is NativeException.Timeout ->
        SetuAuthException.Timeout(fields(code, setuCode, status, traceId, retryable, retryAfterMs, detail))
    is NativeException.ConnectionFailed ->
        SetuAuthException.ConnectionFailed(fields(code, setuCode, status, traceId, retryable, retryAfterMs, detail))
    is NativeException.InvalidResponse ->
        SetuAuthException.InvalidResponse(fields(code, setuCode, status, traceId, retryable, retryAfterMs, detail))
    is NativeException.InvalidTokenLifetime ->
        SetuAuthException.InvalidTokenLifetime(fields(code, setuCode, status, traceId, retryable, retryAfterMs, detail))
    is NativeException.RequestRejected ->
        SetuAuthException.RequestRejected(fields(code, setuCode, status, traceId, retryable, retryAfterMs, detail))
    is NativeException.Closed ->
        SetuAuthException.Closed(fields(code, setuCode, status, traceId, retryable, retryAfterMs, detail))
    is NativeException.BlockingInRuntime ->
        SetuAuthException.BlockingInRuntime(fields(code, setuCode, status, traceId, retryable, retryAfterMs, detail))
    is NativeException.Internal ->
        SetuAuthException.Internal(fields(code, setuCode, status, traceId, retryable, retryAfterMs, detail))
}

/** Runs [block], turning the generated error into a [SetuAuthException]. */
internal inline fun <T> converting(block: () -> T): T =
    try {
        block()
    } catch (error: NativeException) {
        throw error.toPublic()
    }

/**
 * Carries a [SetuAuthException] through OkHttp, whose interceptors may only throw
 * [IOException]s.
 */
class SetuAuthIOException(val error: SetuAuthException) : IOException(error.message, error)
