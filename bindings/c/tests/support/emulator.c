/* The Setu emulator for the tests, as a child process driven over HTTP. */
#include "emulator.h"

#include <cjson/cJSON.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

#ifndef SETU_AUTH_CLI_DEFAULT
#define SETU_AUTH_CLI_DEFAULT "setu-auth"
#endif

static const char *cli_path(void)
{
    const char *path = getenv("SETU_AUTH_CLI");
    return path != NULL && path[0] != '\0' ? path : SETU_AUTH_CLI_DEFAULT;
}

/* Reads the first stdout line, "listening on http://HOST:PORT". */
static int read_url(int fd, char *url, size_t size)
{
    char line[256];
    size_t used = 0;
    const char *prefix = "listening on ";

    while (used + 1 < sizeof(line)) {
        ssize_t got = read(fd, line + used, 1);
        if (got <= 0) {
            return -1;
        }
        if (line[used] == '\n') {
            break;
        }
        used++;
    }
    line[used] = '\0';

    if (strncmp(line, prefix, strlen(prefix)) != 0) {
        fprintf(stderr, "unexpected first line from the emulator: %s\n", line);
        return -1;
    }
    if (strlen(line + strlen(prefix)) >= size) {
        fprintf(stderr, "the emulator's URL is too long: %s\n", line);
        return -1;
    }
    memcpy(url, line + strlen(prefix), strlen(line + strlen(prefix)) + 1);
    return 0;
}

int emulator_start(emulator *emu, long token_lifetime, long login_token_lifetime)
{
    char token_arg[32];
    char login_arg[32];
    int pipe_fds[2];
    posix_spawn_file_actions_t actions;
    const char *path = cli_path();

    snprintf(token_arg, sizeof(token_arg), "%ld", token_lifetime);
    snprintf(login_arg, sizeof(login_arg), "%ld", login_token_lifetime);
    char *argv[] = {(char *)path, "emulator", "--listen", "127.0.0.1:0", "--token-lifetime",
                    token_arg, "--login-token-lifetime", login_arg, NULL};

    memset(emu, 0, sizeof(*emu));
    if (pipe(pipe_fds) != 0) {
        return -1;
    }
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&actions, pipe_fds[0]);

    int status = posix_spawn(&emu->pid, path, &actions, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    close(pipe_fds[1]);
    if (status != 0) {
        fprintf(stderr, "failed to start the emulator %s: %s\n", path, strerror(status));
        close(pipe_fds[0]);
        return -1;
    }

    emu->stdout_fd = pipe_fds[0];
    if (read_url(emu->stdout_fd, emu->url, sizeof(emu->url)) != 0) {
        emulator_stop(emu);
        return -1;
    }
    return 0;
}

void emulator_stop(emulator *emu)
{
    if (emu->pid > 0) {
        kill(emu->pid, SIGTERM);
        waitpid(emu->pid, NULL, 0);
        emu->pid = 0;
    }
    if (emu->stdout_fd > 0) {
        close(emu->stdout_fd);
        emu->stdout_fd = 0;
    }
}

long emulator_admin(const emulator *emu, const char *method, const char *path,
                    const char *json_body, http_response *out)
{
    char url[512];
    http_response response;

    snprintf(url, sizeof(url), "%s/_emulator%s", emu->url, path);
    if (http_request(method, url, json_body, NULL, NULL, &response) != 0) {
        http_response_free(&response);
        return -1;
    }

    long status = response.status;
    if (status >= 400) {
        fprintf(stderr, "admin %s %s: HTTP %ld %s\n", method, path, status, response.body);
    }
    if (out != NULL) {
        *out = response;
    } else {
        http_response_free(&response);
    }
    return status;
}

/* Copies clientID and secret out of an ApiKey JSON body. */
static int parse_key(const char *body, emulator_key *key)
{
    cJSON *json = cJSON_Parse(body);
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(json, "clientID");
    const cJSON *secret = cJSON_GetObjectItemCaseSensitive(json, "secret");
    int result = -1;

    if (cJSON_IsString(id) && cJSON_IsString(secret)) {
        snprintf(key->client_id, sizeof(key->client_id), "%s", id->valuestring);
        snprintf(key->secret, sizeof(key->secret), "%s", secret->valuestring);
        result = 0;
    }
    cJSON_Delete(json);
    return result;
}

int emulator_create_key(const emulator *emu, const char *spec_json, emulator_key *key)
{
    http_response response;
    long status = emulator_admin(emu, "POST", "/keys", spec_json, &response);
    int result = status == 201 ? parse_key(response.body, key) : -1;

    if (status >= 0) {
        http_response_free(&response);
    }
    return result;
}

int emulator_regenerate_key(const emulator *emu, emulator_key *key)
{
    char path[256];
    http_response response;

    snprintf(path, sizeof(path), "/keys/%s/regenerate", key->client_id);
    long status = emulator_admin(emu, "POST", path, NULL, &response);
    int result = status == 200 ? parse_key(response.body, key) : -1;

    if (status >= 0) {
        http_response_free(&response);
    }
    return result;
}

long long emulator_stat(const emulator *emu, const char *name)
{
    http_response response;
    long long value = -1;

    long status = emulator_admin(emu, "GET", "/stats", NULL, &response);
    if (status < 0) {
        return -1;
    }
    cJSON *json = status == 200 ? cJSON_Parse(response.body) : NULL;
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(json, name);
    if (cJSON_IsNumber(item)) {
        value = (long long)item->valuedouble;
    }

    cJSON_Delete(json);
    http_response_free(&response);
    return value;
}
