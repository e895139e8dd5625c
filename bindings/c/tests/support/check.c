/* The test runner behind check.h. */
#include "check.h"

int check_failures = 0;

int run_tests(const char *suite, const test_case *tests, size_t count)
{
    size_t failed = 0;

    for (size_t i = 0; i < count; i++) {
        int before = check_failures;
        tests[i].run();
        int ok = check_failures == before;
        printf("%s %s/%s\n", ok ? "ok  " : "FAIL", suite, tests[i].name);
        fflush(stdout);
        failed += ok ? 0 : 1;
    }

    printf("%s: %zu tests, %zu passed, %zu failed\n", suite, count, count - failed, failed);
    return failed == 0 ? 0 : 1;
}
