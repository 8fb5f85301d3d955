#if canImport(Glibc)
    import Glibc
#endif
#if canImport(SpawnCompat)
    import SpawnCompat
#endif

/// Runs a profile's `credential_process` command (through `/bin/sh -c`, as the AWS CLI does on Linux) and returns
/// its exit status and standard output. Standard error passes through to the connector's, standard input is
/// /dev/null. Blocks until the command ends — at most `timeoutMilliseconds` (one minute, the AWS SDK for Go v2's
/// default): a command that hangs (a login prompt, a network call without a timeout) would otherwise hold the
/// credential refresh, and every request waiting on it, forever. The command runs in its own process group, which
/// is killed on time-out or when it prints more than `maxOutputBytes`.
/// https://docs.aws.amazon.com/sdkref/latest/guide/feature-process-credentials.html
enum CredentialProcess {
    static let timeoutMilliseconds = 60_000
    /// A credential document is a few hundred bytes.
    static let maxOutputBytes = 64 << 10

    enum Failure: Error, Equatable {
        case cannotStart
        case timedOut(milliseconds: Int)
        case outputTooLarge
    }

    static func run(_ command: String, timeoutMilliseconds: Int = timeoutMilliseconds)
        -> Result<(status: Int32, output: [UInt8]), Failure>
    {
        var pipeEnds: [Int32] = [0, 0]
        // Close-on-exec, so a command started meanwhile by another thread does not inherit them (the dup2 below
        // gives this command its standard output without the flag).
        guard spawn_compat_pipe_cloexec(&pipeEnds) == 0 else { return .failure(.cannotStart) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, pipeEnds[1], 1)
        // Nothing else of this process reaches the command or what it leaves running: not Timestream's sockets,
        // not the listening socket (stderr, 2, stays for its messages).
        guard spawn_compat_close_from(&actions, 3) == 0 else {
            close(pipeEnds[0])
            close(pipeEnds[1])
            return .failure(.cannotStart)
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
        posix_spawnattr_setpgroup(&attributes, 0)  // a group of its own, led by the shell
        var pid: pid_t = 0
        let arguments = ["/bin/sh", "-c", command]
        let argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let spawned = posix_spawn(&pid, "/bin/sh", &actions, &attributes, argv, environ)
        close(pipeEnds[1])
        guard spawned == 0 else {
            close(pipeEnds[0])
            return .failure(.cannotStart)
        }
        let deadline = monotonicMilliseconds() + timeoutMilliseconds
        let output = readAll(pipeEnds[0], until: deadline, timeoutMilliseconds: timeoutMilliseconds)
        close(pipeEnds[0])
        var status: Int32 = 0
        // A command may close its output and go on running: the limit holds until it has exited too.
        guard case .success(let bytes) = output, exited(pid, until: deadline, status: &status) else {
            kill(-pid, SIGKILL)
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            if case .failure(let failure) = output { return .failure(failure) }
            return .failure(.timedOut(milliseconds: timeoutMilliseconds))
        }
        // WIFEXITED/WEXITSTATUS are macros: exited normally when the low 7 bits are 0, the code is bits 8-15.
        let exitCode = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return .success((exitCode, bytes))
    }

    private static func monotonicMilliseconds() -> Int {
        var clock = timespec()
        clock_gettime(CLOCK_MONOTONIC, &clock)
        return Int(clock.tv_sec) * 1000 + Int(clock.tv_nsec) / 1_000_000
    }

    /// Whether `pid` exited (and was reaped, its status in `status`) before `deadline`. Polled: a command exits
    /// right after its output ends, so the first or second look finds it; the pause doubles up to 50 ms.
    private static func exited(_ pid: pid_t, until deadline: Int, status: inout Int32) -> Bool {
        var pauseMicroseconds: UInt32 = 500
        while true {
            let reaped = waitpid(pid, &status, WNOHANG)
            if reaped == pid { return true }
            if reaped < 0 && errno != EINTR {
                // Reaped elsewhere (not our child any more): its status is unknown, so it counts as a failure.
                status = 255 << 8
                return true
            }
            let left = deadline - monotonicMilliseconds()
            guard left > 0 else { return false }
            usleep(min(pauseMicroseconds, UInt32(min(left, 50)) * 1000))
            pauseMicroseconds = min(pauseMicroseconds * 2, 50_000)
        }
    }

    /// Everything `descriptor` yields until end of file, within the time and size limits.
    private static func readAll(_ descriptor: Int32, until deadline: Int, timeoutMilliseconds: Int)
        -> Result<[UInt8], Failure>
    {
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let left = deadline - monotonicMilliseconds()
            guard left > 0 else { return .failure(.timedOut(milliseconds: timeoutMilliseconds)) }
            var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, Int32(min(left, Int(Int32.max))))
            if ready < 0 && errno == EINTR { continue }
            if ready == 0 { return .failure(.timedOut(milliseconds: timeoutMilliseconds)) }
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && (errno == EINTR || errno == EAGAIN) { continue }
            if count <= 0 { return .success(output) }
            output.append(contentsOf: chunk[..<count])
            if output.count > maxOutputBytes { return .failure(.outputTooLarge) }
        }
    }
}
