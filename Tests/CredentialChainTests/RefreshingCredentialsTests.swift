@testable import AWS
import Foundation
import Synchronization
import Testing

@testable import CredentialChain

/// Refresh ahead of expiry on a clock the test moves, with background work the test runs itself.
@Suite struct RefreshingCredentialsTests {
    let clock = TestClock()
    let background = ManualBackground()

    let warnings = Warnings()

    /// What the credentials reported through `warn`.
    final class Warnings: Sendable {
        private let lines = Mutex<[String]>([])
        func append(_ line: String) { lines.withLock { $0.append(line) } }
        func withLock<T>(_ body: ([String]) -> T) -> T { lines.withLock { body($0) } }
    }

    /// `extendedBy`: how long statically stable keys are used past a failure (random as in production when nil).
    func cache(_ provider: any CredentialProvider, extendedBy: Int64? = nil) -> RefreshingCredentials {
        var fixed: (@Sendable () -> Int64)? = nil
        if let extendedBy { fixed = { extendedBy } }
        return RefreshingCredentials(
            provider: provider, now: clock.function, startInBackground: background.start,
            warn: { [warnings] message in warnings.append(message) }, extensionMilliseconds: fixed)
    }

    @Test func longTermKeysAreFetchedOnce() throws {
        let provider = ScriptedProvider([.success(keys(1))])
        let credentials = cache(provider)
        for _ in 0..<3 {
            #expect(try credentials.current().get().accessKeyID == "ASIA1")
            clock.advance(seconds: 86_400)
        }
        #expect(provider.fetches == 1)
        #expect(background.pending == 0)
    }

    @Test func refreshStartsInTheBackgroundFiveMinutesBeforeExpiryWithoutStallingRequests() throws {
        let expiry = clock.now + 3_600_000
        let provider = ScriptedProvider([.success(keys(1, expiresAt: expiry)), .success(keys(2, expiresAt: expiry + 3_600_000))])
        let credentials = cache(provider)
        #expect(try credentials.current().get().accessKeyID == "ASIA1")
        clock.advance(seconds: 3_600 - 5 * 60 - 1)  // one second before the margin
        #expect(try credentials.current().get().accessKeyID == "ASIA1")
        #expect(background.pending == 0)
        clock.advance(seconds: 2)  // inside the margin: old keys answer, one refresh is scheduled
        #expect(try credentials.current().get().accessKeyID == "ASIA1")
        #expect(try credentials.current().get().accessKeyID == "ASIA1")
        #expect(background.pending == 1)
        #expect(provider.fetches == 1)
        background.runAll()
        #expect(provider.fetches == 2)
        #expect(try credentials.current().get().accessKeyID == "ASIA2")
        #expect(background.pending == 0)
    }

    @Test func aFailedBackgroundRefreshKeepsTheOldKeysAndRetriesLater() throws {
        let expiry = clock.now + 600_000
        let failure = CredentialProviderError(source: "scripted source", reason: "endpoint down")
        let provider = ScriptedProvider([
            .success(keys(1, expiresAt: expiry)), .failure(failure), .success(keys(2, expiresAt: expiry + 3_600_000)),
        ])
        let credentials = cache(provider)
        _ = credentials.current()
        clock.advance(seconds: 301)  // inside the 5-minute margin
        #expect(try credentials.current().get().accessKeyID == "ASIA1")
        background.runAll()  // fails
        #expect(credentials.lastError == failure)
        #expect(try credentials.current().get().accessKeyID == "ASIA1")
        #expect(background.pending == 0)  // no retry before retryAfterFailure
        clock.advance(seconds: 10)
        #expect(try credentials.current().get().accessKeyID == "ASIA1")
        #expect(background.pending == 1)
        background.runAll()
        #expect(try credentials.current().get().accessKeyID == "ASIA2")
        #expect(credentials.lastError == nil)
    }

    @Test func keysAboutToExpireAreReplacedBeforeTheRequestIsSigned() throws {
        let expiry = clock.now + 600_000
        let provider = ScriptedProvider([.success(keys(1, expiresAt: expiry)), .success(keys(2, expiresAt: expiry + 3_600_000))])
        let credentials = cache(provider)
        _ = credentials.current()
        clock.advance(seconds: 600 - 59)  // within a minute of expiry and no background refresh has run
        #expect(try credentials.current().get().accessKeyID == "ASIA2")
        #expect(provider.fetches == 2)
    }

    @Test func aFailureWithNoUsableKeysNamesTheSource() {
        let failure = CredentialProviderError(source: "scripted source", reason: "endpoint down")
        let provider = ScriptedProvider([.failure(failure)])
        let credentials = cache(provider)
        #expect(credentials.current() == .failure(failure))
        #expect("\(failure)" == "scripted source: endpoint down")
        // Requests right after a failed fetch get its error without waiting on the source again…
        clock.advance(seconds: 9)
        #expect(credentials.current() == .failure(failure))
        #expect(provider.fetches == 1)
        // …and the source is asked again once retryAfterFailure has passed.
        clock.advance(seconds: 1)
        #expect(credentials.current() == .failure(failure))
        #expect(provider.fetches == 2)
    }

    /// A source that answers with the same keys near their expiry (a caching credential_process, a degraded IMDS)
    /// is asked once per retryAfterFailure, not on every request; its keys serve until they expire, and keys that
    /// have expired when they arrive are a failure.
    @Test func aSourceRepeatingNearExpiryKeysIsNotAskedOnEveryRequest() throws {
        let expiry = clock.now + 600_000
        let provider = ScriptedProvider([.success(keys(1, expiresAt: expiry))])  // the same keys every time
        let credentials = cache(provider)
        _ = credentials.current()
        clock.advance(seconds: 301)  // inside the 5-minute margin
        _ = credentials.current()
        background.runAll()
        #expect(provider.fetches == 2)
        for _ in 0..<5 { #expect(try credentials.current().get().accessKeyID == "ASIA1") }
        #expect(background.pending == 0)  // no new refresh before retryAfterFailure
        clock.advance(seconds: 10)
        _ = credentials.current()
        #expect(background.pending == 1)
        background.runAll()
        #expect(provider.fetches == 3)
        clock.advance(seconds: 230)  // 59 s before expiry: one request asks, the next ones use its answer
        for _ in 0..<5 { #expect(try credentials.current().get().accessKeyID == "ASIA1") }
        #expect(provider.fetches == 4)
        clock.advance(seconds: 60)  // expired: asked again, and the same keys are now a failure
        guard case .failure(let error) = credentials.current() else {
            Issue.record("expired keys were used")
            return
        }
        #expect(error.reason == "the credentials it returned expired at epoch ms \(expiry)")
        #expect(provider.fetches == 5)
    }

    /// A source that hands out new keys each time, each living less than the 5-minute margin (a credential_process
    /// issuing short sessions): asked again once per retryAfterFailure, not on every request.
    @Test func shortLivedNewKeysAreNotFetchedOnEveryRequest() throws {
        let provider = ScriptedProvider((1...30).map { .success(keys($0, expiresAt: clock.now + 120_000)) })
        let credentials = cache(provider)
        for _ in 0..<20 {
            _ = try credentials.current().get()
            background.runAll()
        }
        #expect(provider.fetches == 1, "the first request's fetch serves them all: \(provider.fetches)")
        clock.advance(seconds: 10)
        #expect(try credentials.current().get().accessKeyID == "ASIA1")
        background.runAll()
        #expect(provider.fetches == 2)
        #expect(try credentials.current().get().accessKeyID == "ASIA2")
    }

    /// Instance metadata down when its keys expire: the SDKs keep signing with them, 5 to 15 minutes at a time,
    /// until it answers again; any other source's failure leaves no keys.
    @Test(arguments: [true, false])
    func anOutageOfAStaticallyStableSourceKeepsItsKeysInUse(staticallyStable: Bool) throws {
        let failure = CredentialProviderError(source: "scripted source", reason: "endpoint down")
        let provider = ScriptedProvider(
            [.success(keys(1, expiresAt: clock.now + 600_000)), .failure(failure), .failure(failure),
             .success(keys(2, expiresAt: clock.now + 7_200_000))],
            staticallyStable: staticallyStable)
        let credentials = cache(provider)
        #expect(try credentials.current().get().accessKeyID == "ASIA1")
        clock.advance(seconds: 601)  // expired, the background refresh never ran
        guard staticallyStable else {
            #expect(credentials.current() == .failure(failure))
            return
        }
        #expect(try credentials.current().get().accessKeyID == "ASIA1")
        #expect(provider.fetches == 2 && credentials.lastError == failure)
        let extended = try #require(credentials.keptUsableUntil) - clock.now
        #expect(RefreshingCredentials.staticStabilityMilliseconds.contains(extended), "\(extended) ms")
        #expect(warnings.withLock { $0.count } == 1)
        #expect(warnings.withLock { $0.first?.contains("scripted source: endpoint down; its keys are used until epoch ms") } == true)
        clock.advance(seconds: extended / 1000 + 1)  // past the extension, still down: extended again
        #expect(try credentials.current().get().accessKeyID == "ASIA1")
        #expect(provider.fetches == 3)
        #expect(try RefreshingCredentials.staticStabilityMilliseconds.contains(#require(credentials.keptUsableUntil) - clock.now))
        #expect(warnings.withLock { $0.count } == 2)
        clock.advance(seconds: 15 * 60)  // back up
        #expect(try credentials.current().get().accessKeyID == "ASIA2")
        #expect(credentials.lastError == nil)
    }

    /// One failed background refresh of statically stable keys five minutes before they expire: the next one, ten
    /// seconds later, still runs (the extension does not postpone it), so the new keys arrive before the old expire.
    @Test func anExtensionDoesNotPostponeTheNextRefresh() throws {
        let expiry = clock.now + 600_000
        let provider = ScriptedProvider(
            [.success(keys(1, expiresAt: expiry)), .failure(CredentialProviderError(source: "scripted source", reason: "blip")),
             .success(keys(2, expiresAt: expiry + 3_600_000))],
            staticallyStable: true)
        let credentials = cache(provider, extendedBy: 15 * 60_000)
        _ = credentials.current()
        clock.advance(seconds: 301)  // inside the margin
        #expect(try credentials.current().get().accessKeyID == "ASIA1")
        background.runAll()  // fails: the keys now sign until 15 minutes from now
        #expect(credentials.keptUsableUntil == clock.now + 15 * 60_000)
        clock.advance(seconds: 10)
        #expect(try credentials.current().get().accessKeyID == "ASIA1")
        #expect(background.pending == 1)
        background.runAll()
        #expect(try credentials.current().get().accessKeyID == "ASIA2")
        #expect(credentials.keptUsableUntil == expiry + 3_600_000)
    }

    /// A statically stable source handing out the same expired keys on every refresh: they keep their extension
    /// while it has more than the margin left (one warning, not one every ten seconds), and get another after.
    @Test func theSameExpiredKeysAgainKeepTheirExtension() throws {
        let provider = ScriptedProvider([.success(keys(1, expiresAt: clock.now - 1_000))], staticallyStable: true)
        let credentials = cache(provider, extendedBy: 10 * 60_000)
        #expect(try credentials.current().get().accessKeyID == "ASIA1")
        let until = try #require(credentials.keptUsableUntil)
        for _ in 0..<6 {  // a minute of background refreshes, each handing out the same keys
            clock.advance(seconds: 10)
            #expect(try credentials.current().get().accessKeyID == "ASIA1")
            background.runAll()
        }
        #expect(provider.fetches == 7)
        #expect(credentials.keptUsableUntil == until)
        #expect(warnings.withLock { $0.count } == 1)
        clock.advance(seconds: 4 * 60 + 1)  // less than the margin left: extended again
        _ = credentials.current()
        background.runAll()
        #expect(try #require(credentials.keptUsableUntil) == clock.now + 10 * 60_000)
        #expect(warnings.withLock { $0.count } == 2)
    }

    /// Keys a statically stable source hands out already expired (as IMDS does during an outage) are used for a
    /// few minutes; from any other source they are a failure.
    @Test(arguments: [true, false])
    func expiredKeysAreUsedOnlyFromAStaticallyStableSource(staticallyStable: Bool) throws {
        let provider = ScriptedProvider([.success(keys(1, expiresAt: clock.now - 1_000))], staticallyStable: staticallyStable)
        let credentials = cache(provider)
        let outcome = credentials.current()
        if staticallyStable {
            #expect(try outcome.get().accessKeyID == "ASIA1")
            #expect(try RefreshingCredentials.staticStabilityMilliseconds.contains(#require(credentials.keptUsableUntil) - clock.now))
        } else {
            guard case .failure(let error) = outcome else {
                Issue.record("expired keys were used: \(outcome)")
                return
            }
            #expect(error.reason.contains("the credentials it returned expired"), "\(error)")
        }
    }

    @Test(.timeLimit(.minutes(1))) func theRealBackgroundThreadRuns() throws {
        let expiry = clock.now + 100_000  // already inside the margin
        let provider = ScriptedProvider([.success(keys(1, expiresAt: expiry)), .success(keys(2, expiresAt: expiry + 3_600_000))])
        let credentials = RefreshingCredentials(provider: provider, now: clock.function)
        #expect(try credentials.current().get().accessKeyID == "ASIA1")  // fetched; schedules nothing yet
        clock.advance(seconds: 10)  // keys that arrived inside the margin: the source is asked again after 10 s
        #expect(try ["ASIA1", "ASIA2"].contains(credentials.current().get().accessKeyID))  // schedules the thread
        // No timing assumption: wait (without a deadline) until the thread has stored the new keys.
        while (try? credentials.current().get().accessKeyID) != "ASIA2" { usleep(1_000) }
        #expect(provider.fetches == 2)
    }

    /// A source that takes its time (a `credential_process` of up to a minute) while one request fetches from it:
    /// other requests sign with the kept keys while they have not expired, and fail at once after (503), instead
    /// of every worker thread waiting for that one fetch.
    @Test(.timeLimit(.minutes(1))) func noRequestWaitsForAnotherRequestsFetch() throws {
        let expiry = clock.now + 600_000
        let provider = GatedProvider(first: keys(1, expiresAt: expiry), then: keys(2, expiresAt: expiry + 3_600_000))
        let credentials = cache(provider)
        #expect(try credentials.current().get().accessKeyID == "ASIA1")
        clock.advance(seconds: 600 - 59)  // within a minute of expiry, no background refresh run: a request fetches
        let fetcher = Thread { _ = credentials.current() }
        fetcher.start()
        provider.started.wait()  // the fetch is under way and does not return until released
        #expect(try credentials.current().get().accessKeyID == "ASIA1")  // the kept keys still sign
        clock.advance(seconds: 60)  // expired now
        guard case .failure(let error) = credentials.current() else {
            Issue.record("expired keys were used")
            return
        }
        #expect(error.reason.contains("another request fetches them"), "\(error)")
        provider.release.signal()
        while (try? credentials.current().get().accessKeyID) != "ASIA2" { usleep(1_000) }
        #expect(provider.fetches == 2)
    }

    /// A fetch that fails in the last minute of the kept keys: they keep signing until they expire (a 503 for every
    /// request meanwhile would be an outage of up to a minute for nothing).
    @Test func aFailedFetchInTheLastMinuteKeepsTheKeptKeys() throws {
        let expiry = clock.now + 600_000
        let failure = CredentialProviderError(source: "scripted source", reason: "endpoint down")
        let provider = ScriptedProvider([.success(keys(1, expiresAt: expiry)), .failure(failure)])
        let credentials = cache(provider)
        _ = credentials.current()
        clock.advance(seconds: 600 - 59)
        #expect(try credentials.current().get().accessKeyID == "ASIA1")  // fetched, failed: the kept keys
        #expect(provider.fetches == 2)
        clock.advance(seconds: 5)
        #expect(try credentials.current().get().accessKeyID == "ASIA1")  // within retryAfterFailure: not asked
        #expect(provider.fetches == 2)
        clock.advance(seconds: 54)
        #expect(credentials.current() == .failure(failure))  // expired, the source still down
    }

    /// A background refresh queued while a request's own fetch answered: it does not ask the source again.
    @Test func aBackgroundRefreshAfterARequestsFetchIsSkipped() throws {
        let expiry = clock.now + 600_000
        let provider = ScriptedProvider([
            .success(keys(1, expiresAt: expiry)), .success(keys(2, expiresAt: expiry + 3_600_000)),
        ])
        let credentials = cache(provider)
        _ = credentials.current()
        clock.advance(seconds: 301)
        _ = credentials.current()  // schedules a background refresh
        #expect(background.pending == 1)
        clock.advance(seconds: 600 - 301 - 59)  // the refresh has not run; a request fetches in the last minute
        #expect(try credentials.current().get().accessKeyID == "ASIA2")
        background.runAll()
        #expect(provider.fetches == 2)
    }
}

/// A source whose first answer is immediate and whose second waits until the test releases it.
final class GatedProvider: CredentialProvider {
    let name = "gated source"
    let isStaticallyStable = false
    let started = DispatchSemaphore(value: 0)
    let release = DispatchSemaphore(value: 0)
    private let answers: Mutex<(first: ExpiringCredentials, then: ExpiringCredentials, fetches: Int)>
    init(first: ExpiringCredentials, then: ExpiringCredentials) { answers = Mutex((first, then, 0)) }
    var fetches: Int { answers.withLock { $0.fetches } }
    func fetch() throws(CredentialProviderError) -> ExpiringCredentials {
        let (count, answer) = answers.withLock { state in
            state.fetches += 1
            return (state.fetches, state.fetches == 1 ? state.first : state.then)
        }
        if count == 2 {
            started.signal()
            release.wait()
        }
        return answer
    }
}
