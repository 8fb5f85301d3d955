// `timestream-prometheus-connector`: the standalone front door (the Go connector's binary name and flags).
// Wiring only: parse the flags over the environment, then serve until SIGTERM/SIGINT. Exit codes: 0 after a
// graceful shutdown, 1 when the server cannot start, 2 for a setting to change (one line on stderr, or a log
// line for a credential chain with no usable source).
import Connector
import GlibcCompat
import StandaloneServer

#if canImport(Glibc)
import Glibc
#endif

let environment = processEnvironment()
// Before any other thread allocates (MallocArenas says why).
if let arenas = MallocArenas.limit(environment: environment) { _ = glibc_compat_limit_arenas(Int32(arenas)) }
let options: StandaloneOptions
do {
    switch try StandaloneOptions.parse(arguments: Array(CommandLine.arguments.dropFirst()), environment: environment) {
    case .help:
        print(StandaloneOptions.helpText)
        exit(0)
    case .run(let parsed):
        options = parsed
    }
} catch {
    let line = Array("timestream-prometheus-connector: \(error)\n".utf8)
    _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    exit(2)
}

// Sockets to Prometheus and to Timestream: use every descriptor the hard limit allows (Go does the same).
var limit = rlimit()
if getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < limit.rlim_max {
    limit.rlim_cur = limit.rlim_max
    _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
}

let log = Logger(config: options.connector, timestamps: true)

/// Why the connector stops: a log line, or with logging off one plain line on stderr (never silent).
func stop(_ message: String, _ error: any Error, code: Int32) -> Never {
    if log.isEnabled(.error) {
        log.error(message, [("reason", "\(error)")])
    } else {
        let line = Array("timestream-prometheus-connector: \(message): \(error)\n".utf8)
        _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    }
    exit(code)
}

let server: StandaloneServer
do {
    server = try StandaloneServer(options: options, environment: environment, log: log)
} catch {
    // --enable-sigv4-auth with no usable credential source configured: a setting to change.
    stop("cannot start", error, code: 2)
}
do {
    try await server.run()
} catch {
    if error is UnreadableTLSFile { stop("cannot serve", error, code: 1) }  // names its flag and file itself
    // Else mostly the bind: an address in use or not on this host. NIO's text names neither the address nor the flag.
    stop("cannot serve on --web.listen-address \(StandaloneOptions.address(host: options.host, port: options.port))", error, code: 1)
}
exit(0)
