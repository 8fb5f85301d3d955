import RemoteStorage

/// A remote-write batch shaped like Prometheus scraping node_exporter: one sample per series (a shard sends the
/// latest sample of many series), 7–9 labels (job, instance, external cluster/env labels, per-metric labels
/// such as cpu/mode or device), counter-like values with decimals, timestamps a few ms apart.
enum RealisticBatch {
    static let metrics: [(name: String, extra: [(String, [String])])] = [
        ("node_cpu_seconds_total", [("cpu", (0..<8).map(String.init)), ("mode", ["idle", "iowait", "irq", "nice", "softirq", "steal", "system", "user"])]),
        ("node_network_receive_bytes_total", [("device", ["eth0", "eth1", "lo", "docker0"])]),
        ("node_network_transmit_bytes_total", [("device", ["eth0", "eth1", "lo", "docker0"])]),
        ("node_disk_read_bytes_total", [("device", ["nvme0n1", "nvme1n1", "xvda"])]),
        ("node_disk_written_bytes_total", [("device", ["nvme0n1", "nvme1n1", "xvda"])]),
        ("node_filesystem_avail_bytes", [("device", ["/dev/nvme0n1p1", "tmpfs"]), ("fstype", ["ext4", "tmpfs"]), ("mountpoint", ["/", "/run"])]),
        ("node_memory_MemAvailable_bytes", []),
        ("node_load1", []),
        ("http_request_duration_seconds_bucket", [("handler", ["/api/v1/query", "/metrics"]), ("le", ["0.005", "0.01", "0.05", "0.1", "0.5", "1", "+Inf"])]),
    ]

    /// The series of the batch, `samples` of them with one sample each.
    static func series(samples: Int, timestampOffset: Int64 = 0) -> [TimeSeries] {
        var out: [TimeSeries] = []
        out.reserveCapacity(samples)
        var host = 0
        while out.count < samples {
            let instance = "10.0.\(host / 250).\(host % 250 + 1):9100"
            for metric in metrics {
                for combination in combinations(metric.extra) where out.count < samples {
                    var labels = [
                        Label(name: "__name__", value: metric.name), Label(name: "cluster", value: "prod-eu-west-1"),
                        Label(name: "env", value: "production"), Label(name: "instance", value: instance),
                        Label(name: "job", value: "node"),
                    ]
                    labels += combination.map { Label(name: $0.0, value: $0.1) }
                    labels.sort { $0.name < $1.name }
                    let n = out.count
                    let value = Double(n * 7919 % 1_000_003) + Double(n % 1000) / 1000
                    out.append(TimeSeries(labels: labels, samples: [Sample(value: value, timestamp: 1_700_000_000_000 + timestampOffset + Int64(n % 15))]))
                }
            }
            host += 1
        }
        return out
    }

    static func combinations(_ dims: [(String, [String])]) -> [[(String, String)]] {
        var result: [[(String, String)]] = [[]]
        for (name, values) in dims {
            result = result.flatMap { prefix in values.map { prefix + [(name, $0)] } }
        }
        return result
    }

    /// The snappy-compressed protobuf body Prometheus would POST.
    static func snappyBody(samples: Int, timestampOffset: Int64 = 0) -> [UInt8] {
        Snappy.compress(WriteRequest(timeseries: series(samples: samples, timestampOffset: timestampOffset)).serialized())
    }
}
