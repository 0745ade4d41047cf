#ifndef MAMMON_CCURL_SHIM_H
#define MAMMON_CCURL_SHIM_H
#include <curl/curl.h>
// curl_easy_setopt / getinfo are variadic: typed wrappers live here as the Chain module needs them.
static inline CURLcode mammon_curl_setopt_long(CURL *h, CURLoption o, long v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode mammon_curl_setopt_ptr(CURL *h, CURLoption o, const void *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode mammon_curl_getinfo_long(CURL *h, CURLINFO i, long *v) { return curl_easy_getinfo(h, i, v); }
#endif
