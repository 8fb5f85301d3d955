import CCurl

/// State of one request while libcurl runs it: the header list and what the callbacks collect. (The body is the
/// caller's own array, pinned for the transfer's life by `HTTPClient.sendAll`.)
/// libcurl reaches it through `WRITEDATA`/`HEADERDATA` as an unretained pointer, so the engine keeps the
/// `Transfer` alive until the easy handle has left the multi handle.
final class Transfer {
    /// Position of the request in the caller's array.
    let index: Int
    let maxBodyBytes: Int
    private(set) var body: [UInt8] = []
    /// Headers of the last block received (earlier blocks — 1xx, proxy CONNECT — are dropped).
    private(set) var headers: [(name: String, value: String)] = []
    private(set) var bodyLimitExceeded = false
    /// `CURLOPT_HTTPHEADER` list; libcurl does not copy it either.
    var headerList: UnsafeMutablePointer<curl_slist>?

    init(index: Int, maxBodyBytes: Int) {
        self.index = index
        self.maxBodyBytes = maxBodyBytes
    }

    deinit {
        curl_slist_free_all(headerList)
    }

    func response(status: Int) -> HTTPResponse {
        HTTPResponse(status: status, headers: headers, body: body)
    }

    /// Appends body bytes; `false` once the body would exceed `maxBodyBytes` (libcurl then aborts).
    fileprivate func receiveBody(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard body.count + bytes.count <= maxBodyBytes else {
            bodyLimitExceeded = true
            return false
        }
        body.append(contentsOf: bytes)
        return true
    }

    fileprivate func receiveHeaderLine(_ bytes: UnsafeBufferPointer<UInt8>) {
        switch ResponseHeaderLine(bytes) {
        case .statusLine: headers.removeAll(keepingCapacity: true)
        case .field(let name, let value):
            headers.append((name, value))
            // One allocation for the whole body instead of doubling copies (a 1 MB Query page grew through ~8
            // reallocations, and their page faults were a sixth of a large read's CPU).
            if body.isEmpty, name.utf8.count == 14, asciiCaseInsensitiveEquals(name, "content-length"), let length = Int(value),
                length > 0
            {
                body.reserveCapacity(min(length, maxBodyBytes))
            }
        case .continuation(let more):
            if let last = headers.indices.last { headers[last].value += " " + more }
        case .other: break
        }
    }
}

/// `CURLOPT_WRITEFUNCTION`: non-capturing (a C function pointer); the `Transfer` arrives as `userdata`.
/// Returning anything but `size * count` makes libcurl abort with `CURLE_WRITE_ERROR`.
let transferWriteCallback: ccurl_data_fn = { pointer, size, count, userdata in
    let length = size * count
    guard let userdata else { return 0 }
    guard let pointer, length > 0 else { return length }
    let transfer = Unmanaged<Transfer>.fromOpaque(userdata).takeUnretainedValue()
    let accepted = pointer.withMemoryRebound(to: UInt8.self, capacity: length) {
        transfer.receiveBody(UnsafeBufferPointer(start: $0, count: length))
    }
    return accepted ? length : 0
}

/// `CURLOPT_HEADERFUNCTION`: called once per complete header line, status lines and blank lines included.
let transferHeaderCallback: ccurl_data_fn = { pointer, size, count, userdata in
    let length = size * count
    guard let userdata else { return 0 }
    guard let pointer, length > 0 else { return length }
    let transfer = Unmanaged<Transfer>.fromOpaque(userdata).takeUnretainedValue()
    pointer.withMemoryRebound(to: UInt8.self, capacity: length) {
        transfer.receiveHeaderLine(UnsafeBufferPointer(start: $0, count: length))
    }
    return length
}
