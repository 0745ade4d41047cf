#include "CCurl.h"
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>

static struct {
    void *library;
    CURLcode (*global_init)(long);
    CURL *(*easy_init)(void);
    CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
    CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
    CURLcode (*easy_perform)(CURL *);
    void (*easy_cleanup)(CURL *);
    const char *(*easy_strerror)(CURLcode);
    struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
    void (*slist_free_all)(struct curl_slist *);
} curl;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static char load_error[512] = "";

#define RESOLVE(field, name)                                                                          \
    do {                                                                                              \
        *(void **)(&curl.field) = dlsym(library, name);                                               \
        if (!curl.field) {                                                                            \
            snprintf(load_error, sizeof load_error, "libcurl.so.4 has no %s (too old a libcurl)", name); \
            return;                                                                                   \
        }                                                                                             \
    } while (0)

static void load(void) {
    void *library = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
    if (!library) {
        snprintf(load_error, sizeof load_error, "cannot load libcurl.so.4 (install the libcurl4 package): %s", dlerror());
        return;
    }
    RESOLVE(global_init, "curl_global_init");
    RESOLVE(easy_init, "curl_easy_init");
    RESOLVE(easy_setopt, "curl_easy_setopt");
    RESOLVE(easy_getinfo, "curl_easy_getinfo");
    RESOLVE(easy_perform, "curl_easy_perform");
    RESOLVE(easy_cleanup, "curl_easy_cleanup");
    RESOLVE(easy_strerror, "curl_easy_strerror");
    RESOLVE(slist_append, "curl_slist_append");
    RESOLVE(slist_free_all, "curl_slist_free_all");
    if (curl.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        snprintf(load_error, sizeof load_error, "curl_global_init failed");
        return;
    }
    curl.library = library;
}

int mammon_curl_load(void) {
    pthread_once(&once, load);
    return curl.library != NULL;
}

const char *mammon_curl_load_error(void) { return load_error; }

CURL *mammon_curl_easy_init(void) { return curl.easy_init(); }
void mammon_curl_easy_cleanup(CURL *h) { curl.easy_cleanup(h); }
CURLcode mammon_curl_easy_perform(CURL *h) { return curl.easy_perform(h); }
const char *mammon_curl_easy_strerror(CURLcode code) { return curl.easy_strerror(code); }
struct curl_slist *mammon_curl_slist_append(struct curl_slist *list, const char *text) { return curl.slist_append(list, text); }
void mammon_curl_slist_free_all(struct curl_slist *list) { curl.slist_free_all(list); }

CURLcode mammon_curl_setopt_long(CURL *h, CURLoption o, long v) { return curl.easy_setopt(h, o, v); }
CURLcode mammon_curl_setopt_str(CURL *h, CURLoption o, const char *v) { return curl.easy_setopt(h, o, v); }
CURLcode mammon_curl_setopt_ptr(CURL *h, CURLoption o, const void *v) { return curl.easy_setopt(h, o, v); }
CURLcode mammon_curl_setopt_off_t(CURL *h, CURLoption o, curl_off_t v) { return curl.easy_setopt(h, o, v); }
CURLcode mammon_curl_setopt_write_function(CURL *h, curl_write_callback f) { return curl.easy_setopt(h, CURLOPT_WRITEFUNCTION, f); }
CURLcode mammon_curl_setopt_xferinfo_function(CURL *h, curl_xferinfo_callback f) { return curl.easy_setopt(h, CURLOPT_XFERINFOFUNCTION, f); }
CURLcode mammon_curl_getinfo_long(CURL *h, CURLINFO i, long *v) { return curl.easy_getinfo(h, i, v); }
CURLcode mammon_curl_getinfo_off_t(CURL *h, CURLINFO i, curl_off_t *v) { return curl.easy_getinfo(h, i, v); }
int mammon_curl_error_size(void) { return CURL_ERROR_SIZE; }
