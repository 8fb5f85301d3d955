import TextCodecs

/// WriteRecords' 2xx answer, `{"RecordsIngested":{"Total":n,"MemoryStore":n,"MagneticStore":n}}`: only its shape is
/// checked. A 2xx without it did not come from Timestream (an endpoint setting that points at another server, a
/// proxy's page), so its records must not count as stored. The counts are not compared with the call's records:
/// the API reference does not say whether re-sent identical records (a retry) count as ingested.
/// https://docs.aws.amazon.com/timestream/latest/developerguide/API_WriteRecords.html#API_WriteRecords_ResponseSyntax
enum WriteRecordsResponse {
    static func isIngested(_ body: [UInt8]) -> Bool {
        body.withUnsafeBufferPointer { bytes in
            var scanner = JSONScanner(bytes)
            var ingested = false
            do {
                try scanner.forEachMember { (scanner, name) throws(JSONScanner.Malformed) in
                    if name == "RecordsIngested" {
                        try scanner.forEachMember { (scanner, _) throws(JSONScanner.Malformed) in try scanner.skipValue() }
                        ingested = true
                    } else {
                        try scanner.skipValue()
                    }
                }
            } catch {
                return false
            }
            return ingested && scanner.atEnd
        }
    }
}
