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

extension RealisticBatch {
    /// The same batch with what Prometheus adds when exemplars and metadata are sent: one exemplar per series
    /// (a `trace_id` label, a value and a timestamp) and one metadata entry per metric family. Encoded here by
    /// hand: `WriteRequest.serialized()` writes labels and samples only.
    static func mixedSnappyBody(samples: Int) -> [UInt8] {
        var body: [UInt8] = []
        for (index, one) in series(samples: samples).enumerated() {
            var encoded = WriteRequest(timeseries: [one]).serialized()
            // `0x0a <length> <series>`: drop the key and length, append the exemplar, then frame it again.
            var position = 1
            while encoded[position] & 0x80 != 0 { position += 1 }
            encoded.removeFirst(position + 1)
            let traceID = Array(String(UInt64(index) &* 0x9E37_79B9_7F4A_7C15, radix: 16).utf8)
            let label = field(1, string: Array("trace_id".utf8)) + field(2, string: traceID)
            var exemplar = field(1, string: label)
            exemplar += [0x11] + withUnsafeBytes(of: (0.25 * Double(index % 7)).bitPattern.littleEndian, Array.init)
            exemplar += [0x18] + varint(UInt64(1_700_000_000_000 + index % 15))
            body += field(1, string: encoded + field(3, string: exemplar))
        }
        for metric in metrics {
            let metadata = [0x08, 0x01] + field(2, string: Array(metric.name.utf8))
                + field(4, string: Array("Help text of \(metric.name).".utf8))
            body += field(3, string: metadata)
        }
        return Snappy.compress(body)
    }

    private static func field(_ number: UInt8, string: [UInt8]) -> [UInt8] {
        [number << 3 | 2] + varint(UInt64(string.count)) + string
    }

    private static func varint(_ value: UInt64) -> [UInt8] {
        var value = value
        var out: [UInt8] = []
        while value >= 0x80 {
            out.append(UInt8(value & 0x7F) | 0x80)
            value >>= 7
        }
        return out + [UInt8(value)]
    }
}
