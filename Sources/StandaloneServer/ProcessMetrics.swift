import CredentialChain

#if canImport(Glibc)
import Glibc
#endif

/// The `process_*` series Prometheus' Go client exposes by default (client_golang's process collector), which the
/// Go connector served on its `/metrics` and dashboards and alerts use: CPU, memory, descriptors, start time. Read
/// from `/proc` at each scrape (Linux), with the Go client's names, types and help texts.
enum ProcessMetrics {
    /// What `/proc/self/stat` says, in its units (clock ticks, pages, bytes).
    struct Stat: Equatable {
        var userTicks: Int64
        var systemTicks: Int64
        var startTicksSinceBoot: Int64
        var virtualBytes: Int64
        var residentPages: Int64
    }

    /// Fields 14, 15, 22, 23 and 24 of a `stat` line (proc(5)), counted after the command name, which may itself
    /// hold spaces and parentheses.
    static func parse(stat line: String) -> Stat? {
        guard let close = line.lastIndex(of: ")") else { return nil }
        let fields = line[line.index(after: close)...].split(separator: " ")
        // fields[0] is field 3 (state)
        guard fields.count > 21, let user = Int64(fields[11]), let system = Int64(fields[12]),
            let start = Int64(fields[19]), let virtual = Int64(fields[20]), let resident = Int64(fields[21])
        else { return nil }
        return Stat(userTicks: user, systemTicks: system, startTicksSinceBoot: start, virtualBytes: virtual, residentPages: resident)
    }

    /// `btime` of `/proc/stat`: the boot time in seconds since 1970.
    static func parse(bootTimeIn text: String) -> Int64? {
        for line in text.split(separator: "\n") where line.hasPrefix("btime ") {
            return Int64(line.dropFirst(6).trimmingPrefix(" "))
        }
        return nil
    }

    /// The series as text exposition lines; empty where `/proc` cannot be read.
    static func exposition() -> String {
        var out = ""
        func series(_ name: String, _ type: String, _ help: String, _ value: String) {
            out += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n\(name) \(value)\n"
        }
        let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))
        if let text = FileText.read("/proc/self/stat"), let stat = parse(stat: text), ticksPerSecond > 0 {
            series(
                "process_cpu_seconds_total", "counter", "Total user and system CPU time spent in seconds.",
                "\(Double(stat.userTicks + stat.systemTicks) / ticksPerSecond)")
            series("process_resident_memory_bytes", "gauge", "Resident memory size in bytes.", "\(stat.residentPages * Int64(sysconf(Int32(_SC_PAGESIZE))))")
            series("process_virtual_memory_bytes", "gauge", "Virtual memory size in bytes.", "\(stat.virtualBytes)")
            if let boot = FileText.read("/proc/stat").flatMap(parse(bootTimeIn:)) {
                series(
                    "process_start_time_seconds", "gauge", "Start time of the process since unix epoch in seconds.",
                    "\(Double(boot) + Double(stat.startTicksSinceBoot) / ticksPerSecond)")
            }
        }
        if let open = openDescriptors() {
            series("process_open_fds", "gauge", "Number of open file descriptors.", "\(open)")
        }
        var limit = rlimit()
        if getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 {
            series("process_max_fds", "gauge", "Maximum number of open file descriptors.", "\(limit.rlim_cur)")
        }
        return out
    }

    /// Entries of `/proc/self/fd` (the directory's own descriptor among them, as the Go client counts), or of
    /// another directory (tests).
    static func openDescriptors(listedIn path: String = "/proc/self/fd") -> Int? {
        guard let directory = opendir(path) else { return nil }
        defer { closedir(directory) }
        var count = 0
        while let entry = readdir(directory) {
            let isDot = withUnsafeBytes(of: entry.pointee.d_name) { name in name[0] == 0x2E && (name[1] == 0 || (name[1] == 0x2E && name[2] == 0)) }
            if !isDot { count += 1 }
        }
        return count
    }
}
