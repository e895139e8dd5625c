/* Gets a Setu token with the setu-auth C library and calls a protected API with libcurl.
 *
 * Settings come from the environment:
 *   SETU_CLIENT_ID, SETU_SECRET   the API key
 *   SETU_BASE_URL                 optional, such as the emulator's http://127.0.0.1:PORT
 *   SETU_ENVIRONMENT              optional, sandbox (default) or production
 *
 * It sends GET {base}/api/v2/sample with the Authorization header, and on a 401 reports
 * the rejected token with setu_auth_manager_invalidate and retries once. */
#include <curl/curl.h>
#include <setu_auth.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Prints a failed call's error and frees it; returns whether there was an error. */
static int failed(setu_auth_error *error, const char *action)
{
    if (error == NULL) {
        return 0;
    }
    fprintf(stderr, "%s failed: %s: %s\n", action,
            setu_auth_code_name(setu_auth_error_code(error)), setu_auth_error_message(error));
    setu_auth_error_free(error);
    return 1;
}

static setu_auth_manager *create_manager(void)
{
    const char *client_id = getenv("SETU_CLIENT_ID");
    const char *secret = getenv("SETU_SECRET");
    const char *base_url = getenv("SETU_BASE_URL");
    const char *environment = getenv("SETU_ENVIRONMENT");
    setu_auth_config *config = NULL;
    setu_auth_manager *manager = NULL;

    if (failed(setu_auth_config_new(&config), "setu_auth_config_new")) {
        return NULL;
    }
    int bad = failed(setu_auth_config_set_credentials(config, client_id, secret),
                     "setting SETU_CLIENT_ID and SETU_SECRET") ||
              (environment && failed(setu_auth_config_set_environment(config, environment),
                                     "setting SETU_ENVIRONMENT")) ||
              failed(setu_auth_config_set_base_url(config, base_url), "setting SETU_BASE_URL") ||
              failed(setu_auth_manager_new(config, &manager), "setu_auth_manager_new");
    setu_auth_config_free(config);
    return bad ? NULL : manager;
}

/* Sends the GET with `authorization` and returns the HTTP status, or -1. */
static long get_sample(const char *url, const char *authorization)
{
    CURL *curl = curl_easy_init();
    struct curl_slist *headers = NULL;
    char line[8192];
    long status = -1;

    snprintf(line, sizeof(line), "Authorization: %s", authorization);
    headers = curl_slist_append(headers, line);
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    if (curl_easy_perform(curl) == CURLE_OK) {
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    }
    printf("\n");

    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    return status;
}

int main(void)
{
    const char *base_url = getenv("SETU_BASE_URL");
    char url[1024];
    char *header = NULL;

    snprintf(url, sizeof(url), "%s/api/v2/sample", base_url ? base_url : "https://uat.setu.co");
    setu_auth_manager *manager = create_manager();
    if (manager == NULL || failed(setu_auth_manager_auth_header(manager, &header), "token")) {
        setu_auth_manager_free(manager);
        return 1;
    }

    long status = get_sample(url, header);
    if (status == 401) {
        /* The header is "Bearer <token>": report the token and try once more. */
        const char *token = header + strlen("Bearer ");
        int invalidate_failed = failed(setu_auth_manager_invalidate(manager, token, NULL),
                                       "setu_auth_manager_invalidate");
        setu_auth_string_free(header);
        header = NULL;
        if (!invalidate_failed && !failed(setu_auth_manager_auth_header(manager, &header), "token")) {
            status = get_sample(url, header);
        }
    }
    printf("GET %s: HTTP %ld\n", url, status);

    setu_auth_string_free(header);
    setu_auth_manager_free(manager);
    return status == 200 ? 0 : 1;
}
