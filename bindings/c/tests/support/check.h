/* A small test harness: CHECK macros that count failures, and a runner. */
#ifndef SETU_TEST_CHECK_H
#define SETU_TEST_CHECK_H

#include <stdio.h>
#include <string.h>

#include "setu_auth.h"

/** Failures in the current process; a test fails when it adds to this. */
extern int check_failures;

#define CHECK(condition)                                                                    \
    do {                                                                                    \
        if (!(condition)) {                                                                 \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #condition);  \
            check_failures++;                                                               \
        }                                                                                   \
    } while (0)

#define CHECK_STR(actual, expected)                                                         \
    do {                                                                                    \
        const char *check_actual_ = (actual);                                               \
        const char *check_expected_ = (expected);                                           \
        if (check_actual_ == NULL || strcmp(check_actual_, check_expected_) != 0) {         \
            fprintf(stderr, "%s:%d: %s is \"%s\", expected \"%s\"\n", __FILE__, __LINE__,   \
                    #actual, check_actual_ ? check_actual_ : "(null)", check_expected_);    \
            check_failures++;                                                               \
        }                                                                                   \
    } while (0)

/** Checks that a call succeeded; prints and frees the error otherwise. */
#define CHECK_OK(call)                                                                      \
    do {                                                                                    \
        setu_auth_error *check_error_ = (call);                                             \
        if (check_error_ != NULL) {                                                         \
            fprintf(stderr, "%s:%d: %s failed: %s: %s\n", __FILE__, __LINE__, #call,        \
                    setu_auth_code_name(setu_auth_error_code(check_error_)),                \
                    setu_auth_error_message(check_error_));                                 \
            setu_auth_error_free(check_error_);                                             \
            check_failures++;                                                               \
        }                                                                                   \
    } while (0)

/** Checks that a call failed with `code`, and frees the error. */
#define CHECK_CODE(call, code)                                                              \
    do {                                                                                    \
        setu_auth_error *check_error_ = (call);                                             \
        if (check_error_ == NULL) {                                                         \
            fprintf(stderr, "%s:%d: %s succeeded, expected %s\n", __FILE__, __LINE__,       \
                    #call, setu_auth_code_name(code));                                      \
            check_failures++;                                                               \
        } else if (setu_auth_error_code(check_error_) != (code)) {                          \
            fprintf(stderr, "%s:%d: %s failed with %s (%s), expected %s\n", __FILE__,       \
                    __LINE__, #call, setu_auth_code_name(setu_auth_error_code(check_error_)), \
                    setu_auth_error_message(check_error_), setu_auth_code_name(code));      \
            check_failures++;                                                               \
        }                                                                                   \
        setu_auth_error_free(check_error_);                                                 \
    } while (0)

/** One named test. */
typedef struct {
    const char *name;
    void (*run)(void);
} test_case;

/** Runs every test, prints one line per test and a summary; returns the exit status. */
int run_tests(const char *suite, const test_case *tests, size_t count);

#endif
