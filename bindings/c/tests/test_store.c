/* Tests of the token store setters: managers sharing one token through a file store and
 * through a Redis server started by the test, and invalid store settings. */
#define _XOPEN_SOURCE 700
#include <arpa/inet.h>
#include <fcntl.h>
#include <ftw.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "support/check.h"
#include "support/fixture.h"

static const char REDIS_PASSWORD[] = "redis-pass-do-not-print-42";

static int remove_entry(const char *path, const struct stat *info, int flag, struct FTW *ftw)
{
    (void)info;
    (void)flag;
    (void)ftw;
    return remove(path);
}

/* Gets one token from each of two managers made from the fixture's configuration. The
 * tokens must match, and the emulator must have received exactly one token request. */
static void two_managers_share_one_token(fixture *fx)
{
    setu_auth_manager *first = fixture_manager(fx);
    setu_auth_manager *second = fixture_manager(fx);
    char *first_token = NULL;
    char *second_token = NULL;

    if (first != NULL && second != NULL) {
        CHECK_OK(setu_auth_manager_token(first, &first_token));
        CHECK_OK(setu_auth_manager_token(second, &second_token));
        CHECK(first_token != NULL);
        CHECK(second_token != NULL);
        if (first_token != NULL && second_token != NULL) {
            CHECK_STR(second_token, first_token);
        }
        CHECK(emulator_stat(&fx->emu, "token_requests") == 1);
    }

    setu_auth_string_free(first_token);
    setu_auth_string_free(second_token);
    setu_auth_manager_free(first);
    setu_auth_manager_free(second);
}

static void file_store_shared(void)
{
    char dir[] = "/tmp/setu-auth-c-store-XXXXXX";
    fixture fx;

    CHECK(mkdtemp(dir) != NULL);
    if (fixture_start(&fx, NULL) != 0) {
        check_failures++;
        return;
    }

    CHECK_OK(setu_auth_config_set_file_store(fx.config, dir));
    two_managers_share_one_token(&fx);

    fixture_stop(&fx);
    CHECK(nftw(dir, remove_entry, 8, FTW_DEPTH | FTW_PHYS) == 0);
}

/* Checks that creating a manager from `config` fails with invalid_config, and that the
 * message contains `expected` and not the Redis password. */
static void check_invalid(const setu_auth_config *config, const char *expected)
{
    setu_auth_manager *manager = NULL;
    setu_auth_error *error = setu_auth_manager_new(config, &manager);

    CHECK(error != NULL);
    CHECK(manager == NULL);
    if (error != NULL) {
        const char *message = setu_auth_error_message(error);
        CHECK(setu_auth_error_code(error) == SETU_AUTH_INVALID_CONFIG);
        if (strstr(message, expected) == NULL) {
            fprintf(stderr, "message \"%s\" does not name \"%s\"\n", message, expected);
            check_failures++;
        }
        CHECK(strstr(message, REDIS_PASSWORD) == NULL);
    }
    setu_auth_error_free(error);
    setu_auth_manager_free(manager);
}

static void invalid_store_settings_typed(void)
{
    setu_auth_config *config = NULL;
    char url[256];

    CHECK_OK(setu_auth_config_new(&config));
    CHECK_OK(setu_auth_config_set_credentials(config, "client", "secret"));

    CHECK_OK(setu_auth_config_set_file_store(config, "relative/dir"));
    check_invalid(config, "relative");
    CHECK_OK(setu_auth_config_set_file_store(config, ""));
    check_invalid(config, "store dir is empty");

    snprintf(url, sizeof url, "http://:%s@127.0.0.1:6379", REDIS_PASSWORD);
    CHECK_OK(setu_auth_config_set_redis_store(config, url, 1000));
    check_invalid(config, "scheme");
    CHECK_OK(setu_auth_config_set_redis_store(config, "redis://127.0.0.1:6379", 0));
    check_invalid(config, "timeout");
    CHECK_OK(setu_auth_config_set_redis_store(config, "redis://127.0.0.1:6379", 60001));
    check_invalid(config, "timeout");

    CHECK_CODE(setu_auth_config_set_redis_store(config, NULL, 1000), SETU_AUTH_INVALID_ARGUMENT);
    CHECK_CODE(setu_auth_config_set_memory_store(NULL), SETU_AUTH_INVALID_ARGUMENT);
    CHECK_CODE(setu_auth_config_set_file_store(NULL, NULL), SETU_AUTH_INVALID_ARGUMENT);
    CHECK_CODE(setu_auth_config_set_redis_store(NULL, "redis://127.0.0.1", 1000),
               SETU_AUTH_INVALID_ARGUMENT);

    CHECK_OK(setu_auth_config_set_memory_store(config));
    setu_auth_manager *manager = NULL;
    CHECK_OK(setu_auth_manager_new(config, &manager));
    setu_auth_manager_free(manager);
    setu_auth_config_free(config);
}

/* Returns a loopback port that was free a moment ago, or 0. */
static int free_port(void)
{
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = 0};
    socklen_t length = sizeof address;
    int port = 0;
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd >= 0 && bind(fd, (struct sockaddr *)&address, sizeof address) == 0 &&
        getsockname(fd, (struct sockaddr *)&address, &length) == 0) {
        port = ntohs(address.sin_port);
    }
    if (fd >= 0) {
        close(fd);
    }
    return port;
}

/* Returns whether a TCP connection to 127.0.0.1:port succeeds. */
static int accepts(int port)
{
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    int ok;

    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ok = fd >= 0 && connect(fd, (struct sockaddr *)&address, sizeof address) == 0;
    if (fd >= 0) {
        close(fd);
    }
    return ok;
}

/* Starts redis-server with a password on `port`; returns its pid, or -1. */
static pid_t start_redis(int port)
{
    char port_text[16];
    struct timespec pause = {.tv_sec = 0, .tv_nsec = 50 * 1000 * 1000};

    snprintf(port_text, sizeof port_text, "%d", port);
    pid_t pid = fork();
    if (pid == 0) {
        int null_fd = open("/dev/null", O_WRONLY);
        if (null_fd >= 0) {
            dup2(null_fd, STDOUT_FILENO);
        }
        execl("/usr/bin/redis-server", "redis-server", "--port", port_text, "--bind",
              "127.0.0.1", "--save", "", "--appendonly", "no", "--requirepass", REDIS_PASSWORD,
              "--loglevel", "warning", (char *)NULL);
        _exit(127);
    }
    for (int attempt = 0; pid > 0 && attempt < 200; attempt++) {
        if (accepts(port)) {
            return pid;
        }
        nanosleep(&pause, NULL);
    }
    fprintf(stderr, "redis-server did not start on port %d (is /usr/bin/redis-server installed?)\n",
            port);
    if (pid > 0) {
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
    }
    return -1;
}

static void redis_store_shared(void)
{
    int port = free_port();
    pid_t redis = port > 0 ? start_redis(port) : -1;
    char url[256];
    fixture fx;

    CHECK(redis > 0);
    if (redis <= 0) {
        return;
    }
    if (fixture_start(&fx, NULL) != 0) {
        check_failures++;
        kill(redis, SIGTERM);
        waitpid(redis, NULL, 0);
        return;
    }

    snprintf(url, sizeof url, "redis://:%s@127.0.0.1:%d/0", REDIS_PASSWORD, port);
    CHECK_OK(setu_auth_config_set_redis_store(fx.config, url, 2000));
    two_managers_share_one_token(&fx);

    fixture_stop(&fx);
    kill(redis, SIGTERM);
    waitpid(redis, NULL, 0);
}

int main(void)
{
    static const test_case tests[] = {
        {"file_store_shared", file_store_shared},
        {"invalid_store_settings_typed", invalid_store_settings_typed},
        {"redis_store_shared", redis_store_shared},
    };
    return run_tests("store", tests, sizeof(tests) / sizeof(tests[0]));
}
