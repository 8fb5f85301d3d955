@testable import AWS
@testable import CurlHTTP
import Foundation
import TestSupport
import Testing

/// Discovery hosts carry the DNS suffix of the region's partition; the partition table agrees with botocore's.
@Suite struct AWSPartitionTests {
    static let regions = [
        "us-east-1", "eu-west-1", "ap-southeast-2", "sa-east-1", "il-central-1", "mx-central-1", "cn-north-1",
        "cn-northwest-1", "us-gov-west-1", "us-gov-east-1", "us-iso-east-1", "us-iso-west-1", "us-isob-east-1",
        "eu-isoe-west-1", "us-isof-south-1", "eusc-de-east-1",
    ]

    @Test(arguments: [
        ("us-east-1", "aws", "amazonaws.com"), ("eu-central-1", "aws", "amazonaws.com"),
        ("cn-north-1", "aws-cn", "amazonaws.com.cn"), ("cn-northwest-1", "aws-cn", "amazonaws.com.cn"),
        ("us-gov-west-1", "aws-us-gov", "amazonaws.com"), ("us-iso-east-1", "aws-iso", "c2s.ic.gov"),
        ("us-isob-east-1", "aws-iso-b", "sc2s.sgov.gov"),
    ])
    func partitionOfRegion(region: String, name: String, suffix: String) {
        #expect(AWSPartition(region: region) == AWSPartition(name: name, dnsSuffix: suffix))
    }

    /// STS, Secrets Manager and Timestream discovery: one rule for a regional host, the partition's DNS suffix.
    @Test func regionalEndpointsCarryThePartitionsSuffix() throws {
        #expect(AWSPartition.regionalEndpoint("sts", region: "cn-north-1") == "https://sts.cn-north-1.amazonaws.com.cn")
        #expect(AWSPartition.regionalEndpoint("secretsmanager", region: "us-gov-west-1") == "https://secretsmanager.us-gov-west-1.amazonaws.com")
        #expect(AWSPartition.regionalEndpoint("ingest.timestream", region: "eu-west-1") == "https://ingest.timestream.eu-west-1.amazonaws.com")
        let secrets = try SecretsManagerClient(transport: ScriptedTransport { _, _ in .failure(.other(code: 0, message: "unused")) },
                                               region: "cn-northwest-1", environment: [:])
        #expect(secrets.endpoint == "https://secretsmanager.cn-northwest-1.amazonaws.com.cn")
    }

    @Test func agreesWithBotocoresPartitionTable() throws {
        let output = try Oracle.run(
            "aws_partitions.py", input: [UInt8](try JSONSerialization.data(withJSONObject: Self.regions)))
        let answers = try JSONSerialization.jsonObject(with: Data(output)) as! [[String: Any]]
        #expect(answers.count == Self.regions.count)
        for (region, answer) in zip(Self.regions, answers) {
            let partition = AWSPartition(region: region)
            #expect(partition.name == answer["partition"] as? String, "\(region)")
            #expect(partition.dnsSuffix == answer["dnsSuffix"] as? String, "\(region)")
        }
        // Where Timestream for LiveAnalytics is offered (documented in README's "AWS partitions").
        let offered = zip(Self.regions, answers).filter { $0.1["timestream"] as? Bool == true }.map(\.0)
        #expect(offered.contains("us-east-1") && offered.contains("us-gov-west-1"))
        #expect(!offered.contains { $0.hasPrefix("cn-") || $0.hasPrefix("us-iso") })
    }

    @Test(arguments: [
        ("cn-north-1", "https://ingest.timestream.cn-north-1.amazonaws.com.cn/"),
        ("us-gov-west-1", "https://ingest.timestream.us-gov-west-1.amazonaws.com/"),
        ("us-iso-east-1", "https://ingest.timestream.us-iso-east-1.c2s.ic.gov/"),
        ("eu-west-1", "https://ingest.timestream.eu-west-1.amazonaws.com/"),
    ])
    func discoveryUsesThePartitionsHostAndSignsForTheRegion(region: String, url: String) {
        let transport = ScriptedTransport { request, _ in
            if request.header("X-Amz-Target") == "Timestream_20181101.DescribeEndpoints" {
                let host = String(url.dropFirst("https://ingest.".count).dropLast())
                return json(200, #"{"Endpoints":[{"Address":"ingest-cell1.\#(host)","CachePeriodInMinutes":1}]}"#)
            }
            return json(200, writeSuccess)
        }
        let clock = FakeClock()
        let client = TimestreamClient(
            transport: transport, region: region, endpoints: EndpointConfiguration(), clock: clock, jitter: MaxJitter())
        let results = client.writeRecords(
            [sampleWrite()], credentials: testCredentials, deadline: Deadline(epochMilliseconds: clock.now + 60_000))
        #expect((try? results[0].get()) != nil)
        let discovery = transport.requests(for: "DescribeEndpoints").first
        #expect(discovery?.url == url)
        #expect(discovery?.header("Authorization")?.contains("/\(region)/timestream/aws4_request") == true)
        #expect(transport.requests(for: "WriteRecords").first?.url == url.replacingOccurrences(of: "://ingest.", with: "://ingest-cell1."))
    }

    /// `AWS_USE_FIPS_ENDPOINT=true`: discovery asks the FIPS hosts botocore names
    /// (`ingest.timestream-fips.us-east-1.amazonaws.com`; in GovCloud the regular hosts, which are FIPS there).
    @Test(arguments: [
        ("us-east-1", TimestreamAPI.write, "https://ingest.timestream-fips.us-east-1.amazonaws.com/"),
        ("us-east-2", TimestreamAPI.query, "https://query.timestream-fips.us-east-2.amazonaws.com/"),
        ("us-gov-west-1", TimestreamAPI.query, "https://query.timestream.us-gov-west-1.amazonaws.com/"),
        ("us-gov-west-1", TimestreamAPI.write, "https://ingest.timestream.us-gov-west-1.amazonaws.com/"),
    ])
    func fipsDiscoveryHosts(region: String, api: TimestreamAPI, url: String) {
        let transport = ScriptedTransport { _, _ in json(400, #"{"__type":"AccessDeniedException","message":"stop here"}"#) }
        let clock = FakeClock()
        let client = TimestreamClient(
            transport: transport, region: region, endpoints: EndpointConfiguration(useFIPS: true), clock: clock, jitter: MaxJitter())
        _ = client.resolveEndpoint(api, credentials: testCredentials, timeoutMilliseconds: 1000)
        #expect(transport.requests(for: "DescribeEndpoints").first?.url == url)
    }
}
