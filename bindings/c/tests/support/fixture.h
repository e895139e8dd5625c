/* Shared setup for the API tests: an emulator with one key and a manager pointed at it. */
#ifndef SETU_TEST_FIXTURE_H
#define SETU_TEST_FIXTURE_H

#include "emulator.h"
#include "setu_auth.h"

/** An emulator, its key "main" and a configuration pointed at both. */
typedef struct {
    emulator emu;
    emulator_key key;
    setu_auth_config *config;
} fixture;

/** Starts an emulator, creates key "main" (with `key_spec` JSON, or the default) and a
 * configuration with short backoff. Returns 0 on success. */
int fixture_start(fixture *fx, const char *key_spec);

/** Creates a manager from the fixture's configuration; NULL on failure (reported). */
setu_auth_manager *fixture_manager(const fixture *fx);

/** Queues a fault in the emulator's JSON form. Returns 0 on success. */
int fixture_fault(const fixture *fx, const char *fault_json);

/** Frees the configuration and stops the emulator. */
void fixture_stop(fixture *fx);

#endif
