/* Runs every JSON scenario in tests/conformance/scenarios/ through the C API against a
 * fresh emulator per scenario. The folder is read at run time, so new scenarios run
 * without a rebuild. SETU_AUTH_SCENARIO_DIR overrides the folder. */
#include <cjson/cJSON.h>
#include <dirent.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "support/check.h"
#include "support/emulator.h"

#ifndef SCENARIO_DIR
#define SCENARIO_DIR "tests/conformance/scenarios"
#endif

enum { MAX_KEYS = 16, MAX_SAVED = 64, MESSAGE_SIZE = 1024 };

typedef struct {
    char name[64];
    emulator_key key;
} named_key;

typedef struct {
    char name[64];
    char *token;
} saved_token;

/* The state of one running scenario. */
typedef struct {
    emulator emu;
    named_key keys[MAX_KEYS];
    int key_count;
    saved_token saved[MAX_SAVED];
    int saved_count;
    setu_auth_manager *manager;
    char message[MESSAGE_SIZE];
} scenario;

/* Records a failure message and returns -1. */
static int fail(scenario *s, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    vsnprintf(s->message, sizeof(s->message), format, args);
    va_end(args);
    return -1;
}

static const char *string_field(const cJSON *object, const char *name)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(object, name);
    return cJSON_IsString(item) ? item->valuestring : NULL;
}

static named_key *find_key(scenario *s, const char *name)
{
    for (int i = 0; name != NULL && i < s->key_count; i++) {
        if (strcmp(s->keys[i].name, name) == 0) {
            return &s->keys[i];
        }
    }
    return NULL;
}

static const char *find_saved(scenario *s, const char *name)
{
    for (int i = 0; name != NULL && i < s->saved_count; i++) {
        if (strcmp(s->saved[i].name, name) == 0) {
            return s->saved[i].token;
        }
    }
    return NULL;
}

static int save_token(scenario *s, const char *name, const char *token)
{
    for (int i = 0; i < s->saved_count; i++) {
        if (strcmp(s->saved[i].name, name) == 0) {
            free(s->saved[i].token);
            s->saved[i].token = strdup(token);
            return 0;
        }
    }
    if (s->saved_count == MAX_SAVED) {
        return fail(s, "too many saved tokens");
    }
    snprintf(s->saved[s->saved_count].name, sizeof(s->saved[0].name), "%s", name);
    s->saved[s->saved_count].token = strdup(token);
    s->saved_count++;
    return 0;
}

/* ---- setup ---- */

static long number_or(const cJSON *object, const char *name, long fallback)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(object, name);
    return cJSON_IsNumber(item) ? (long)item->valuedouble : fallback;
}

static int start_emulator(scenario *s, const cJSON *settings)
{
    const cJSON *key_spec;

    if (emulator_start(&s->emu, number_or(settings, "tokenLifetime", 1800),
                       number_or(settings, "loginTokenLifetime", 300)) != 0) {
        return fail(s, "the emulator did not start");
    }
    cJSON_ArrayForEach(key_spec, cJSON_GetObjectItemCaseSensitive(settings, "keys"))
    {
        char *body = cJSON_PrintUnformatted(key_spec);
        named_key *slot = &s->keys[s->key_count];
        int created = s->key_count < MAX_KEYS && emulator_create_key(&s->emu, body, &slot->key) == 0;

        free(body);
        if (!created) {
            return fail(s, "creating a key failed");
        }
        const char *name = string_field(key_spec, "name");
        snprintf(slot->name, sizeof(slot->name), "%s", name != NULL ? name : "");
        s->key_count++;
    }
    return 0;
}

typedef setu_auth_error *(*ms_setter)(const setu_auth_config *, uint64_t);

static ms_setter find_ms_setter(const char *name)
{
    static const struct {
        const char *name;
        ms_setter set;
    } setters[] = {
        {"minRemainingMs", setu_auth_config_set_min_remaining_ms},
        {"defaultLifetimeMs", setu_auth_config_set_default_lifetime_ms},
        {"minBackoffMs", setu_auth_config_set_min_backoff_ms},
        {"maxBackoffMs", setu_auth_config_set_max_backoff_ms},
        {"negativeTtlMs", setu_auth_config_set_negative_ttl_ms},
        {"maxRetryAfterMs", setu_auth_config_set_max_retry_after_ms},
        {"connectTimeoutMs", setu_auth_config_set_connect_timeout_ms},
        {"requestTimeoutMs", setu_auth_config_set_request_timeout_ms},
    };
    for (size_t i = 0; i < sizeof(setters) / sizeof(setters[0]); i++) {
        if (strcmp(setters[i].name, name) == 0) {
            return setters[i].set;
        }
    }
    return NULL;
}

/* Applies one policy field; returns the error of the setter, or sets `unknown`. */
static setu_auth_error *apply_policy_field(setu_auth_config *config, const cJSON *field,
                                           int *unknown)
{
    ms_setter set = find_ms_setter(field->string);

    if (set != NULL) {
        return set(config, (uint64_t)field->valuedouble);
    }
    if (strcmp(field->string, "refreshShare") == 0) {
        return setu_auth_config_set_refresh_share(config, field->valuedouble);
    }
    if (strcmp(field->string, "jitterShare") == 0) {
        return setu_auth_config_set_jitter_share(config, field->valuedouble);
    }
    *unknown = 1;
    return NULL;
}

/* Reports and frees `error` when a setup call failed. */
static int setup_ok(scenario *s, setu_auth_error *error, const char *action)
{
    if (error == NULL) {
        return 0;
    }
    fail(s, "%s failed: %s", action, setu_auth_error_message(error));
    setu_auth_error_free(error);
    return -1;
}

static int configure(scenario *s, setu_auth_config *config, const cJSON *client)
{
    named_key *key = find_key(s, string_field(client, "key"));
    const char *secret = string_field(client, "secret");
    const char *flavor = string_field(client, "flavor");
    const char *product = string_field(client, "productInstanceId");
    const cJSON *field;

    if (key == NULL) {
        return fail(s, "client.key names no key");
    }
    if (setup_ok(s, setu_auth_config_set_credentials(config, key->key.client_id,
                                                     secret ? secret : key->key.secret),
                 "set_credentials") != 0 ||
        setup_ok(s, setu_auth_config_set_base_url(config, s->emu.url), "set_base_url") != 0 ||
        (flavor && setup_ok(s, setu_auth_config_set_flavor(config, flavor), "set_flavor") != 0) ||
        setup_ok(s, setu_auth_config_set_product_instance_id(config, product),
                 "set_product_instance_id") != 0) {
        return -1;
    }

    cJSON_ArrayForEach(field, cJSON_GetObjectItemCaseSensitive(client, "policy"))
    {
        int unknown = 0;
        if (setup_ok(s, apply_policy_field(config, field, &unknown), field->string) != 0) {
            return -1;
        }
        if (unknown) {
            return fail(s, "unknown policy field %s", field->string);
        }
    }
    return 0;
}

static int create_manager(scenario *s, const cJSON *client)
{
    setu_auth_config *config = NULL;
    int result = setup_ok(s, setu_auth_config_new(&config), "config_new");

    if (result == 0) {
        result = configure(s, config, client);
    }
    if (result == 0) {
        result = setup_ok(s, setu_auth_manager_new(config, &s->manager), "manager_new");
    }
    setu_auth_config_free(config);
    return result;
}

/* ---- expectations ---- */

/* Compares an error with an `expect_error` object: code, setu_code, status, retryable. */
static int check_error(scenario *s, const setu_auth_error *error, const cJSON *expected)
{
    const char *code = string_field(expected, "code");
    const char *setu_code = string_field(expected, "setu_code");
    const cJSON *status = cJSON_GetObjectItemCaseSensitive(expected, "status");
    const cJSON *retryable = cJSON_GetObjectItemCaseSensitive(expected, "retryable");
    const char *actual_code = setu_auth_code_name(setu_auth_error_code(error));
    const char *actual_setu = setu_auth_error_setu_code(error);

    if (code != NULL && strcmp(code, actual_code) != 0) {
        return fail(s, "error code %s (%s), expected %s", actual_code,
                    setu_auth_error_message(error), code);
    }
    if (setu_code != NULL && (actual_setu == NULL || strcmp(setu_code, actual_setu) != 0)) {
        return fail(s, "setu code %s, expected %s", actual_setu ? actual_setu : "(none)",
                    setu_code);
    }
    if (cJSON_IsNumber(status) && setu_auth_error_status(error) != (int)status->valuedouble) {
        return fail(s, "status %d, expected %d", setu_auth_error_status(error),
                    (int)status->valuedouble);
    }
    if (cJSON_IsBool(retryable) &&
        setu_auth_error_retryable(error) != (bool)cJSON_IsTrue(retryable)) {
        return fail(s, "retryable %d, expected %d", setu_auth_error_retryable(error),
                    cJSON_IsTrue(retryable));
    }
    return 0;
}

/* Checks the result of token or refresh against `expect_error`, `expect` and `save`. */
static int check_token(scenario *s, const cJSON *step, char *token, setu_auth_error *error)
{
    const cJSON *expected_error = cJSON_GetObjectItemCaseSensitive(step, "expect_error");
    const cJSON *expect = cJSON_GetObjectItemCaseSensitive(step, "expect");
    const char *same_as = string_field(expect, "same_as");
    const char *differs_from = string_field(expect, "differs_from");
    const char *save = string_field(step, "save");
    int result = 0;

    if (error != NULL) {
        result = expected_error ? check_error(s, error, expected_error)
                                : fail(s, "unexpected error %s: %s",
                                       setu_auth_code_name(setu_auth_error_code(error)),
                                       setu_auth_error_message(error));
    } else if (expected_error != NULL) {
        result = fail(s, "got a token, expected an error");
    } else if (same_as && (!find_saved(s, same_as) || strcmp(token, find_saved(s, same_as)))) {
        result = fail(s, "token differs from %s", same_as);
    } else if (differs_from && (!find_saved(s, differs_from) ||
                                strcmp(token, find_saved(s, differs_from)) == 0)) {
        result = fail(s, "token equals %s", differs_from);
    } else if (save != NULL) {
        result = save_token(s, save, token);
    }

    setu_auth_error_free(error);
    setu_auth_string_free(token);
    return result;
}

static int stats_value(const setu_auth_stats *stats, const char *name, long long *value)
{
    static const struct {
        const char *name;
        size_t offset;
    } fields[] = {
        {"token_requests", offsetof(setu_auth_stats, token_requests)},
        {"token_successes", offsetof(setu_auth_stats, token_successes)},
        {"token_failures", offsetof(setu_auth_stats, token_failures)},
        {"cache_hits", offsetof(setu_auth_stats, cache_hits)},
        {"stale_serves", offsetof(setu_auth_stats, stale_serves)},
        {"invalidations", offsetof(setu_auth_stats, invalidations)},
    };
    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
        if (strcmp(fields[i].name, name) == 0) {
            *value = (long long)*(const uint64_t *)((const char *)stats + fields[i].offset);
            return 0;
        }
    }
    return -1;
}

/* Checks that the JSON object `actual` contains every field of `expected` with its value. */
static int check_subset(scenario *s, const char *label, const cJSON *actual, const cJSON *expected)
{
    const cJSON *field;

    cJSON_ArrayForEach(field, expected)
    {
        const cJSON *value = cJSON_GetObjectItemCaseSensitive(actual, field->string);
        if (!cJSON_Compare(value, field, true)) {
            char *text = cJSON_PrintUnformatted(actual);
            fail(s, "%s %s, expected %s = %g", label, text ? text : "?", field->string,
                 field->valuedouble);
            free(text);
            return -1;
        }
    }
    return 0;
}

static cJSON *emulator_stats_json(scenario *s)
{
    http_response response;
    long status = emulator_admin(&s->emu, "GET", "/stats", NULL, &response);
    cJSON *json = status == 200 ? cJSON_Parse(response.body) : NULL;

    if (status >= 0) {
        http_response_free(&response);
    }
    return json;
}

static int check_emulator_stats(scenario *s, const cJSON *expected)
{
    cJSON *stats = emulator_stats_json(s);
    int result = stats ? check_subset(s, "emulator stats", stats, expected)
                       : fail(s, "reading the emulator's stats failed");
    cJSON_Delete(stats);
    return result;
}

/* ---- steps ---- */

typedef struct {
    setu_auth_manager *manager;
    pthread_barrier_t *start;
    char *token;
    setu_auth_error *error;
} caller;

static void *call_token(void *argument)
{
    caller *self = argument;
    pthread_barrier_wait(self->start);
    self->error = setu_auth_manager_token(self->manager, &self->token);
    return NULL;
}

static int step_concurrent_tokens(scenario *s, const cJSON *step)
{
    int count = (int)number_or(step, "count", 0);
    const cJSON *expected_error = cJSON_GetObjectItemCaseSensitive(step, "expect_error");
    caller *callers = calloc((size_t)count, sizeof(caller));
    pthread_t *threads = calloc((size_t)count, sizeof(pthread_t));
    pthread_barrier_t start;
    int result = 0;

    if (count <= 0 || callers == NULL || threads == NULL) {
        free(callers);
        free(threads);
        return fail(s, "count must be a positive number");
    }
    pthread_barrier_init(&start, NULL, (unsigned)count);
    for (int i = 0; i < count; i++) {
        callers[i] = (caller){.manager = s->manager, .start = &start};
        pthread_create(&threads[i], NULL, call_token, &callers[i]);
    }
    for (int i = 0; i < count; i++) {
        pthread_join(threads[i], NULL);
    }
    pthread_barrier_destroy(&start);

    for (int i = 0; i < count && result == 0; i++) {
        if (expected_error != NULL) {
            result = callers[i].error ? check_error(s, callers[i].error, expected_error)
                                      : fail(s, "caller %d got a token", i);
        } else if (callers[i].error != NULL) {
            result = fail(s, "caller %d failed: %s", i, setu_auth_error_message(callers[i].error));
        } else if (strcmp(callers[i].token, callers[0].token) != 0) {
            result = fail(s, "callers got different tokens");
        }
    }
    if (result == 0 && expected_error == NULL && string_field(step, "save") != NULL) {
        result = save_token(s, string_field(step, "save"), callers[0].token);
    }

    for (int i = 0; i < count; i++) {
        setu_auth_string_free(callers[i].token);
        setu_auth_error_free(callers[i].error);
    }
    free(callers);
    free(threads);
    return result;
}

static int step_invalidate(scenario *s, const cJSON *step)
{
    const char *token = find_saved(s, string_field(step, "token"));
    const cJSON *expect = cJSON_GetObjectItemCaseSensitive(step, "expect");
    bool discarded = false;

    if (token == NULL) {
        return fail(s, "no saved token named %s", string_field(step, "token"));
    }
    if (setup_ok(s, setu_auth_manager_invalidate(s->manager, token, &discarded), "invalidate")) {
        return -1;
    }
    if (cJSON_IsBool(expect) && discarded != (bool)cJSON_IsTrue(expect)) {
        return fail(s, "invalidate returned %d, expected %d", discarded, cJSON_IsTrue(expect));
    }
    return 0;
}

static int step_set_credentials(scenario *s, const cJSON *step)
{
    named_key *key = find_key(s, string_field(step, "key"));

    if (key == NULL) {
        return fail(s, "no key named %s", string_field(step, "key"));
    }
    return setup_ok(s, setu_auth_manager_set_credentials(s->manager, key->key.client_id,
                                                          key->key.secret),
                    "set_credentials");
}

/* Replaces each {name} in `pattern` with the saved token `name`. */
static int fill_tokens(scenario *s, const char *pattern, char *out, size_t size)
{
    size_t used = 0;

    while (*pattern != '\0' && used + 1 < size) {
        const char *close = *pattern == '{' ? strchr(pattern, '}') : NULL;
        if (close == NULL) {
            out[used++] = *pattern++;
            continue;
        }
        char name[64];
        snprintf(name, sizeof(name), "%.*s", (int)(close - pattern - 1), pattern + 1);
        const char *token = find_saved(s, name);
        if (token == NULL) {
            return fail(s, "no saved token named %s", name);
        }
        used += (size_t)snprintf(out + used, size - used, "%s", token);
        pattern = close + 1;
    }
    out[used < size ? used : size - 1] = '\0';
    return 0;
}

/* Returns the value the C API gives for a lowercase header name; NULL when unknown. */
static char *header_value(scenario *s, const char *name, setu_auth_error **error)
{
    char *value = NULL;

    if (strcmp(name, "authorization") == 0) {
        *error = setu_auth_manager_auth_header(s->manager, &value);
    } else if (strcmp(name, "x-setu-product-instance-id") == 0) {
        *error = setu_auth_manager_product_instance_id(s->manager, &value);
    } else {
        *error = NULL;
    }
    return value;
}

static int step_auth_headers(scenario *s, const cJSON *step)
{
    const cJSON *header;
    char expected[8192];

    cJSON_ArrayForEach(header, cJSON_GetObjectItemCaseSensitive(step, "expect"))
    {
        setu_auth_error *error = NULL;
        if (fill_tokens(s, cJSON_IsString(header) ? header->valuestring : "", expected,
                        sizeof(expected)) != 0) {
            return -1;
        }
        char *actual = header_value(s, header->string, &error);
        int differs = actual == NULL || strcmp(actual, expected) != 0;

        setu_auth_string_free(actual);
        if (setup_ok(s, error, header->string) != 0) {
            return -1;
        }
        if (differs) {
            return fail(s, "header %s differs from the expected value", header->string);
        }
    }
    return 0;
}

/* GET {emulator}/api/v2/sample with the auth headers; fills `response`. */
static int send_sample(scenario *s, const char *authorization, http_response *response)
{
    char url[256];
    char auth_line[8192];
    char product_line[512];
    char *product = NULL;
    setu_auth_error *error = setu_auth_manager_product_instance_id(s->manager, &product);

    if (setup_ok(s, error, "product_instance_id") != 0) {
        return -1;
    }
    snprintf(url, sizeof(url), "%s/api/v2/sample", s->emu.url);
    snprintf(auth_line, sizeof(auth_line), "Authorization: %s", authorization);
    if (product != NULL) {
        snprintf(product_line, sizeof(product_line), "X-Setu-Product-Instance-ID: %s", product);
    }
    int result = http_request("GET", url, NULL, auth_line, product ? product_line : NULL, response);
    setu_auth_string_free(product);
    return result == 0 ? 0 : fail(s, "the API request failed");
}

/* Gets the Authorization header, or checks the error against `expect_error`. Returns 1
 * when the step ended with an expected error. */
static int api_header(scenario *s, const cJSON *step, char **header)
{
    const cJSON *expected_error = cJSON_GetObjectItemCaseSensitive(step, "expect_error");
    setu_auth_error *error = setu_auth_manager_auth_header(s->manager, header);

    if (error == NULL) {
        return 0;
    }
    int result = expected_error ? check_error(s, error, expected_error)
                                : fail(s, "unexpected error: %s", setu_auth_error_message(error));
    setu_auth_error_free(error);
    return result == 0 ? 1 : -1;
}

static int check_api_response(scenario *s, const cJSON *step, const http_response *response)
{
    long expected_status = number_or(step, "expect_status", -1);
    const char *expected_code = string_field(step, "expect_setu_code");

    if (expected_status >= 0 && response->status != expected_status) {
        return fail(s, "API status %ld, expected %ld: %s", response->status, expected_status,
                    response->body);
    }
    if (expected_code != NULL) {
        cJSON *body = cJSON_Parse(response->body);
        const char *code = string_field(cJSON_GetObjectItemCaseSensitive(body, "error"), "code");
        int matches = code != NULL && strcmp(code, expected_code) == 0;
        cJSON_Delete(body);
        if (!matches) {
            return fail(s, "API error code differs from %s: %s", expected_code, response->body);
        }
    }
    return 0;
}

/* The documented C integration: send with the header and, on 401, invalidate the token
 * that was used and retry once with a new one. */
static int step_call_api(scenario *s, const cJSON *step)
{
    char *header = NULL;
    http_response response = {0};
    int state = api_header(s, step, &header);

    if (state != 0) {
        return state > 0 ? 0 : -1;
    }
    int result = send_sample(s, header, &response);
    if (result == 0 && response.status == 401) {
        const char *token = header + strlen("Bearer ");
        result = setup_ok(s, setu_auth_manager_invalidate(s->manager, token, NULL), "invalidate");
        setu_auth_string_free(header);
        header = NULL;
        http_response_free(&response);

        state = result == 0 ? api_header(s, step, &header) : -1;
        if (state != 0) {
            return state > 0 ? 0 : -1;
        }
        result = send_sample(s, header, &response);
    }
    if (result == 0) {
        result = cJSON_GetObjectItemCaseSensitive(step, "expect_error")
                     ? fail(s, "expected an error, got HTTP %ld", response.status)
                     : check_api_response(s, step, &response);
    }
    setu_auth_string_free(header);
    http_response_free(&response);
    return result;
}

static int step_stats(scenario *s, const cJSON *step)
{
    setu_auth_stats stats;
    const cJSON *field;

    if (setup_ok(s, setu_auth_manager_stats(s->manager, &stats), "stats") != 0) {
        return -1;
    }
    cJSON_ArrayForEach(field, cJSON_GetObjectItemCaseSensitive(step, "expect"))
    {
        long long value = 0;
        if (stats_value(&stats, field->string, &value) != 0) {
            return fail(s, "unknown stats field %s", field->string);
        }
        if (value != (long long)field->valuedouble) {
            return fail(s, "stats %s = %lld, expected %g", field->string, value,
                        field->valuedouble);
        }
    }
    return 0;
}

static void sleep_ms(long milliseconds)
{
    struct timespec delay = {milliseconds / 1000, (milliseconds % 1000) * 1000000L};
    nanosleep(&delay, NULL);
}

static int step_wait_for_emulator_stats(scenario *s, const cJSON *step)
{
    const cJSON *expected = cJSON_GetObjectItemCaseSensitive(step, "expect");
    long rounds = number_or(step, "timeout_ms", 0) / 20;

    for (long i = 0; i < rounds; i++) {
        if (check_emulator_stats(s, expected) == 0) {
            return 0;
        }
        sleep_ms(20);
    }
    return check_emulator_stats(s, expected);
}

/* Sends an admin request whose success status is 204. */
static int admin(scenario *s, const char *method, const char *path, const char *body)
{
    long status = emulator_admin(&s->emu, method, path, body, NULL);
    return status == 204 ? 0 : fail(s, "admin %s %s returned %ld", method, path, status);
}

static int step_fault(scenario *s, const cJSON *step)
{
    char *body = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(step, "fault"));
    int result = admin(s, "POST", "/faults", body);
    free(body);
    return result;
}

static int step_key(scenario *s, const cJSON *step)
{
    named_key *key = find_key(s, string_field(step, "key"));
    const char *action = string_field(step, "action");
    char path[256];

    if (key == NULL || action == NULL) {
        return fail(s, "key step needs a known key and an action");
    }
    if (strcmp(action, "regenerate") == 0) {
        return emulator_regenerate_key(&s->emu, &key->key) == 0
                   ? 0
                   : fail(s, "regenerating key %s failed", key->name);
    }
    if (strcmp(action, "delete") == 0) {
        snprintf(path, sizeof(path), "/keys/%s", key->key.client_id);
        return admin(s, "DELETE", path, NULL);
    }
    if (strcmp(action, "disable") == 0 || strcmp(action, "enable") == 0) {
        snprintf(path, sizeof(path), "/keys/%s/%s", key->key.client_id, action);
        return admin(s, "POST", path, NULL);
    }
    return fail(s, "unknown key action %s", action);
}

static int step_set_key_token_lifetime(scenario *s, const cJSON *step)
{
    named_key *key = find_key(s, string_field(step, "key"));
    const cJSON *seconds = cJSON_GetObjectItemCaseSensitive(step, "seconds");
    char path[256];
    char body[64];

    if (key == NULL) {
        return fail(s, "no key named %s", string_field(step, "key"));
    }
    snprintf(path, sizeof(path), "/keys/%s/token-lifetime", key->key.client_id);
    if (cJSON_IsNumber(seconds)) {
        snprintf(body, sizeof(body), "{\"seconds\":%ld", (long)seconds->valuedouble);
        strcat(body, "}");
    } else {
        snprintf(body, sizeof(body), "{\"seconds\":null}");
    }
    return admin(s, "PUT", path, body);
}

static int step_number_setting(scenario *s, const cJSON *step, const char *path,
                               const char *field)
{
    char body[96];
    snprintf(body, sizeof(body), "{\"%s\":%ld}", field, number_or(step, "seconds", 0));
    return admin(s, "PUT", path, body);
}

static int step_token_call(scenario *s, const cJSON *step, int refresh)
{
    char *token = NULL;
    setu_auth_error *error = refresh ? setu_auth_manager_refresh(s->manager, &token)
                                     : setu_auth_manager_token(s->manager, &token);
    return check_token(s, step, token, error);
}

static int run_step(scenario *s, const cJSON *step)
{
    const char *op = string_field(step, "op");

    if (op == NULL) {
        return fail(s, "step has no op");
    }
    if (strcmp(op, "token") == 0 || strcmp(op, "refresh") == 0) {
        return step_token_call(s, step, strcmp(op, "refresh") == 0);
    }
    if (strcmp(op, "concurrent_tokens") == 0) {
        return step_concurrent_tokens(s, step);
    }
    if (strcmp(op, "invalidate") == 0) {
        return step_invalidate(s, step);
    }
    if (strcmp(op, "set_credentials") == 0) {
        return step_set_credentials(s, step);
    }
    if (strcmp(op, "auth_headers") == 0) {
        return step_auth_headers(s, step);
    }
    if (strcmp(op, "call_api") == 0) {
        return step_call_api(s, step);
    }
    if (strcmp(op, "stats") == 0) {
        return step_stats(s, step);
    }
    if (strcmp(op, "emulator_stats") == 0) {
        return check_emulator_stats(s, cJSON_GetObjectItemCaseSensitive(step, "expect"));
    }
    if (strcmp(op, "wait_for_emulator_stats") == 0) {
        return step_wait_for_emulator_stats(s, step);
    }
    if (strcmp(op, "fault") == 0) {
        return step_fault(s, step);
    }
    if (strcmp(op, "clear_faults") == 0) {
        return admin(s, "DELETE", "/faults", NULL);
    }
    if (strcmp(op, "key") == 0) {
        return step_key(s, step);
    }
    if (strcmp(op, "set_token_lifetime") == 0) {
        return step_number_setting(s, step, "/token-lifetime", "seconds");
    }
    if (strcmp(op, "set_key_token_lifetime") == 0) {
        return step_set_key_token_lifetime(s, step);
    }
    if (strcmp(op, "set_clock_skew") == 0) {
        return step_number_setting(s, step, "/clock", "skewSeconds");
    }
    if (strcmp(op, "sleep") == 0) {
        sleep_ms(number_or(step, "ms", 0));
        return 0;
    }
    if (strcmp(op, "close") == 0) {
        setu_auth_manager_close(s->manager);
        return 0;
    }
    return fail(s, "unknown op %s", op);
}

/* ---- runner ---- */

static char *read_file(const char *path)
{
    FILE *file = fopen(path, "rb");
    char *text = NULL;
    long size;

    if (file == NULL) {
        return NULL;
    }
    if (fseek(file, 0, SEEK_END) == 0 && (size = ftell(file)) >= 0 && fseek(file, 0, SEEK_SET) == 0) {
        text = calloc((size_t)size + 1, 1);
        if (text != NULL && fread(text, 1, (size_t)size, file) != (size_t)size) {
            free(text);
            text = NULL;
        }
    }
    fclose(file);
    return text;
}

static void scenario_cleanup(scenario *s)
{
    setu_auth_manager_free(s->manager);
    emulator_stop(&s->emu);
    for (int i = 0; i < s->saved_count; i++) {
        free(s->saved[i].token);
    }
}

/* Runs one scenario file; returns 0 when it passes, printing the failure otherwise. */
static int run_scenario(const char *path)
{
    scenario *s = calloc(1, sizeof(scenario));
    char *text = read_file(path);
    cJSON *json = text ? cJSON_Parse(text) : NULL;
    const cJSON *step;
    int index = 0;
    int result = json ? 0 : fail(s, "cannot read or parse the file");

    if (result == 0) {
        result = start_emulator(s, cJSON_GetObjectItemCaseSensitive(json, "emulator"));
    }
    if (result == 0) {
        result = create_manager(s, cJSON_GetObjectItemCaseSensitive(json, "client"));
    }
    cJSON_ArrayForEach(step, cJSON_GetObjectItemCaseSensitive(json, "steps"))
    {
        if (result != 0) {
            break;
        }
        result = run_step(s, step);
        index += result == 0 ? 1 : 0;
    }
    if (result != 0) {
        fprintf(stderr, "%s: step %d: %s\n", path, index, s->message);
    }

    scenario_cleanup(s);
    cJSON_Delete(json);
    free(text);
    free(s);
    return result;
}

static int is_json(const struct dirent *entry)
{
    size_t length = strlen(entry->d_name);
    return length > 5 && strcmp(entry->d_name + length - 5, ".json") == 0;
}

int main(void)
{
    const char *folder = getenv("SETU_AUTH_SCENARIO_DIR");
    struct dirent **entries = NULL;
    int failed = 0;

    folder = folder != NULL ? folder : SCENARIO_DIR;
    int count = scandir(folder, &entries, is_json, alphasort);
    if (count <= 0) {
        fprintf(stderr, "no scenario files in %s\n", folder);
        return 1;
    }

    for (int i = 0; i < count; i++) {
        char path[4096];
        snprintf(path, sizeof(path), "%s/%s", folder, entries[i]->d_name);
        int ok = run_scenario(path) == 0;
        printf("%s conformance/%s\n", ok ? "ok  " : "FAIL", entries[i]->d_name);
        fflush(stdout);
        failed += ok ? 0 : 1;
        free(entries[i]);
    }
    free(entries);

    printf("conformance: %d scenarios, %d passed, %d failed\n", count, count - failed, failed);
    return failed == 0 ? 0 : 1;
}
