import Testing

@testable import StandaloneServer

@Suite struct AdmissionLimitTests {
    @Test func admitsUpToTheLimitThenRefusesUntilOneLeaves() {
        let limit = AdmissionLimit(limit: 2)
        #expect(limit.enter() && limit.enter())
        #expect(!limit.enter())
        #expect(limit.inFlight == 2)
        limit.leave()
        #expect(limit.enter())
        #expect(!limit.enter())
    }

    @Test func readinessEndsWithShutdown() {
        let limit = AdmissionLimit(limit: 1)
        #expect(limit.isAccepting)
        limit.stopAccepting()
        #expect(!limit.isAccepting)
    }

    @Test func requestIDsAreDistinct() {
        let ids = RequestIDs(prefix: "p")
        #expect(ids.next() == "p-1")
        #expect(ids.next() == "p-2")
    }
}
