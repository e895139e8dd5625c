/* Tests of the log callback: off by default, levels, and never a secret or a token. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "support/check.h"
#include "support/fixture.h"

/* Every message received, joined with newlines. */
typedef struct {
    pthread_mutex_t lock;
    char *text;
    size_t length;
    int count;
    int above_level;
    setu_auth_log_level max_level;
} log_capture;

static void capture_log(void *user_data, setu_auth_log_level level, const char *target,
                        const char *message)
{
    log_capture *capture = user_data;
    size_t added = strlen(target) + strlen(message) + 3;

    pthread_mutex_lock(&capture->lock);
    char *grown = realloc(capture->text, capture->length + added + 1);
    if (grown != NULL) {
        sprintf(grown + capture->length, "%s: %s\n", target, message);
        capture->text = grown;
        capture->length += strlen(grown + capture->length);
    }
    capture->count++;
    capture->above_level += level > capture->max_level ? 1 : 0;
    pthread_mutex_unlock(&capture->lock);
}

static int captured_contains(log_capture *capture, const char *needle)
{
    pthread_mutex_lock(&capture->lock);
    int found = capture->text != NULL && strstr(capture->text, needle) != NULL;
    pthread_mutex_unlock(&capture->lock);
    return found;
}

/* Fetches tokens, fails with a wrong secret and refreshes through faults, so the engine
 * logs successes, failures and retries. Returns the last token (free it). */
static char *exercise_engine(fixture *fx)
{
    setu_auth_manager *manager = fixture_manager(fx);
    char *token = NULL;
    char *refreshed = NULL;

    CHECK_OK(setu_auth_manager_token(manager, &token));
    CHECK(fixture_fault(fx, "{\"action\":\"respond\",\"status\":503}") == 0);
    CHECK_CODE(setu_auth_manager_refresh(manager, &refreshed), SETU_AUTH_SERVER_ERROR);
    CHECK_OK(setu_auth_manager_refresh(manager, &refreshed));
    setu_auth_string_free(token);
    setu_auth_manager_free(manager);

    CHECK_OK(setu_auth_config_set_credentials(fx->config, fx->key.client_id, "wrong-secret-xyz"));
    manager = fixture_manager(fx);
    CHECK_CODE(setu_auth_manager_token(manager, &token), SETU_AUTH_INVALID_CREDENTIALS);
    setu_auth_manager_free(manager);
    CHECK_OK(setu_auth_config_set_credentials(fx->config, fx->key.client_id, fx->key.secret));
    return refreshed;
}

static void logs_never_hold_secrets(void)
{
    fixture fx;
    if (fixture_start(&fx, NULL) != 0) {
        check_failures++;
        return;
    }
    log_capture capture = {.max_level = SETU_AUTH_LOG_TRACE};
    pthread_mutex_init(&capture.lock, NULL);

    CHECK_OK(setu_auth_set_logger(capture_log, &capture, SETU_AUTH_LOG_TRACE));
    char *token = exercise_engine(&fx);
    CHECK_OK(setu_auth_set_logger(NULL, NULL, 0));

    CHECK(capture.count > 0);
    CHECK(captured_contains(&capture, "setu_auth"));
    CHECK(captured_contains(&capture, fx.key.client_id));
    CHECK(!captured_contains(&capture, fx.key.secret));
    CHECK(!captured_contains(&capture, "wrong-secret-xyz"));
    CHECK(token != NULL);
    if (token != NULL) {
        CHECK(!captured_contains(&capture, token));
        /* The token's signature part, in case a log printed a piece of it. */
        const char *signature = strrchr(token, '.');
        CHECK(signature == NULL || !captured_contains(&capture, signature + 1));
    }

    setu_auth_string_free(token);
    free(capture.text);
    pthread_mutex_destroy(&capture.lock);
    fixture_stop(&fx);
}

static void logging_respects_level_and_off(void)
{
    fixture fx;
    if (fixture_start(&fx, NULL) != 0) {
        check_failures++;
        return;
    }
    log_capture capture = {.max_level = SETU_AUTH_LOG_WARN};
    pthread_mutex_init(&capture.lock, NULL);

    CHECK_OK(setu_auth_set_logger(capture_log, &capture, SETU_AUTH_LOG_WARN));
    setu_auth_string_free(exercise_engine(&fx));
    CHECK(capture.above_level == 0);
    int while_on = capture.count;

    CHECK_OK(setu_auth_set_logger(NULL, NULL, 0));
    setu_auth_string_free(exercise_engine(&fx));
    CHECK(capture.count == while_on);

    CHECK_CODE(setu_auth_set_logger(capture_log, &capture, 0), SETU_AUTH_INVALID_ARGUMENT);
    CHECK_CODE(setu_auth_set_logger(capture_log, &capture, 6), SETU_AUTH_INVALID_ARGUMENT);
    free(capture.text);
    pthread_mutex_destroy(&capture.lock);
    fixture_stop(&fx);
}

int main(void)
{
    static const test_case tests[] = {
        {"logs_never_hold_secrets", logs_never_hold_secrets},
        {"logging_respects_level_and_off", logging_respects_level_and_off},
    };
    return run_tests("logging", tests, sizeof(tests) / sizeof(tests[0]));
}
