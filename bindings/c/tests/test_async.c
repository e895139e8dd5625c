/* Tests of setu_auth_manager_token_async: delivery, threading rules and the closed error
 * for requests pending when the manager is freed. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "support/check.h"
#include "support/fixture.h"

/* What one callback received, filled on the runtime thread and read after `done`. */
typedef struct {
    pthread_mutex_t lock;
    pthread_cond_t changed;
    int calls;
    char token[4096];
    setu_auth_code code;
    int has_error;
    pthread_t thread;
    setu_auth_code nested_code;
    setu_auth_code nested_token_code;
    setu_auth_manager *manager;
} delivery;

static void delivery_init(delivery *d, setu_auth_manager *manager)
{
    memset(d, 0, sizeof(*d));
    pthread_mutex_init(&d->lock, NULL);
    pthread_cond_init(&d->changed, NULL);
    d->manager = manager;
}

static void delivery_destroy(delivery *d)
{
    pthread_mutex_destroy(&d->lock);
    pthread_cond_destroy(&d->changed);
}

static void on_token(void *user_data, const char *token, const setu_auth_error *error)
{
    delivery *d = user_data;

    pthread_mutex_lock(&d->lock);
    d->calls++;
    d->thread = pthread_self();
    if (token != NULL) {
        strncpy(d->token, token, sizeof(d->token) - 1);
    }
    if (error != NULL) {
        d->has_error = 1;
        d->code = setu_auth_error_code(error);
    }
    pthread_cond_broadcast(&d->changed);
    pthread_mutex_unlock(&d->lock);
}

/* Calls the blocking refresh and token functions from the callback. */
static void on_token_nested(void *user_data, const char *token, const setu_auth_error *error)
{
    delivery *d = user_data;
    char *nested = NULL;
    setu_auth_error *nested_error = setu_auth_manager_refresh(d->manager, &nested);

    d->nested_code = setu_auth_error_code(nested_error);
    setu_auth_error_free(nested_error);
    setu_auth_string_free(nested);

    nested = NULL;
    nested_error = setu_auth_manager_token(d->manager, &nested);
    d->nested_token_code = setu_auth_error_code(nested_error);
    setu_auth_error_free(nested_error);
    setu_auth_string_free(nested);
    on_token(user_data, token, error);
}

static void wait_for_calls(delivery *d, int calls)
{
    pthread_mutex_lock(&d->lock);
    while (d->calls < calls) {
        pthread_cond_wait(&d->changed, &d->lock);
    }
    pthread_mutex_unlock(&d->lock);
}

static void async_delivers_token(void)
{
    fixture fx;
    if (fixture_start(&fx, NULL) != 0) {
        check_failures++;
        return;
    }
    setu_auth_manager *manager = fixture_manager(&fx);
    delivery d;
    char *blocking = NULL;

    delivery_init(&d, manager);
    CHECK_OK(setu_auth_manager_token_async(manager, on_token, &d));
    wait_for_calls(&d, 1);
    CHECK(d.calls == 1);
    CHECK(!d.has_error);
    CHECK(!pthread_equal(d.thread, pthread_self()));

    CHECK_OK(setu_auth_manager_token(manager, &blocking));
    CHECK_STR(blocking, d.token);
    setu_auth_string_free(blocking);
    CHECK_CODE(setu_auth_manager_token_async(manager, NULL, &d), SETU_AUTH_INVALID_ARGUMENT);

    setu_auth_manager_free(manager);
    CHECK(d.calls == 1);
    delivery_destroy(&d);
    fixture_stop(&fx);
}

static void async_delivers_error(void)
{
    fixture fx;
    if (fixture_start(&fx, NULL) != 0) {
        check_failures++;
        return;
    }
    CHECK_OK(setu_auth_config_set_credentials(fx.config, fx.key.client_id, "not-the-right-secret"));
    setu_auth_manager *manager = fixture_manager(&fx);
    delivery d;

    delivery_init(&d, manager);
    CHECK_OK(setu_auth_manager_token_async(manager, on_token, &d));
    wait_for_calls(&d, 1);
    CHECK(d.has_error);
    CHECK_STR(setu_auth_code_name(d.code), "invalid_credentials");
    CHECK(d.token[0] == '\0');
    setu_auth_manager_free(manager);
    delivery_destroy(&d);
    fixture_stop(&fx);
}

static void blocking_call_in_callback_fails(void)
{
    fixture fx;
    if (fixture_start(&fx, NULL) != 0) {
        check_failures++;
        return;
    }
    setu_auth_manager *manager = fixture_manager(&fx);
    delivery d;

    delivery_init(&d, manager);
    CHECK_OK(setu_auth_manager_token_async(manager, on_token_nested, &d));
    wait_for_calls(&d, 1);
    CHECK(!d.has_error);
    CHECK(d.nested_code == SETU_AUTH_BLOCKING_IN_RUNTIME);
    CHECK(d.nested_token_code == SETU_AUTH_BLOCKING_IN_RUNTIME);
    CHECK(emulator_stat(&fx.emu, "token_requests") == 1);
    setu_auth_manager_free(manager);
    delivery_destroy(&d);
    fixture_stop(&fx);
}

static void free_with_pending_request(void)
{
    fixture fx;
    if (fixture_start(&fx, NULL) != 0) {
        check_failures++;
        return;
    }
    setu_auth_manager *manager = fixture_manager(&fx);
    delivery d;

    delivery_init(&d, manager);
    CHECK(fixture_fault(&fx, "{\"action\":\"delay\",\"delayMs\":2000}") == 0);
    CHECK_OK(setu_auth_manager_token_async(manager, on_token, &d));
    setu_auth_manager_free(manager);
    wait_for_calls(&d, 1);
    CHECK(d.calls == 1);
    CHECK(d.has_error);
    CHECK(d.code == SETU_AUTH_CLOSED);
    delivery_destroy(&d);
    fixture_stop(&fx);
}

static void free_from_callback(void *user_data, const char *token, const setu_auth_error *error)
{
    delivery *d = user_data;
    setu_auth_manager_free(d->manager);
    on_token(user_data, token, error);
}

static void callback_may_free_manager(void)
{
    fixture fx;
    if (fixture_start(&fx, NULL) != 0) {
        check_failures++;
        return;
    }
    delivery d;

    delivery_init(&d, fixture_manager(&fx));
    CHECK_OK(setu_auth_manager_token_async(d.manager, free_from_callback, &d));
    wait_for_calls(&d, 1);
    CHECK(!d.has_error);
    delivery_destroy(&d);
    fixture_stop(&fx);
}

int main(void)
{
    static const test_case tests[] = {
        {"async_delivers_token", async_delivers_token},
        {"async_delivers_error", async_delivers_error},
        {"blocking_call_in_callback_fails", blocking_call_in_callback_fails},
        {"free_with_pending_request", free_with_pending_request},
        {"callback_may_free_manager", callback_may_free_manager},
    };
    return run_tests("async", tests, sizeof(tests) / sizeof(tests[0]));
}
