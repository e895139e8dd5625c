/* Tests of every function of the C API against the emulator: results, ownership and each
 * error code that a caller can cause. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "support/check.h"
#include "support/fixture.h"

static const char *const EXPECTED_NAMES[] = {
    "invalid_config",      "invalid_argument", "invalid_credentials",
    "access_denied",       "rate_limited",     "server_error",
    "timeout",             "connection_failed", "invalid_response",
    "invalid_token_lifetime", "request_rejected", "closed",
    "blocking_in_runtime", "internal",
};

static void code_table_matches(void)
{
    size_t expected = sizeof(EXPECTED_NAMES) / sizeof(EXPECTED_NAMES[0]);

    CHECK(setu_auth_code_count() == (int)expected);
    for (int code = 1; code <= setu_auth_code_count() && code <= (int)expected; code++) {
        CHECK_STR(setu_auth_code_name(code), EXPECTED_NAMES[code - 1]);
    }
    CHECK(setu_auth_code_name(0) == NULL);
    CHECK(setu_auth_code_name(-3) == NULL);
    CHECK(setu_auth_code_name((int)expected + 1) == NULL);
    CHECK(SETU_AUTH_INTERNAL == 14);
}

static void null_arguments_rejected(void)
{
    setu_auth_config *config = NULL;
    char *text = (char *)"untouched";
    setu_auth_stats stats;

    CHECK_CODE(setu_auth_config_new(NULL), SETU_AUTH_INVALID_ARGUMENT);
    CHECK_CODE(setu_auth_config_set_credentials(NULL, "id", "secret"), SETU_AUTH_INVALID_ARGUMENT);
    CHECK_CODE(setu_auth_config_set_refresh_share(NULL, 0.5), SETU_AUTH_INVALID_ARGUMENT);
    CHECK_CODE(setu_auth_config_set_request_timeout_ms(NULL, 5), SETU_AUTH_INVALID_ARGUMENT);
    CHECK_CODE(setu_auth_manager_new(NULL, NULL), SETU_AUTH_INVALID_ARGUMENT);
    CHECK_CODE(setu_auth_manager_token(NULL, &text), SETU_AUTH_INVALID_ARGUMENT);
    CHECK(text == NULL);
    CHECK_CODE(setu_auth_manager_token(NULL, NULL), SETU_AUTH_INVALID_ARGUMENT);
    CHECK_CODE(setu_auth_manager_refresh(NULL, &text), SETU_AUTH_INVALID_ARGUMENT);
    CHECK_CODE(setu_auth_manager_auth_header(NULL, &text), SETU_AUTH_INVALID_ARGUMENT);
    CHECK_CODE(setu_auth_manager_product_instance_id(NULL, &text), SETU_AUTH_INVALID_ARGUMENT);
    CHECK_CODE(setu_auth_manager_invalidate(NULL, "t", NULL), SETU_AUTH_INVALID_ARGUMENT);
    CHECK_CODE(setu_auth_manager_set_credentials(NULL, "a", "b"), SETU_AUTH_INVALID_ARGUMENT);
    CHECK_CODE(setu_auth_manager_stats(NULL, &stats), SETU_AUTH_INVALID_ARGUMENT);
    CHECK_CODE(setu_auth_manager_token_async(NULL, NULL, NULL), SETU_AUTH_INVALID_ARGUMENT);

    CHECK_OK(setu_auth_config_new(&config));
    CHECK_CODE(setu_auth_config_set_credentials(config, NULL, "secret"),
               SETU_AUTH_INVALID_ARGUMENT);
    CHECK_CODE(setu_auth_config_set_credentials(config, "id", NULL), SETU_AUTH_INVALID_ARGUMENT);
    CHECK_CODE(setu_auth_config_set_environment(config, NULL), SETU_AUTH_INVALID_ARGUMENT);
    CHECK_CODE(setu_auth_config_set_flavor(config, NULL), SETU_AUTH_INVALID_ARGUMENT);
    CHECK_CODE(setu_auth_manager_new(config, NULL), SETU_AUTH_INVALID_ARGUMENT);
    setu_auth_config_free(config);

    /* Freeing NULL is a no-op for every free function. */
    setu_auth_config_free(NULL);
    setu_auth_manager_free(NULL);
    setu_auth_manager_close(NULL);
    setu_auth_error_free(NULL);
    setu_auth_string_free(NULL);
}

static void error_accessors_accept_null(void)
{
    CHECK(setu_auth_error_code(NULL) == SETU_AUTH_INVALID_ARGUMENT);
    CHECK_STR(setu_auth_error_message(NULL), "");
    CHECK(setu_auth_error_setu_code(NULL) == NULL);
    CHECK(setu_auth_error_trace_id(NULL) == NULL);
    CHECK(setu_auth_error_status(NULL) == 0);
    CHECK(!setu_auth_error_retryable(NULL));
    CHECK(setu_auth_error_retry_after_ms(NULL) == -1);
}

static void invalid_utf8_rejected(void)
{
    setu_auth_config *config = NULL;
    setu_auth_error *error;

    CHECK_OK(setu_auth_config_new(&config));
    error = setu_auth_config_set_credentials(config, "client\xff", "secret");
    CHECK(setu_auth_error_code(error) == SETU_AUTH_INVALID_ARGUMENT);
    CHECK(strstr(setu_auth_error_message(error), "client_id") != NULL);
    CHECK(strstr(setu_auth_error_message(error), "UTF-8") != NULL);
    CHECK(setu_auth_error_status(error) == 0);
    CHECK(!setu_auth_error_retryable(error));
    setu_auth_error_free(error);

    CHECK_CODE(setu_auth_config_set_base_url(config, "http://\xc3\x28"),
               SETU_AUTH_INVALID_ARGUMENT);
    CHECK_CODE(setu_auth_config_set_product_instance_id(config, "\xe2\x82"),
               SETU_AUTH_INVALID_ARGUMENT);
    setu_auth_config_free(config);
}

/* Creates a manager from `config`, expecting INVALID_CONFIG with `fragment` in the message. */
static void expect_invalid_config(const setu_auth_config *config, const char *fragment)
{
    setu_auth_manager *manager = (setu_auth_manager *)0x1;
    setu_auth_error *error = setu_auth_manager_new(config, &manager);

    CHECK(manager == NULL);
    CHECK(setu_auth_error_code(error) == SETU_AUTH_INVALID_CONFIG);
    if (strstr(setu_auth_error_message(error), fragment) == NULL) {
        fprintf(stderr, "message \"%s\" lacks \"%s\"\n", setu_auth_error_message(error), fragment);
        check_failures++;
    }
    setu_auth_error_free(error);
}

static void invalid_config_named(void)
{
    setu_auth_config *config = NULL;

    CHECK_OK(setu_auth_config_new(&config));
    expect_invalid_config(config, "client_id is empty");

    CHECK_OK(setu_auth_config_set_credentials(config, "client", "secret"));
    CHECK_CODE(setu_auth_config_set_environment(config, "staging"), SETU_AUTH_INVALID_CONFIG);
    CHECK_CODE(setu_auth_config_set_flavor(config, "v3"), SETU_AUTH_INVALID_CONFIG);
    CHECK_CODE(setu_auth_config_set_refresh_share(config, NAN), SETU_AUTH_INVALID_ARGUMENT);
    CHECK_OK(setu_auth_config_set_environment(config, "production"));
    CHECK_OK(setu_auth_config_set_flavor(config, "login"));

    CHECK_OK(setu_auth_config_set_base_url(config, "http://setu.example"));
    expect_invalid_config(config, "plain http");
    CHECK_OK(setu_auth_config_set_base_url(config, NULL));

    CHECK_OK(setu_auth_config_set_refresh_share(config, 1.5));
    expect_invalid_config(config, "refresh_share");
    CHECK_OK(setu_auth_config_set_refresh_share(config, 0.75));

    CHECK_OK(setu_auth_config_set_request_timeout_ms(config, 0));
    expect_invalid_config(config, "request_timeout");
    CHECK_OK(setu_auth_config_set_request_timeout_ms(config, 1000));

    CHECK_OK(setu_auth_config_set_max_body_bytes(config, 10));
    expect_invalid_config(config, "max_body_bytes");
    setu_auth_config_free(config);
}

/* Sets `set` to `milliseconds` on a valid configuration and expects INVALID_CONFIG naming
 * `field` from setu_auth_manager_new; then restores a valid value with `valid`. */
static void expect_invalid_ms(setu_auth_config *config,
                              setu_auth_error *(*set)(const setu_auth_config *, uint64_t),
                              uint64_t milliseconds, uint64_t valid, const char *field)
{
    CHECK_OK(set(config, milliseconds));
    expect_invalid_config(config, field);
    CHECK_OK(set(config, valid));
}

static void policy_setters_applied(void)
{
    setu_auth_config *config = NULL;
    setu_auth_manager *manager = NULL;

    CHECK_OK(setu_auth_config_new(&config));
    CHECK_OK(setu_auth_config_set_credentials(config, "client", "secret"));
    CHECK_OK(setu_auth_config_set_refresh_share(config, 0.5));
    CHECK_OK(setu_auth_config_set_jitter_share(config, 0.1));
    CHECK_OK(setu_auth_config_set_min_remaining_ms(config, 2000));
    CHECK_OK(setu_auth_config_set_default_lifetime_ms(config, 60000));
    CHECK_OK(setu_auth_config_set_min_backoff_ms(config, 100));
    CHECK_OK(setu_auth_config_set_max_backoff_ms(config, 1000));
    CHECK_OK(setu_auth_config_set_negative_ttl_ms(config, 100));
    CHECK_OK(setu_auth_config_set_max_retry_after_ms(config, 5000));
    CHECK_OK(setu_auth_config_set_connect_timeout_ms(config, 1000));
    CHECK_OK(setu_auth_config_set_request_timeout_ms(config, 2000));
    CHECK_OK(setu_auth_config_set_max_body_bytes(config, 4096));
    CHECK_OK(setu_auth_manager_new(config, &manager));
    CHECK(manager != NULL);
    setu_auth_manager_free(manager);

    CHECK_OK(setu_auth_config_set_jitter_share(config, 0.6));
    expect_invalid_config(config, "jitter_share");
    CHECK_OK(setu_auth_config_set_jitter_share(config, 0.05));
    CHECK_CODE(setu_auth_config_set_jitter_share(config, INFINITY), SETU_AUTH_INVALID_ARGUMENT);

    expect_invalid_ms(config, setu_auth_config_set_connect_timeout_ms, 0, 1000, "connect_timeout");
    expect_invalid_ms(config, setu_auth_config_set_default_lifetime_ms, 0, 60000,
                      "default_lifetime");
    expect_invalid_ms(config, setu_auth_config_set_max_backoff_ms, 10, 1000, "max_backoff");
    expect_invalid_ms(config, setu_auth_config_set_min_backoff_ms, 0, 100, "min_backoff");
    setu_auth_config_free(config);
}

static void token_cached_and_counted(void)
{
    fixture fx;
    if (fixture_start(&fx, NULL) != 0) {
        check_failures++;
        return;
    }
    setu_auth_manager *manager = fixture_manager(&fx);
    char *first = NULL;
    char *second = NULL;
    setu_auth_stats stats;

    CHECK_OK(setu_auth_manager_token(manager, &first));
    CHECK_OK(setu_auth_manager_token(manager, &second));
    CHECK(first != NULL);
    CHECK(first == NULL || strlen(first) > 20);
    CHECK(first != second);
    CHECK_STR(second, first);

    CHECK_OK(setu_auth_manager_stats(manager, &stats));
    CHECK(stats.token_requests == 1);
    CHECK(stats.token_successes == 1);
    CHECK(stats.token_failures == 0);
    CHECK(stats.cache_hits >= 1);
    CHECK(emulator_stat(&fx.emu, "token_requests") == 1);
    CHECK_CODE(setu_auth_manager_stats(manager, NULL), SETU_AUTH_INVALID_ARGUMENT);

    setu_auth_string_free(first);
    setu_auth_string_free(second);
    setu_auth_manager_free(manager);
    fixture_stop(&fx);
}

static void auth_header_and_product(void)
{
    fixture fx;
    if (fixture_start(&fx, "{\"name\":\"main\",\"products\":[\"product-a\"]}") != 0) {
        check_failures++;
        return;
    }
    setu_auth_manager *plain = fixture_manager(&fx);
    char *token = NULL;
    char *header = NULL;
    char *id = (char *)"untouched";
    char expected[4096];

    CHECK_OK(setu_auth_manager_product_instance_id(plain, &id));
    CHECK(id == NULL);
    CHECK_CODE(setu_auth_manager_product_instance_id(plain, NULL), SETU_AUTH_INVALID_ARGUMENT);
    CHECK_OK(setu_auth_manager_token(plain, &token));
    CHECK_OK(setu_auth_manager_auth_header(plain, &header));
    snprintf(expected, sizeof(expected), "Bearer %s", token ? token : "");
    CHECK_STR(header, expected);
    CHECK_CODE(setu_auth_manager_auth_header(plain, NULL), SETU_AUTH_INVALID_ARGUMENT);
    setu_auth_string_free(token);
    setu_auth_string_free(header);
    setu_auth_manager_free(plain);

    CHECK_OK(setu_auth_config_set_product_instance_id(fx.config, "product-a"));
    setu_auth_manager *with_product = fixture_manager(&fx);
    CHECK_OK(setu_auth_manager_product_instance_id(with_product, &id));
    CHECK_STR(id, "product-a");
    setu_auth_string_free(id);
    setu_auth_manager_free(with_product);
    fixture_stop(&fx);
}

static void refresh_gets_new_token(void)
{
    fixture fx;
    if (fixture_start(&fx, NULL) != 0) {
        check_failures++;
        return;
    }
    setu_auth_manager *manager = fixture_manager(&fx);
    char *first = NULL;
    char *refreshed = NULL;
    char *current = NULL;

    CHECK_OK(setu_auth_manager_token(manager, &first));
    CHECK_OK(setu_auth_manager_refresh(manager, &refreshed));
    CHECK(first != NULL);
    CHECK(refreshed != NULL);
    CHECK(!first || !refreshed || strcmp(first, refreshed) != 0);
    CHECK_OK(setu_auth_manager_token(manager, &current));
    CHECK_STR(current, refreshed ? refreshed : "");
    CHECK(emulator_stat(&fx.emu, "token_requests") == 2);
    CHECK_CODE(setu_auth_manager_refresh(manager, NULL), SETU_AUTH_INVALID_ARGUMENT);

    setu_auth_string_free(first);
    setu_auth_string_free(refreshed);
    setu_auth_string_free(current);
    setu_auth_manager_free(manager);
    fixture_stop(&fx);
}

static void invalidate_current_only(void)
{
    fixture fx;
    if (fixture_start(&fx, NULL) != 0) {
        check_failures++;
        return;
    }
    setu_auth_manager *manager = fixture_manager(&fx);
    char *first = NULL;
    char *second = NULL;
    bool discarded = false;
    setu_auth_stats stats;

    CHECK_OK(setu_auth_manager_token(manager, &first));
    CHECK_OK(setu_auth_manager_invalidate(manager, first, &discarded));
    CHECK(discarded);
    CHECK_OK(setu_auth_manager_token(manager, &second));
    CHECK(first != NULL);
    CHECK(second != NULL);
    CHECK(!first || !second || strcmp(first, second) != 0);

    CHECK_OK(setu_auth_manager_invalidate(manager, first, &discarded));
    CHECK(!discarded);
    CHECK_OK(setu_auth_manager_invalidate(manager, "not-the-token", NULL));
    CHECK_CODE(setu_auth_manager_invalidate(manager, NULL, &discarded),
               SETU_AUTH_INVALID_ARGUMENT);
    CHECK_CODE(setu_auth_manager_invalidate(manager, "\xff\xfe", &discarded),
               SETU_AUTH_INVALID_ARGUMENT);

    CHECK_OK(setu_auth_manager_stats(manager, &stats));
    CHECK(stats.invalidations == 1);
    setu_auth_string_free(first);
    setu_auth_string_free(second);
    setu_auth_manager_free(manager);
    fixture_stop(&fx);
}

static void set_credentials_after_regenerate(void)
{
    fixture fx;
    if (fixture_start(&fx, NULL) != 0) {
        check_failures++;
        return;
    }
    setu_auth_manager *manager = fixture_manager(&fx);
    char *token = NULL;
    setu_auth_error *error;

    CHECK(emulator_regenerate_key(&fx.emu, &fx.key) == 0);
    error = setu_auth_manager_token(manager, &token);
    CHECK(setu_auth_error_code(error) == SETU_AUTH_INVALID_CREDENTIALS);
    setu_auth_error_free(error);
    CHECK(token == NULL);

    CHECK_OK(setu_auth_manager_set_credentials(manager, fx.key.client_id, fx.key.secret));
    CHECK_OK(setu_auth_manager_token(manager, &token));
    CHECK(token != NULL);
    setu_auth_string_free(token);

    CHECK_CODE(setu_auth_manager_set_credentials(manager, "", "secret"),
               SETU_AUTH_INVALID_CONFIG);
    CHECK_CODE(setu_auth_manager_set_credentials(manager, "id", "line\n"),
               SETU_AUTH_INVALID_CONFIG);
    CHECK_CODE(setu_auth_manager_set_credentials(manager, NULL, "secret"),
               SETU_AUTH_INVALID_ARGUMENT);
    CHECK_CODE(setu_auth_manager_set_credentials(manager, "id", "\xff"),
               SETU_AUTH_INVALID_ARGUMENT);
    setu_auth_manager_free(manager);
    fixture_stop(&fx);
}

static void invalid_credentials_details(void)
{
    fixture fx;
    if (fixture_start(&fx, NULL) != 0) {
        check_failures++;
        return;
    }
    CHECK_OK(setu_auth_config_set_credentials(fx.config, fx.key.client_id, "wrong-secret"));
    setu_auth_manager *manager = fixture_manager(&fx);
    char *token = NULL;
    setu_auth_error *error = setu_auth_manager_token(manager, &token);

    CHECK(token == NULL);
    CHECK(setu_auth_error_code(error) == SETU_AUTH_INVALID_CREDENTIALS);
    CHECK_STR(setu_auth_error_setu_code(error), "invalid-api-key");
    CHECK(setu_auth_error_status(error) >= 400);
    CHECK(setu_auth_error_trace_id(error) != NULL);
    CHECK(!setu_auth_error_retryable(error));
    CHECK(setu_auth_error_retry_after_ms(error) == -1);
    CHECK(strstr(setu_auth_error_message(error), "wrong-secret") == NULL);
    setu_auth_error_free(error);
    setu_auth_manager_free(manager);
    fixture_stop(&fx);
}

/* Queues `fault`, calls refresh, and checks the error's code, status and retryable flag. */
static void expect_fault_error(const fixture *fx, setu_auth_manager *manager, const char *fault,
                               setu_auth_code code, int status, bool retryable)
{
    char *token = NULL;
    struct timespec past_negative_ttl = {0, 20 * 1000000L};

    /* The fixture keeps a permanent failure for 1 ms: wait that out so the previous
     * fault's error is not returned from memory. */
    nanosleep(&past_negative_ttl, NULL);
    CHECK(fixture_fault(fx, fault) == 0);
    setu_auth_error *error = setu_auth_manager_refresh(manager, &token);
    CHECK(token == NULL);
    if (setu_auth_error_code(error) != code) {
        fprintf(stderr, "fault %s gave %s (%s), expected %s\n", fault,
                setu_auth_code_name(setu_auth_error_code(error)), setu_auth_error_message(error),
                setu_auth_code_name(code));
        check_failures++;
    }
    CHECK(setu_auth_error_status(error) == status);
    CHECK(setu_auth_error_retryable(error) == retryable);
    setu_auth_error_free(error);
    setu_auth_string_free(token);
}

static void server_faults_typed(void)
{
    fixture fx;
    if (fixture_start(&fx, NULL) != 0) {
        check_failures++;
        return;
    }
    CHECK_OK(setu_auth_config_set_request_timeout_ms(fx.config, 300));
    setu_auth_manager *manager = fixture_manager(&fx);

    expect_fault_error(&fx, manager, "{\"action\":\"respond\",\"status\":503}",
                       SETU_AUTH_SERVER_ERROR, 503, true);
    expect_fault_error(&fx, manager, "{\"action\":\"respond\",\"status\":403}",
                       SETU_AUTH_ACCESS_DENIED, 403, false);
    expect_fault_error(&fx, manager, "{\"action\":\"respond\",\"status\":418}",
                       SETU_AUTH_REQUEST_REJECTED, 418, false);
    expect_fault_error(&fx, manager, "{\"action\":\"respond\",\"status\":200,\"body\":\"<html>\"}",
                       SETU_AUTH_INVALID_RESPONSE, 200, true);
    expect_fault_error(&fx, manager,
                       "{\"action\":\"respond\",\"status\":200,\"body\":"
                       "\"{\\\"status\\\":200,\\\"success\\\":true,\\\"data\\\":"
                       "{\\\"expiresIn\\\":0,\\\"token\\\":\\\"opaque\\\"}}\"}",
                       SETU_AUTH_INVALID_TOKEN_LIFETIME, 200, false);
    expect_fault_error(&fx, manager, "{\"action\":\"drop\"}", SETU_AUTH_CONNECTION_FAILED, 0,
                       true);
    expect_fault_error(&fx, manager, "{\"action\":\"delay\",\"delayMs\":1500}",
                       SETU_AUTH_TIMEOUT, 0, true);
    setu_auth_manager_free(manager);
    fixture_stop(&fx);
}

static void rate_limit_retry_after(void)
{
    fixture fx;
    if (fixture_start(&fx, NULL) != 0) {
        check_failures++;
        return;
    }
    setu_auth_manager *manager = fixture_manager(&fx);
    char *token = NULL;

    CHECK(fixture_fault(&fx, "{\"action\":\"respond\",\"status\":429,"
                             "\"headers\":{\"Retry-After\":\"2\"}}") == 0);
    setu_auth_error *error = setu_auth_manager_token(manager, &token);
    CHECK(setu_auth_error_code(error) == SETU_AUTH_RATE_LIMITED);
    CHECK(setu_auth_error_status(error) == 429);
    CHECK(setu_auth_error_retryable(error));
    CHECK(setu_auth_error_retry_after_ms(error) == 2000);
    CHECK(setu_auth_error_setu_code(error) != NULL);
    setu_auth_error_free(error);
    setu_auth_manager_free(manager);
    fixture_stop(&fx);
}

static void connection_refused_typed(void)
{
    setu_auth_config *config = NULL;
    setu_auth_manager *manager = NULL;
    char *token = NULL;

    CHECK_OK(setu_auth_config_new(&config));
    CHECK_OK(setu_auth_config_set_credentials(config, "client", "secret"));
    /* Port 1 on loopback is closed on a normal machine. */
    CHECK_OK(setu_auth_config_set_base_url(config, "http://127.0.0.1:1"));
    CHECK_OK(setu_auth_manager_new(config, &manager));
    setu_auth_config_free(config);

    setu_auth_error *error = setu_auth_manager_token(manager, &token);
    CHECK(setu_auth_error_code(error) == SETU_AUTH_CONNECTION_FAILED);
    CHECK(setu_auth_error_retryable(error));
    CHECK(setu_auth_error_status(error) == 0);
    setu_auth_error_free(error);
    setu_auth_manager_free(manager);
}

static int unexpected_callbacks = 0;

static void count_callback(void *user_data, const char *token, const setu_auth_error *error)
{
    (void)user_data;
    (void)token;
    (void)error;
    unexpected_callbacks++;
}

static void closed_manager_rejects(void)
{
    fixture fx;
    if (fixture_start(&fx, NULL) != 0) {
        check_failures++;
        return;
    }
    setu_auth_manager *manager = fixture_manager(&fx);
    char *token = NULL;
    bool discarded = true;

    setu_auth_manager_close(manager);
    setu_auth_manager_close(manager);
    CHECK_CODE(setu_auth_manager_token(manager, &token), SETU_AUTH_CLOSED);
    CHECK_CODE(setu_auth_manager_refresh(manager, &token), SETU_AUTH_CLOSED);
    CHECK_CODE(setu_auth_manager_auth_header(manager, &token), SETU_AUTH_CLOSED);
    CHECK_CODE(setu_auth_manager_set_credentials(manager, "id", "secret"), SETU_AUTH_CLOSED);
    CHECK_CODE(setu_auth_manager_token_async(manager, NULL, NULL), SETU_AUTH_INVALID_ARGUMENT);
    CHECK_CODE(setu_auth_manager_token_async(manager, count_callback, NULL), SETU_AUTH_CLOSED);
    CHECK_OK(setu_auth_manager_invalidate(manager, "token", &discarded));
    CHECK(!discarded);
    CHECK(token == NULL);
    CHECK(emulator_stat(&fx.emu, "token_requests") == 0);
    setu_auth_manager_free(manager);
    CHECK(unexpected_callbacks == 0);
    fixture_stop(&fx);
}

int main(void)
{
    static const test_case tests[] = {
        {"code_table_matches", code_table_matches},
        {"null_arguments_rejected", null_arguments_rejected},
        {"error_accessors_accept_null", error_accessors_accept_null},
        {"invalid_utf8_rejected", invalid_utf8_rejected},
        {"invalid_config_named", invalid_config_named},
        {"policy_setters_applied", policy_setters_applied},
        {"token_cached_and_counted", token_cached_and_counted},
        {"auth_header_and_product", auth_header_and_product},
        {"refresh_gets_new_token", refresh_gets_new_token},
        {"invalidate_current_only", invalidate_current_only},
        {"set_credentials_after_regenerate", set_credentials_after_regenerate},
        {"invalid_credentials_details", invalid_credentials_details},
        {"server_faults_typed", server_faults_typed},
        {"rate_limit_retry_after", rate_limit_retry_after},
        {"connection_refused_typed", connection_refused_typed},
        {"closed_manager_rejects", closed_manager_rejects},
    };
    return run_tests("api", tests, sizeof(tests) / sizeof(tests[0]));
}
