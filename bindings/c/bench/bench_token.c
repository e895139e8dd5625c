/* Times a cached token through the C API: best of ROUNDS rounds of CALLS calls, with
 * clock_gettime(CLOCK_MONOTONIC). Each call copies the cached token into a new string,
 * which the caller frees, as a C program does.
 *
 *   bench_token [rounds] [calls]     (defaults 5 and 200000) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "fixture.h"

typedef setu_auth_error *(*string_call)(const setu_auth_manager *, char **);

static double now_ns(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)now.tv_sec * 1e9 + (double)now.tv_nsec;
}

/* Returns the best time per call in nanoseconds, or -1 when a call fails. */
static double best_of(setu_auth_manager *manager, string_call call, int rounds, long calls)
{
    double best = -1;

    for (int round = 0; round < rounds; round++) {
        double start = now_ns();
        for (long i = 0; i < calls; i++) {
            char *text = NULL;
            setu_auth_error *error = call(manager, &text);
            if (error != NULL) {
                setu_auth_error_free(error);
                return -1;
            }
            setu_auth_string_free(text);
        }
        double per_call = (now_ns() - start) / (double)calls;
        best = best < 0 || per_call < best ? per_call : best;
    }
    return best;
}

int main(int argc, char **argv)
{
    int rounds = argc > 1 ? atoi(argv[1]) : 5;
    long calls = argc > 2 ? atol(argv[2]) : 200000;
    fixture fx;
    char *warm = NULL;

    if (rounds <= 0 || calls <= 0 || fixture_start(&fx, NULL) != 0) {
        fprintf(stderr, "usage: bench_token [rounds] [calls], with the emulator available\n");
        return 1;
    }
    setu_auth_manager *manager = fixture_manager(&fx);
    CHECK_OK(setu_auth_manager_token(manager, &warm));
    printf("token length: %zu bytes\n", warm != NULL ? strlen(warm) : 0);
    setu_auth_string_free(warm);

    double token_ns = best_of(manager, setu_auth_manager_token, rounds, calls);
    double header_ns = best_of(manager, setu_auth_manager_auth_header, rounds, calls);
    printf("setu_auth_manager_token (cached, copy + free): %.1f ns per call\n", token_ns);
    printf("setu_auth_manager_auth_header (cached, copy + free): %.1f ns per call\n", header_ns);
    printf("best of %d rounds x %ld calls\n", rounds, calls);

    setu_auth_manager_free(manager);
    fixture_stop(&fx);
    return token_ns > 0 && header_ns > 0 && check_failures == 0 ? 0 : 1;
}
