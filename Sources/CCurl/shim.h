// Typed wrappers over libcurl's variadic entry points, which Swift cannot call directly.
// One wrapper per argument type: curl_easy_setopt takes a long, a pointer, a curl_off_t or a
// function pointer depending on the option, and passing the wrong one is undefined behaviour.
#ifndef CASEWATCH_CCURL_SHIM_H
#define CASEWATCH_CCURL_SHIM_H

#include <curl/curl.h>

typedef size_t (*casewatch_curl_io_callback)(char *buffer, size_t size, size_t count, void *userdata);

static inline CURLcode casewatch_curl_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode casewatch_curl_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode casewatch_curl_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode casewatch_curl_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode casewatch_curl_setopt_offset(CURL *handle, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode casewatch_curl_setopt_io_callback(CURL *handle, CURLoption option,
                                                         casewatch_curl_io_callback value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode casewatch_curl_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}

#endif
