import AWS
import TimestreamCodec

/// When Timestream refuses a WriteRecords call whole (`ValidationException`) because of some of its records — a
/// label named like a measure already in the table, a time it cannot hold ("Invalid time for record.") — the other
/// records of the call must not be lost with them. Such a call is cut in halves and the halves sent again, the
/// halves still refused cut again, down to the records refused alone: those become rejected records (the answer's
/// 400 names each with its series), everything else is stored.
///
/// Bounded: when every part of a call sent in a round of at least four is refused too (the quarters of a call whose
/// halves both were) and none was stored yet, the record in the middle of each part is sent alone; every one of
/// them refused too is taken as the call's own refusal (its shape, or every record bad — a guess: bad records at
/// exactly those places look the same), and nothing more is sent for it (10 more calls); else the parts go on
/// without those records. At most `maxExtraCalls` calls are sent per refused call (one bad record in 100 takes 14,
/// two up to 26, one in each quarter 42 to 48), past which a part still refused is reported rejected as a whole. A transient or credential failure on the way becomes the call's
/// outcome, so the request is answered as such (503: Prometheus re-sends it, identical records are accepted again).
enum RefusedCallIsolation {
    static let maxExtraCalls = 48

    /// `results` with each call refused whole for its records replaced by what sending its parts found. When every
    /// call of the request was refused with the same message, the first is isolated alone first: if the refusal
    /// turns out to be the call's own (10 calls), each other call's middle and last records are sent alone (two
    /// calls each, not ten): both refused too, that call counts as refused whole; either stored, its other records
    /// are split as any refused call's, so a call with good records among bad ones keeps them even when the first
    /// call was all bad (the last record: a bad series that began in the call before fills the call's start).
    /// - Parameter send: sends calls at once (the request's credentials, deadline and retries) and returns their
    ///   outcomes in order.
    static func isolate(
        calls: [WriteRecordsBody], results: [Result<Void, TimestreamError>],
        send: ([WriteRecordsBody]) -> [Result<Void, TimestreamError>]
    ) -> [Result<Void, TimestreamError>] {
        let refusals = results.compactMap { if case .failure(let error) = $0, isRefusedForItsRecords(error) { error } else { nil } }
        guard refusals.count >= 2, refusals.count == results.count, Set(refusals.map(\.message)).count == 1 else {
            return isolateEach(calls: calls, results: results, send: send)
        }
        let first = isolateEach(calls: [calls[0]], results: [results[0]], send: send)[0]
        let refusedWhole = if case .failure(let error) = first, error == refusals[0] { true } else { false }
        var rest = isolateEach(
            calls: Array(calls.dropFirst()), results: Array(results.dropFirst()), send: send, probeFirst: refusedWhole)
        rest.insert(first, at: 0)
        return rest
    }

    /// - Parameter probeFirst: each refused call's middle and last records are sent alone before anything else of
    ///   it (its refusal is likely the call's own); otherwise its halves are.
    private static func isolateEach(
        calls: [WriteRecordsBody], results: [Result<Void, TimestreamError>],
        send: ([WriteRecordsBody]) -> [Result<Void, TimestreamError>], probeFirst: Bool = false
    ) -> [Result<Void, TimestreamError>] {
        var outcomes = results
        var work: [Int: Isolation] = [:]
        var pending: [Part] = []
        for (index, result) in results.enumerated() {
            guard case .failure(let error) = result, isRefusedForItsRecords(error), calls[index].recordCount > 1 else { continue }
            var isolation = Isolation(refusal: error)
            let records = 0..<calls[index].recordCount
            if probeFirst {
                // The records before the last wait for their middle one; the last is its own probe.
                let held = 0..<records.count - 1
                let middle = held.count / 2
                isolation.extraCalls = 2
                isolation.held = [held]
                isolation.probesLeft = 2
                pending.append(Part(call: index, records: middle..<middle + 1, isProbe: true))
                pending.append(Part(call: index, records: held.upperBound..<records.upperBound, isProbe: true))
            } else {
                isolation.extraCalls = 2
                pending += halves(of: records, call: index)
            }
            work[index] = isolation
        }
        while !pending.isEmpty {
            var bodies: [WriteRecordsBody] = []
            var sent: [Part] = []
            for part in pending {
                guard let body = calls[part.call].subset(part.records) else {
                    if part.isProbe {
                        // Its held parts would wait forever: with nothing stored yet, the call stays refused whole.
                        let refusal = work[part.call]?.refusal
                        work[part.call]?.abandoned = refusal
                    } else {
                        work[part.call]?.unresolved(part.records, because: "its records could not be split out")
                    }
                    continue
                }
                bodies.append(body)
                sent.append(part)
            }
            pending = []
            let answers = bodies.isEmpty ? [] : send(bodies)
            // Every one of at least four parts of a call refused before anything of it was stored: maybe the call's own
            // refusal, not its records'. (Once something was stored, the refusal is its records': split on.)
            var partsSent: [Int: Int] = [:], partsRefused: [Int: Int] = [:]
            for (part, answer) in zip(sent, answers) where !part.isProbe {
                partsSent[part.call, default: 0] += 1
                if case .failure(let error) = answer, isRefusedForItsRecords(error) { partsRefused[part.call, default: 0] += 1 }
            }
            let refusedAsACall = Set(
                partsSent.filter { $0.value >= 4 && partsRefused[$0.key] == $0.value && work[$0.key]?.storedAny == false }.keys)
            for (part, answer) in zip(sent, answers) {
                guard var isolation = work[part.call], isolation.abandoned == nil else { continue }
                defer { work[part.call] = isolation }
                if refusedAsACall.contains(part.call), case .failure(let error) = answer {
                    // A record from the middle of each part is sent alone first (bad records spread over the call
                    // refuse every part too), and the parts wait for what those find; a part of one record is its
                    // own probe, refused.
                    if part.records.count == 1 {
                        isolation.rejected.append(
                            RejectedRecord(recordIndex: part.records.lowerBound, reason: "refused alone (\(error))"))
                    } else {
                        let middle = part.records.lowerBound + part.records.count / 2
                        isolation.held.append(part.records)
                        isolation.probesLeft += 1
                        isolation.extraCalls += 1
                        pending.append(Part(call: part.call, records: middle..<middle + 1, isProbe: true))
                    }
                    continue
                }
                if part.isProbe {
                    isolation.probesLeft -= 1
                    switch answer {
                    case .failure(let error) where isRefusedForItsRecords(error):
                        isolation.rejected.append(
                            RejectedRecord(recordIndex: part.records.lowerBound, reason: "refused alone (\(error))"))
                    case .failure(let error) where error.rejectedRecords.isEmpty: isolation.abandoned = error
                    case .failure(let error):
                        isolation.storedAny = true
                        if let record = error.rejectedRecords.first {
                            isolation.rejected.append(RejectedRecord(recordIndex: part.records.lowerBound, reason: record.reason))
                        }
                    case .success: isolation.storedAny = true
                    }
                    guard isolation.probesLeft == 0, isolation.abandoned == nil else { continue }
                    guard isolation.storedAny else {
                        // Every middle record refused alone as well: taken as the call's own refusal (or every
                        // record bad). A guess: bad records exactly at every middle would be taken so too.
                        isolation.abandoned = isolation.refusal
                        continue
                    }
                    // The parts go on without their middle records, whose fate is known.
                    for held in isolation.held {
                        let middle = held.lowerBound + held.count / 2
                        for rest in [held.lowerBound..<middle, (middle + 1)..<held.upperBound] where !rest.isEmpty {
                            if isolation.extraCalls < maxExtraCalls {
                                isolation.extraCalls += 1
                                pending.append(Part(call: part.call, records: rest))
                            } else {
                                isolation.unresolved(rest, because: "refused with the others of a group of \(rest.count) (\(isolation.refusal)), not split further")
                            }
                        }
                    }
                    isolation.held = []
                    continue
                }
                switch answer {
                case .success: isolation.storedAny = true
                case .failure(let error) where !error.rejectedRecords.isEmpty:
                    isolation.storedAny = true
                    for record in error.rejectedRecords where record.recordIndex < part.records.count {
                        isolation.rejected.append(
                            RejectedRecord(recordIndex: part.records.lowerBound + record.recordIndex, reason: record.reason))
                    }
                case .failure(let error) where isRefusedForItsRecords(error):
                    if part.records.count == 1 {
                        isolation.rejected.append(
                            RejectedRecord(recordIndex: part.records.lowerBound, reason: "refused alone (\(error))"))
                    } else if isolation.extraCalls + 2 <= maxExtraCalls {
                        isolation.extraCalls += 2
                        pending += halves(of: part.records, call: part.call)
                    } else {
                        isolation.unresolved(part.records, because: "refused with the others of a group of \(part.records.count) (\(error)), not split further")
                    }
                case .failure(let error):
                    isolation.abandoned = error
                }
            }
            pending.removeAll { work[$0.call]?.abandoned != nil }
        }
        for (index, isolation) in work {
            if let abandoned = isolation.abandoned {
                outcomes[index] = .failure(abandoned)
            } else if isolation.rejected.isEmpty {
                outcomes[index] = .success(())
            } else {
                var refusal = isolation.refusal
                refusal.rejectedRecords = isolation.rejected.sorted { $0.recordIndex < $1.recordIndex }
                outcomes[index] = .failure(refusal)
            }
        }
        return outcomes
    }

    /// A whole-call refusal that may be its records' doing: Timestream's `ValidationException` without a record list.
    static func isRefusedForItsRecords(_ error: TimestreamError) -> Bool {
        error.code == "ValidationException" && error.rejectedRecords.isEmpty && !error.isRetryable && !error.isAuthFailure
    }

    /// Records `records` of call `call`, sent on their own; a probe is one record sent to tell a call's own
    /// refusal from its records'.
    private struct Part {
        var call: Int
        var records: Range<Int>
        var isProbe = false
    }

    private static func halves(of records: Range<Int>, call: Int) -> [Part] {
        let middle = records.lowerBound + records.count / 2
        return [Part(call: call, records: records.lowerBound..<middle), Part(call: call, records: middle..<records.upperBound)]
    }

    /// What is known of one refused call so far.
    private struct Isolation {
        var refusal: TimestreamError
        var rejected: [RejectedRecord] = []
        /// Calls sent or queued for it so far.
        var extraCalls = 0
        /// Some part of it was stored or answered record by record (`RejectedRecords`): its refusal is its records'.
        var storedAny = false
        /// The outcome for the whole call when isolating stopped (a transient failure, or the call's own refusal).
        var abandoned: TimestreamError? = nil
        /// Parts waiting for the probes of their middle records, and how many probes are unanswered.
        var held: [Range<Int>] = []
        var probesLeft = 0

        init(refusal: TimestreamError) { self.refusal = refusal }

        /// Records whose fate stays unknown: not stored, reported as rejected with `reason`.
        mutating func unresolved(_ records: Range<Int>, because reason: String) {
            for index in records { rejected.append(RejectedRecord(recordIndex: index, reason: reason)) }
        }
    }
}
