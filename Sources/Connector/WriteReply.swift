import AWS
import TimestreamCodec
import TimestreamTranslation

/// The remote-write answer for a planned request and the outcome of each WriteRecords call, per the
/// remote-write spec: 2xx only when every storable sample was written; failed calls answer as `FailureStatus`
/// maps them (re-sending identical records after a 503 is safe: Timestream accepts identical duplicates);
/// otherwise 400 naming rejected records, refused calls and invalid series. Every failure says what was stored.
package enum WriteReply {
    /// - Parameter usingFunctionRole: the calls were signed with the function's role (`enable_sigv4_auth`): a refusal
    ///   is then a deployment error, answered 500 so Prometheus keeps the data and retries, not a caller error.
    static func make(
        plan: WritePlan, results: [Result<Void, TimestreamError>], usingFunctionRole: Bool = false
    ) -> ServiceResponse {
        var failures: [TimestreamError] = []
        for case .failure(let error) in results { failures.append(error) }
        let total = results.count
        let stored = storedSentence(plan: plan, counts: WrittenCounts.tally(calls: plan.calls, results: results, stats: plan.stats))

        if let decided = FailureStatus.answer(
            for: failures, of: total, .write, usingFunctionRole: usingFunctionRole, stored: stored)
        {
            return decided
        }
        var reasons: [String] = []
        // A record index counts within its call: each is named with its call's number, in request order, and by
        // the sample it carries (the first few only: reading a body again is for the answer's text).
        var rejected: [String] = []
        for (call, result) in results.enumerated() {
            guard case .failure(let error) = result else { continue }
            for record in error.rejectedRecords {
                var name = "call \(call + 1) of \(total), record \(record.recordIndex)"
                if rejected.count < WriteTranslation.reasonsListed, call < plan.calls.count,
                    let sample = plan.calls[call].recordText(record.recordIndex)
                {
                    name += " (\(sample))"
                }
                rejected.append(name + ": " + record.reason)
            }
        }
        if !rejected.isEmpty {
            let listed = rejected.prefix(WriteTranslation.reasonsListed)
            reasons.append("Timestream rejected \(rejected.count) record\(rejected.count == 1 ? "" : "s") (" + listed.joined(separator: "; ") + ")")
        }
        // A refusal of a whole call (a ValidationException, say): none of its records was stored.
        let refused = failures.filter(\.rejectedRecords.isEmpty)
        if let first = refused.first {
            reasons.append("Timestream refused \(refused.count) of \(total) WriteRecords calls whole (\(first))")
        }
        if plan.invalidCount > 0 {
            reasons.append("\(plan.invalidCount) series are invalid: " + plan.invalid.joined(separator: "; "))
        }
        if !reasons.isEmpty {
            return .text(400, reasons.joined(separator: ". ") + ". " + stored + ".")
        }
        return .noContent
    }

    /// What was and was not stored, exactly: "150 of 250 samples were written; not written: 100 in calls Timestream
    /// refused whole, 3 skipped before writing".
    static func storedSentence(plan: WritePlan, counts: WrittenCounts) -> String {
        var text = "\(counts.records) of \(plan.stats.samplesToWrite) samples were written"
        var missing: [String] = []
        if counts.rejected > 0 { missing.append("\(counts.rejected) rejected by Timestream") }
        if counts.failed > 0 { missing.append("\(counts.failed) in calls Timestream refused whole or that failed") }
        if plan.stats.samplesSkipped > 0 { missing.append("\(plan.stats.samplesSkipped) skipped before writing") }
        if !missing.isEmpty { text += "; not written: " + missing.joined(separator: ", ") }
        return text
    }
}
