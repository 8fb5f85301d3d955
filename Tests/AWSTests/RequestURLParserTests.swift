@testable import AWS
import TestSupport
import Testing

/// `RequestURL` parses ASCII URLs over bytes and others over Characters: both must read every URL alike.
@Suite struct RequestURLParserTests {
    @Test func byteAndCharacterParsersAgree() {
        var random = SplitMix64(seed: 0x0055_524C_5041_5253)
        let pieces = [
            "http", "https", "HTTPS", "ftp", "://", ":", "/", "//", "?", "#", "@", "[", "]", "::1", "example.com",
            "Host.Example", "80", "443", "+8443", "65536", "0", "-1", "a", "%2F", "=", "&", ".", "..", " ", "\r\n",
        ]
        var urls = [
            "https://ingest-cell1.timestream.us-east-1.amazonaws.com/", "http://127.0.0.1:5055/", "https://[::1]:8443",
            "https://x.example:443/a?b#c", "https://a@b/", "https://:80/", "http://host:/", "https://h:+80/p",
            "", "://", "https://", "https://h#frag/with?q", "HTTP://UPPER.CASE:0080/Path?Q=1",
        ]
        let schemes = ["http://", "https://", "HtTpS://", "https:/", ""]
        for _ in 0..<3000 {
            let tail = (0..<random.next(below: 9)).map { _ in pieces[random.next(below: pieces.count)] }.joined()
            urls.append(schemes[random.next(below: schemes.count)] + tail)
        }
        #expect(urls.filter { RequestURL($0) != nil }.count > 500)  // most of them parse: the fields are compared
        for url in urls {
            #expect(RequestURL(url) == RequestURL(characters: url), "\(url.debugDescription)")
        }
    }
}
