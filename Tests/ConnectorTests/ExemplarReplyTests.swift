@testable import Connector

import Testing

/// A Remote-Write 2.0 request with exemplars never gets a 2xx (exemplars are not stored).
@Suite struct ExemplarReplyTests {
    func text(_ reply: ServiceResponse) -> String { reply.bodyText }

    @Test func aSuccessBecomesA400ThatSaysTheSamplesWereWritten() {
        let reply = WriteReply.refusingExemplars(3, after: .noContent)
        #expect(reply.statusCode == 400)
        #expect(text(reply).hasPrefix("3 exemplars were not written"))
        #expect(text(reply).contains("send_exemplars: false") && text(reply).contains("The samples were written"))
    }

    @Test func a400KeepsItsReasonsAfterTheExemplars() {
        let reply = WriteReply.refusingExemplars(1, after: .text(400, "2 series are invalid: x. The other samples were written."))
        #expect(reply.statusCode == 400)
        #expect(text(reply).hasPrefix("1 exemplar was not written: "))
        #expect(text(reply).hasSuffix("2 series are invalid: x. The other samples were written."))
    }

    @Test(arguments: [403, 500, 503])
    func retriesAndDeploymentErrorsAreKept(status: Int) {
        let original = ServiceResponse.text(status, "reason")
        #expect(WriteReply.refusingExemplars(5, after: original) == original)
    }

    @Test func noExemplarsChangeNothing() {
        #expect(WriteReply.refusingExemplars(0, after: .noContent) == .noContent)
    }
}
