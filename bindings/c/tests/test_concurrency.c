/* 32 threads asking a cold manager for a token at once share one token request. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "support/check.h"
#include "support/fixture.h"

enum { THREADS = 32 };

typedef struct {
    setu_auth_manager *manager;
    pthread_barrier_t *start;
    char *token;
    setu_auth_code code;
    int failed;
} caller;

static void *ask_token(void *argument)
{
    caller *self = argument;

    pthread_barrier_wait(self->start);
    setu_auth_error *error = setu_auth_manager_token(self->manager, &self->token);
    if (error != NULL) {
        self->failed = 1;
        self->code = setu_auth_error_code(error);
        setu_auth_error_free(error);
    }
    return NULL;
}

/* Runs THREADS callers against `manager` and joins them. */
static void run_callers(setu_auth_manager *manager, caller *callers)
{
    pthread_t threads[THREADS];
    pthread_barrier_t start;

    pthread_barrier_init(&start, NULL, THREADS);
    for (int i = 0; i < THREADS; i++) {
        callers[i] = (caller){.manager = manager, .start = &start};
        CHECK(pthread_create(&threads[i], NULL, ask_token, &callers[i]) == 0);
    }
    for (int i = 0; i < THREADS; i++) {
        pthread_join(threads[i], NULL);
    }
    pthread_barrier_destroy(&start);
}

static void cold_callers_share_request(void)
{
    fixture fx;
    if (fixture_start(&fx, NULL) != 0) {
        check_failures++;
        return;
    }
    /* The delay keeps the one request in flight while every thread arrives. */
    CHECK(fixture_fault(&fx, "{\"action\":\"delay\",\"delayMs\":200}") == 0);
    setu_auth_manager *manager = fixture_manager(&fx);
    caller callers[THREADS];
    setu_auth_stats stats;

    run_callers(manager, callers);
    for (int i = 0; i < THREADS; i++) {
        CHECK(!callers[i].failed);
        CHECK(callers[i].token != NULL);
        CHECK_STR(callers[i].token, callers[0].token ? callers[0].token : "");
    }
    CHECK(emulator_stat(&fx.emu, "token_requests") == 1);
    CHECK_OK(setu_auth_manager_stats(manager, &stats));
    CHECK(stats.token_requests == 1);

    for (int i = 0; i < THREADS; i++) {
        setu_auth_string_free(callers[i].token);
    }
    setu_auth_manager_free(manager);
    fixture_stop(&fx);
}

static void cold_callers_share_error(void)
{
    fixture fx;
    if (fixture_start(&fx, NULL) != 0) {
        check_failures++;
        return;
    }
    CHECK(fixture_fault(&fx, "{\"action\":\"respond\",\"status\":503,\"delayMs\":200}") == 0);
    setu_auth_manager *manager = fixture_manager(&fx);
    caller callers[THREADS];

    run_callers(manager, callers);
    for (int i = 0; i < THREADS; i++) {
        CHECK(callers[i].failed);
        CHECK(callers[i].code == SETU_AUTH_SERVER_ERROR);
        CHECK(callers[i].token == NULL);
    }
    CHECK(emulator_stat(&fx.emu, "token_requests") == 1);
    setu_auth_manager_free(manager);
    fixture_stop(&fx);
}

int main(void)
{
    static const test_case tests[] = {
        {"cold_callers_share_request", cold_callers_share_request},
        {"cold_callers_share_error", cold_callers_share_error},
    };
    return run_tests("concurrency", tests, sizeof(tests) / sizeof(tests[0]));
}
