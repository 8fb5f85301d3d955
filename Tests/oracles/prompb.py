"""Prometheus prompb messages (types.proto + remote.proto of Prometheus 2.42) built at run time with
descriptor_pb2 + message_factory, so the oracle needs no generated code and no protoc.
Field numbers: https://github.com/prometheus/prometheus/blob/v2.42.0/prompb/{types,remote}.proto"""
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

F = descriptor_pb2.FieldDescriptorProto
OPT, REP = F.LABEL_OPTIONAL, F.LABEL_REPEATED


def _message(file, name, fields, oneofs=()):
    m = file.message_type.add(name=name)
    for o in oneofs:
        m.oneof_decl.add(name=o)
    for spec in fields:
        fname, number, ftype, label = spec[:4]
        f = m.field.add(name=fname, number=number, type=ftype, label=label)
        if ftype in (F.TYPE_MESSAGE, F.TYPE_ENUM):
            f.type_name = ".prometheus." + spec[4]
        if len(spec) > 5:
            f.oneof_index = spec[5]
    return m


def _build():
    fd = descriptor_pb2.FileDescriptorProto(name="prompb_oracle.proto", package="prometheus", syntax="proto3")
    md = _message(fd, "MetricMetadata", [("type", 1, F.TYPE_ENUM, OPT, "MetricMetadata.MetricType"),
                                          ("metric_family_name", 2, F.TYPE_STRING, OPT),
                                          ("help", 4, F.TYPE_STRING, OPT), ("unit", 5, F.TYPE_STRING, OPT)])
    e = md.enum_type.add(name="MetricType")
    for i, n in enumerate(["UNKNOWN", "COUNTER", "GAUGE", "HISTOGRAM", "GAUGEHISTOGRAM", "SUMMARY", "INFO", "STATESET"]):
        e.value.add(name=n, number=i)
    _message(fd, "Sample", [("value", 1, F.TYPE_DOUBLE, OPT), ("timestamp", 2, F.TYPE_INT64, OPT)])
    _message(fd, "Label", [("name", 1, F.TYPE_STRING, OPT), ("value", 2, F.TYPE_STRING, OPT)])
    _message(fd, "Exemplar", [("labels", 1, F.TYPE_MESSAGE, REP, "Label"), ("value", 2, F.TYPE_DOUBLE, OPT),
                              ("timestamp", 3, F.TYPE_INT64, OPT)])
    _message(fd, "BucketSpan", [("offset", 1, F.TYPE_SINT32, OPT), ("length", 2, F.TYPE_UINT32, OPT)])
    h = _message(fd, "Histogram", [
        ("count_int", 1, F.TYPE_UINT64, OPT, None, 0), ("count_float", 2, F.TYPE_DOUBLE, OPT, None, 0),
        ("sum", 3, F.TYPE_DOUBLE, OPT), ("schema", 4, F.TYPE_SINT32, OPT), ("zero_threshold", 5, F.TYPE_DOUBLE, OPT),
        ("zero_count_int", 6, F.TYPE_UINT64, OPT, None, 1), ("zero_count_float", 7, F.TYPE_DOUBLE, OPT, None, 1),
        ("negative_spans", 8, F.TYPE_MESSAGE, REP, "BucketSpan"), ("negative_deltas", 9, F.TYPE_SINT64, REP),
        ("negative_counts", 10, F.TYPE_DOUBLE, REP), ("positive_spans", 11, F.TYPE_MESSAGE, REP, "BucketSpan"),
        ("positive_deltas", 12, F.TYPE_SINT64, REP), ("positive_counts", 13, F.TYPE_DOUBLE, REP),
        ("reset_hint", 14, F.TYPE_ENUM, OPT, "Histogram.ResetHint"), ("timestamp", 15, F.TYPE_INT64, OPT)],
        oneofs=("count", "zero_count"))
    e = h.enum_type.add(name="ResetHint")
    for i, n in enumerate(["UNKNOWN", "YES", "NO", "GAUGE"]):
        e.value.add(name=n, number=i)
    _message(fd, "TimeSeries", [("labels", 1, F.TYPE_MESSAGE, REP, "Label"), ("samples", 2, F.TYPE_MESSAGE, REP, "Sample"),
                                ("exemplars", 3, F.TYPE_MESSAGE, REP, "Exemplar"),
                                ("histograms", 4, F.TYPE_MESSAGE, REP, "Histogram")])
    lm = _message(fd, "LabelMatcher", [("type", 1, F.TYPE_ENUM, OPT, "LabelMatcher.Type"),
                                       ("name", 2, F.TYPE_STRING, OPT), ("value", 3, F.TYPE_STRING, OPT)])
    e = lm.enum_type.add(name="Type")
    for i, n in enumerate(["EQ", "NEQ", "RE", "NRE"]):
        e.value.add(name=n, number=i)
    _message(fd, "ReadHints", [("step_ms", 1, F.TYPE_INT64, OPT), ("func", 2, F.TYPE_STRING, OPT),
                               ("start_ms", 3, F.TYPE_INT64, OPT), ("end_ms", 4, F.TYPE_INT64, OPT),
                               ("grouping", 5, F.TYPE_STRING, REP), ("by", 6, F.TYPE_BOOL, OPT),
                               ("range_ms", 7, F.TYPE_INT64, OPT)])
    _message(fd, "WriteRequest", [("timeseries", 1, F.TYPE_MESSAGE, REP, "TimeSeries"),
                                  ("metadata", 3, F.TYPE_MESSAGE, REP, "MetricMetadata")])
    rr = _message(fd, "ReadRequest", [("queries", 1, F.TYPE_MESSAGE, REP, "Query"),
                                      ("accepted_response_types", 2, F.TYPE_ENUM, REP, "ReadRequest.ResponseType")])
    e = rr.enum_type.add(name="ResponseType")
    e.value.add(name="SAMPLES", number=0)
    e.value.add(name="STREAMED_XOR_CHUNKS", number=1)
    _message(fd, "Query", [("start_timestamp_ms", 1, F.TYPE_INT64, OPT), ("end_timestamp_ms", 2, F.TYPE_INT64, OPT),
                           ("matchers", 3, F.TYPE_MESSAGE, REP, "LabelMatcher"), ("hints", 4, F.TYPE_MESSAGE, OPT, "ReadHints")])
    _message(fd, "QueryResult", [("timeseries", 1, F.TYPE_MESSAGE, REP, "TimeSeries")])
    _message(fd, "ReadResponse", [("results", 1, F.TYPE_MESSAGE, REP, "QueryResult")])
    # STREAMED_XOR_CHUNKS answer: types.proto Chunk / ChunkedSeries, remote.proto ChunkedReadResponse.
    ch = _message(fd, "Chunk", [("min_time_ms", 1, F.TYPE_INT64, OPT), ("max_time_ms", 2, F.TYPE_INT64, OPT),
                                ("type", 3, F.TYPE_ENUM, OPT, "Chunk.Encoding"), ("data", 4, F.TYPE_BYTES, OPT)])
    e = ch.enum_type.add(name="Encoding")
    for i, n in enumerate(["UNKNOWN", "XOR", "HISTOGRAM", "FLOAT_HISTOGRAM"]):
        e.value.add(name=n, number=i)
    _message(fd, "ChunkedSeries", [("labels", 1, F.TYPE_MESSAGE, REP, "Label"), ("chunks", 2, F.TYPE_MESSAGE, REP, "Chunk")])
    _message(fd, "ChunkedReadResponse", [("chunked_series", 1, F.TYPE_MESSAGE, REP, "ChunkedSeries"),
                                         ("query_index", 2, F.TYPE_INT64, OPT)])
    # Oneof members must carry proto3 "optional"-less oneof_index; fix None type names left by the spec tuples.
    for m in fd.message_type:
        for f in m.field:
            if f.type_name == ".prometheus.None":
                f.ClearField("type_name")
    pool = descriptor_pool.DescriptorPool()
    pool.Add(fd)
    return {m.name: message_factory.GetMessageClass(pool.FindMessageTypeByName("prometheus." + m.name))
            for m in fd.message_type}


_classes = _build()
globals().update(_classes)
