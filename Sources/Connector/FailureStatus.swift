import AWS

/// The one mapping from Timestream failures to HTTP statuses, for writes and reads alike (remote-write spec:
/// 5xx only for what a retry can fix, 4xx only when re-sending can never succeed):
/// - transient (throttling, 5xx, network, no time left) → 503 + `Retry-After`, so Prometheus retries;
/// - a signing time AWS refused (this host's clock is off) → 500, whoever's key;
/// - refused credentials → 403 (the caller's basic-auth key), or 500 when the function's own role was refused
///   (a deployment error: Prometheus keeps the data and retries while the operator fixes the policy);
/// - a missing database or table, endpoint discovery refused (wrong region or discovery URL), a 4xx that is
///   not an AWS error answer (a wrong endpoint URL, a proxy), or a request that could not be sent or was not
///   understood (`isNotAboutTheData`) → 500 (deployment errors too);
/// - anything else Timestream refuses → nil here: the caller answers 400 with Timestream's reason.
enum FailureStatus {
    enum Operation {
        case write, read

        var permission: String { self == .write ? "timestream:WriteRecords" : "timestream:Select and timestream:DescribeTable" }
    }

    /// The answer decided by the most serious of `failures` (of `total` calls), or nil when none of them is
    /// transient, an authorization failure, a missing table or a refused endpoint discovery.
    /// - Parameter stored: for writes, what was and was not stored (`WriteReply.storedSentence`).
    static func answer(
        for failures: [TimestreamError], of total: Int, _ operation: Operation, usingFunctionRole: Bool,
        stored: String? = nil
    ) -> ServiceResponse? {
        let storedSuffix = stored.map { ". \($0)" } ?? ""
        if let transient = failures.first(where: { $0.isRetryable }) {
            let message: String
            switch operation {
            case .write:
                let count = failures.filter(\.isRetryable).count
                message =
                    "\(count) of \(total) Timestream writes failed transiently (\(transient)); "
                    + (stored.map { "\($0). Nothing is lost: Prometheus will retry" } ?? "nothing is lost, Prometheus will retry")
            case .read:
                message = "Timestream query failed transiently (\(transient)); retry the query"
            }
            return .retryLater(message)
        }
        if let skew = failures.first(where: { $0.isClockSkew }) {
            // Not the caller's key: every request fails the same way until the clock is fixed, and a 403 would make
            // Prometheus drop each batch meanwhile.
            return .text(500, "AWS refused the request's time (\(skew)): this host's clock is more than 5 minutes off; fix its time sync (NTP), Prometheus keeps the data meanwhile\(storedSuffix)")
        }
        if let auth = failures.first(where: { $0.isAuthFailure }) {
            if usingFunctionRole {
                return .text(500, "Timestream refused the function's role (\(auth)): grant it \(operation.permission) on the table and timestream:DescribeEndpoints\(storedSuffix)")
            }
            return .text(403, "Timestream refused the credentials (\(auth)): check the access key in basic_auth or the function's IAM policy\(storedSuffix)")
        }
        if let missing = failures.first(where: \.isMissingTable) {
            // A 4xx would make Prometheus drop the data while the operator creates the table.
            return .text(500, "Timestream database or table not found (\(missing)): create it or fix default_database/default_table\(storedSuffix)")
        }
        if let discovery = failures.first(where: { $0.isDiscoveryFailure }) {
            // The same: a wrong region or discovery endpoint is fixed by the operator, the data must wait for it.
            return .text(500, "Timestream endpoint discovery (DescribeEndpoints) failed (\(discovery)): check the region and write_base_endpoint / query_base_endpoint / AWS_ENDPOINT_URL…\(storedSuffix)")
        }
        if let foreign = failures.first(where: { $0.isNotAnAWSAnswer }) {
            // Not Timestream's word on the data: the endpoint or a proxy in front of it is misconfigured.
            return .text(500, "the \(operation == .write ? "write" : "query") endpoint answered without an AWS error (\(foreign)): it is not Timestream; check write_base_endpoint / query_base_endpoint / AWS_ENDPOINT_URL… and any proxy in between\(storedSuffix)")
        }
        if let unsendable = failures.first(where: \.isNotAboutTheData) {
            // Re-sending the same data cannot help, and nothing in it is at fault: a configuration to fix.
            return .text(500, "the \(operation == .write ? "write" : "query") request could not be sent or was not understood (\(unsendable)): nothing in the data is at fault; check region, write_base_endpoint / query_base_endpoint / AWS_ENDPOINT_URL…\(storedSuffix)")
        }
        return nil
    }
}
