// Typed wrappers over libcurl's variadic entry points, which Swift cannot call directly.
// One wrapper per argument type: curl_easy_setopt takes a long, a pointer, a curl_off_t or a
// function pointer depending on the option, and passing the wrong one is undefined behaviour.
#ifndef CASEWATCH_CCURL_SHIM_H
#define CASEWATCH_CCURL_SHIM_H

#include <curl/curl.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

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

static inline CURLcode casewatch_curl_setopt_opensocket_callback(CURL *handle, curl_opensocket_callback value) {
    return curl_easy_setopt(handle, CURLOPT_OPENSOCKETFUNCTION, value);
}

// The network guard's view of the address libcurl is about to connect to (after name resolution): its bytes in
// network order, 4 for IPv4 and 16 for IPv6, copied into `bytes`; returns how many, or 0 for another family.
// `addr` is declared as a `struct sockaddr` but libcurl keeps room for a whole `sockaddr_in6` behind it, so it is
// read here, in C, through the cast the family calls for.
static inline int casewatch_curl_sockaddr_bytes(const struct curl_sockaddr *address, unsigned char bytes[16]) {
    if (address->family == AF_INET && address->addrlen >= sizeof(struct sockaddr_in)) {
        const struct sockaddr_in *v4 = (const struct sockaddr_in *)(const void *)&address->addr;
        memcpy(bytes, &v4->sin_addr, 4);
        return 4;
    }
    if (address->family == AF_INET6 && address->addrlen >= sizeof(struct sockaddr_in6)) {
        const struct sockaddr_in6 *v6 = (const struct sockaddr_in6 *)(const void *)&address->addr;
        memcpy(bytes, &v6->sin6_addr, 16);
        return 16;
    }
    return 0;
}

// What libcurl does without an open-socket callback, plus close-on-exec: the socket for an address the guard let
// through.
static inline curl_socket_t casewatch_curl_open_socket(const struct curl_sockaddr *address) {
#ifdef SOCK_CLOEXEC
    return socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
#else
    return socket(address->family, address->socktype, address->protocol);
#endif
}

static inline CURLMcode casewatch_curl_multi_setopt_long(CURLM *multi, CURLMoption option, long value) {
    return curl_multi_setopt(multi, option, value);
}

static inline CURLcode casewatch_curl_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}

#endif
