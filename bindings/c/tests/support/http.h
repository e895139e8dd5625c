/* Minimal blocking HTTP client for the tests, on libcurl. */
#ifndef SETU_TEST_HTTP_H
#define SETU_TEST_HTTP_H

#include <stddef.h>

/** A response: status and a NUL-terminated body owned by the caller (free with http_response_free). */
typedef struct {
    long status;
    char *body;
    size_t length;
} http_response;

/**
 * Sends METHOD URL with an optional JSON body and up to two extra header lines
 * ("Name: value", or NULL). Returns 0 on success, -1 when the request could not be made
 * (the curl error is printed to stderr).
 */
int http_request(const char *method, const char *url, const char *json_body,
                 const char *header1, const char *header2, http_response *out);

/** Frees the body of a response. */
void http_response_free(http_response *response);

#endif
