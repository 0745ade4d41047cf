#ifndef MAMMON_CCURL_H
#define MAMMON_CCURL_H
// libcurl, loaded when first needed (dlopen) rather than at process start: a console on the
// simulated network never makes an HTTP request, and libcurl brings two dozen libraries (TLS, LDAP,
// Kerberos, SSH) that would otherwise be mapped and relocated in every process. Types and constants
// come from curl.h; every call goes through these wrappers (the binary has no link-time reference to
// libcurl, so a direct call fails to link). Only Sources/Chain/RPC/CurlTransport.swift uses them.
#include <curl/curl.h>

/// Loads libcurl once (thread-safe) and runs curl_global_init; 1 when it is usable, 0 otherwise
/// (then `mammon_curl_load_error` says why).
int mammon_curl_load(void);
const char *mammon_curl_load_error(void);

CURL *mammon_curl_easy_init(void);
void mammon_curl_easy_cleanup(CURL *h);
CURLcode mammon_curl_easy_perform(CURL *h);
const char *mammon_curl_easy_strerror(CURLcode code);
struct curl_slist *mammon_curl_slist_append(struct curl_slist *list, const char *text);
void mammon_curl_slist_free_all(struct curl_slist *list);

// curl_easy_setopt / getinfo are variadic and CURL_ERROR_SIZE is a macro: typed wrappers.
CURLcode mammon_curl_setopt_long(CURL *h, CURLoption o, long v);
CURLcode mammon_curl_setopt_str(CURL *h, CURLoption o, const char *v);
CURLcode mammon_curl_setopt_ptr(CURL *h, CURLoption o, const void *v);
CURLcode mammon_curl_setopt_off_t(CURL *h, CURLoption o, curl_off_t v);
CURLcode mammon_curl_setopt_write_function(CURL *h, curl_write_callback f);
CURLcode mammon_curl_setopt_xferinfo_function(CURL *h, curl_xferinfo_callback f);
CURLcode mammon_curl_getinfo_long(CURL *h, CURLINFO i, long *v);
CURLcode mammon_curl_getinfo_off_t(CURL *h, CURLINFO i, curl_off_t *v);
int mammon_curl_error_size(void);
#endif
