@testable import CurlHTTP
import Testing

@Suite struct HTTPMessageTests {
    @Test func headerLookupIgnoresASCIICase() {
        let response = HTTPResponse(status: 200, headers: [("Content-Type", "a"), ("X-Amz-Target", "b")])
        #expect(response.header("content-type") == "a")
        #expect(response.header("X-AMZ-TARGET") == "b")
        #expect(response.header("x-amz-targe") == nil)
        #expect(!asciiCaseInsensitiveEquals("é", "É"))
    }
}
