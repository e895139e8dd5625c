/* The Setu emulator for the tests: started as a `setu-auth emulator` child process and
 * driven through its HTTP admin API under /_emulator/. */
#ifndef SETU_TEST_EMULATOR_H
#define SETU_TEST_EMULATOR_H

#include <stdbool.h>
#include <sys/types.h>

#include "http.h"

/** A running emulator. */
typedef struct {
    pid_t pid;
    int stdout_fd;
    char url[128];
} emulator;

/** An API key created in the emulator. */
typedef struct {
    char client_id[128];
    char secret[128];
} emulator_key;

/**
 * Starts the emulator on a free loopback port with the given v2 and login token lifetimes
 * in seconds. The CLI binary comes from the SETU_AUTH_CLI environment variable, or the
 * path compiled in as SETU_AUTH_CLI_DEFAULT. Returns 0 on success.
 */
int emulator_start(emulator *emu, long token_lifetime, long login_token_lifetime);

/** Stops the emulator and waits for its process. */
void emulator_stop(emulator *emu);

/**
 * Sends an admin request to {url}/_emulator{path}. Returns the HTTP status, or -1 when
 * the request failed. When `out` is not NULL it receives the response (free it).
 */
long emulator_admin(const emulator *emu, const char *method, const char *path,
                    const char *json_body, http_response *out);

/** Creates a key from a JSON key spec such as {"name":"main"}. Returns 0 on success. */
int emulator_create_key(const emulator *emu, const char *spec_json, emulator_key *key);

/** Regenerates a key in place (new clientID and secret). Returns 0 on success. */
int emulator_regenerate_key(const emulator *emu, emulator_key *key);

/** Returns one counter of GET /_emulator/stats, or -1 when it cannot be read. */
long long emulator_stat(const emulator *emu, const char *name);

#endif
