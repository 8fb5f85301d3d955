import TimestreamTranslation
import AWS

/// The remote-write answer for a planned request and the outcome of each WriteRecords call, per the
/// remote-write spec: 2xx only when every storable sample was written; failed calls answer as `FailureStatus`
/// maps them (re-sending identical records after a 503 is safe: Timestream accepts identical duplicates);
/// otherwise 400 naming rejected records and invalid series.
enum WriteReply {
    /// - Parameter usingFunctionRole: the calls were signed with the function's role (`enable_sigv4_auth`): a refusal
    ///   is then a deployment error, answered 500 so Prometheus keeps the data and retries, not a caller error.
    static func make(
        plan: WritePlan, results: [Result<Void, TimestreamError>], usingFunctionRole: Bool = false
    ) -> ServiceResponse {
        var failures: [TimestreamError] = []
        for case .failure(let error) in results { failures.append(error) }
        let total = results.count

        if let decided = FailureStatus.answer(for: failures, of: total, .write, usingFunctionRole: usingFunctionRole) {
            return decided
        }
        var reasons: [String] = []
        let rejected = failures.flatMap(\.rejectedRecords)
        if !rejected.isEmpty {
            let listed = rejected.prefix(WriteTranslation.reasonsListed).map { "record \($0.recordIndex): \($0.reason)" }
            reasons.append("Timestream rejected \(rejected.count) records (" + listed.joined(separator: "; ") + ")")
        }
        for error in failures where error.rejectedRecords.isEmpty {
            reasons.append("Timestream refused a write: \(error)")
        }
        if plan.invalidCount > 0 {
            reasons.append("\(plan.invalidCount) series are invalid: " + plan.invalid.joined(separator: "; "))
        }
        if !reasons.isEmpty {
            return .text(400, reasons.joined(separator: ". ") + ". The other samples were written.")
        }
        return .noContent
    }
}
