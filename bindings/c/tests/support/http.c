/* Minimal blocking HTTP client for the tests, on libcurl. */
#include "http.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static size_t append_body(char *data, size_t size, size_t count, void *user_data)
{
    http_response *response = user_data;
    size_t added = size * count;
    char *grown = realloc(response->body, response->length + added + 1);

    if (grown == NULL) {
        return 0;
    }
    memcpy(grown + response->length, data, added);
    response->length += added;
    grown[response->length] = '\0';
    response->body = grown;
    return added;
}

static struct curl_slist *header_list(const char *json_body, const char *header1,
                                      const char *header2)
{
    struct curl_slist *headers = NULL;

    if (json_body != NULL) {
        headers = curl_slist_append(headers, "Content-Type: application/json");
    }
    if (header1 != NULL) {
        headers = curl_slist_append(headers, header1);
    }
    if (header2 != NULL) {
        headers = curl_slist_append(headers, header2);
    }
    return headers;
}

int http_request(const char *method, const char *url, const char *json_body,
                 const char *header1, const char *header2, http_response *out)
{
    CURL *curl = curl_easy_init();
    struct curl_slist *headers = header_list(json_body, header1, header2);
    CURLcode result;

    memset(out, 0, sizeof(*out));
    out->body = calloc(1, 1);
    if (curl == NULL || out->body == NULL) {
        curl_slist_free_all(headers);
        curl_easy_cleanup(curl);
        return -1;
    }

    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, append_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, out);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 10000L);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_NOPROXY, "*");
    if (json_body != NULL) {
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, json_body);
    }

    result = curl_easy_perform(curl);
    if (result == CURLE_OK) {
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &out->status);
    } else {
        fprintf(stderr, "HTTP %s %s failed: %s\n", method, url, curl_easy_strerror(result));
    }

    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    return result == CURLE_OK ? 0 : -1;
}

void http_response_free(http_response *response)
{
    free(response->body);
    response->body = NULL;
    response->length = 0;
}
