import RemoteStorage

extension WriteRequest {
    /// Tests only: a 1.0 body as values, decoded by the one 1.0 decoder (`WriteRequestView`), so tests written
    /// against values (the Python oracle's dumps, fixtures, malformed bodies) exercise the decoder production runs.
    package init(protobuf: [UInt8]) throws(ProtobufError) {
        let result = protobuf.withUnsafeBytes { bytes in
            Result { () throws(ProtobufError) in try WriteRequest(protobuf: bytes) }
        }
        self = try result.get()
    }

    /// `init(protobuf:)` over borrowed bytes.
    package init(protobuf bytes: UnsafeRawBufferPointer) throws(ProtobufError) {
        self.init(try WriteRequestView(protobuf: bytes), body: bytes)
    }

    /// The values of `view`, whose spans point into `body`: strings made from the spans, each series with its
    /// exemplar count and histograms.
    package init(_ view: WriteRequestView, body: UnsafeRawBufferPointer) {
        func text(_ offset: UInt32, _ count: UInt32) -> String {
            String(decoding: body[Int(offset)..<Int(offset) + Int(count)], as: UTF8.self)
        }
        var timeseries = view.series.map { series in
            TimeSeries(
                labels: view.labels[series.labels].map {
                    Label(name: text($0.nameOffset, $0.nameCount), value: text($0.valueOffset, $0.valueCount))
                },
                samples: Array(view.samples[series.samples]))
        }
        for extra in view.extras {
            timeseries[extra.series].exemplarCount = extra.exemplarCount
            timeseries[extra.series].histograms = extra.histograms
        }
        self.init(timeseries: timeseries, metadataCount: view.metadataCount)
    }
}
