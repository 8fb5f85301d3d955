#ifndef CCURL_SHIM_H
#define CCURL_SHIM_H
// curl_easy_setopt / curl_easy_getinfo / curl_multi_setopt are C variadics, which Swift cannot call.
// One fixed-signature inline wrapper per argument type; CURL_DISABLE_TYPECHECK skips curl's GCC macro layer.
#define CURL_DISABLE_TYPECHECK 1
#include <curl/curl.h>

typedef size_t (*ccurl_data_fn)(char *ptr, size_t size, size_t nmemb, void *userdata);

static inline CURLcode ccurl_setopt_long(CURL *h, CURLoption o, long v)                { return curl_easy_setopt(h, o, v); }
static inline CURLcode ccurl_setopt_off(CURL *h, CURLoption o, curl_off_t v)           { return curl_easy_setopt(h, o, v); }
static inline CURLcode ccurl_setopt_string(CURL *h, CURLoption o, const char *v)       { return curl_easy_setopt(h, o, v); }
static inline CURLcode ccurl_setopt_pointer(CURL *h, CURLoption o, void *v)            { return curl_easy_setopt(h, o, v); }
static inline CURLcode ccurl_setopt_slist(CURL *h, CURLoption o, struct curl_slist *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode ccurl_setopt_data_fn(CURL *h, CURLoption o, ccurl_data_fn fn)   { return curl_easy_setopt(h, o, fn); }
static inline CURLcode ccurl_getinfo_long(CURL *h, CURLINFO i, long *out)              { return curl_easy_getinfo(h, i, out); }
static inline CURLcode ccurl_getinfo_double(CURL *h, CURLINFO i, double *out)          { return curl_easy_getinfo(h, i, out); }
static inline CURLcode ccurl_getinfo_pointer(CURL *h, CURLINFO i, void **out)          { return curl_easy_getinfo(h, i, out); }
static inline CURLMcode ccurl_multi_setopt_long(CURLM *m, CURLMoption o, long v)       { return curl_multi_setopt(m, o, v); }
#endif
