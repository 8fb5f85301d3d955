import CCurl

/// `curl_global_init` runs exactly once per process, before the first handle is created.
///
/// Rule: only `HTTPClient.init` triggers it (through this lazily initialised `static let`, which Swift guards
/// with `swift_once`, so it is safe even if two threads race). libcurl ≥ 7.84 makes `curl_global_init` itself
/// thread-safe (the `threadsafe` feature of `curl-config --features`), but older builds are not, so nothing
/// else in the process may call it. `curl_global_cleanup` is never called: the client lives as long as the
/// Lambda execution environment, and the OS reclaims everything at exit.
enum CurlGlobal {
    /// `CURLE_OK`, or the code `curl_global_init` failed with.
    static let initResult: CURLcode = curl_global_init(Int(CURL_GLOBAL_DEFAULT))
}
