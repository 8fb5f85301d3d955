/// The AWS partition a region belongs to, and the DNS suffix of its service hosts (`ingest.timestream.<region>.
/// <suffix>`). Regions are matched by prefix, as the `regionRegex` of botocore's `endpoints.json` partitions do
/// (checked against it by `AWSPartitionTests`). Timestream for LiveAnalytics itself is offered in the `aws` and
/// `aws-us-gov` partitions only (the same file lists no `ingest.timestream` / `query.timestream` endpoints in
/// China or the ISO partitions); elsewhere discovery reaches the partition's correct host name, which does not
/// resolve until the service is offered there.
package struct AWSPartition: Equatable, Sendable {
    /// The partition's name, as in ARNs (`arn:<name>:…`).
    var name: String
    var dnsSuffix: String

    /// Region-name prefixes of the partitions other than `aws`.
    static let byRegionPrefix: [(prefix: String, partition: AWSPartition)] = [
        ("cn-", AWSPartition(name: "aws-cn", dnsSuffix: "amazonaws.com.cn")),
        ("us-gov-", AWSPartition(name: "aws-us-gov", dnsSuffix: "amazonaws.com")),
        ("us-iso-", AWSPartition(name: "aws-iso", dnsSuffix: "c2s.ic.gov")),
        ("us-isob-", AWSPartition(name: "aws-iso-b", dnsSuffix: "sc2s.sgov.gov")),
        ("eu-isoe-", AWSPartition(name: "aws-iso-e", dnsSuffix: "cloud.adc-e.uk")),
        ("us-isof-", AWSPartition(name: "aws-iso-f", dnsSuffix: "csp.hci.ic.gov")),
        ("eusc-", AWSPartition(name: "aws-eusc", dnsSuffix: "amazonaws.eu")),
    ]

    /// The commercial partition, which every other region name belongs to.
    static let standard = AWSPartition(name: "aws", dnsSuffix: "amazonaws.com")

    init(name: String, dnsSuffix: String) {
        self.name = name
        self.dnsSuffix = dnsSuffix
    }

    /// The partition of `region` (e.g. `cn-north-1` → `aws-cn`, `amazonaws.com.cn`).
    init(region: String) {
        self = Self.byRegionPrefix.first { region.hasPrefix($0.prefix) }?.partition ?? .standard
    }

    /// A service's regional endpoint, `https://<host prefix>.<region>.<DNS suffix of the region's partition>`:
    /// `sts`, `secretsmanager`, Timestream's discovery hosts `ingest.timestream` and `query.timestream`
    /// (`https://sts.cn-north-1.amazonaws.com.cn` in China).
    package static func regionalEndpoint(_ hostPrefix: String, region: String) -> String {
        "https://\(hostPrefix).\(region).\(AWSPartition(region: region).dnsSuffix)"
    }
}
