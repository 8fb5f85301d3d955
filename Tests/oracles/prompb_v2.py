"""Remote-Write 2.0 messages (package io.prometheus.write.v2) built at run time with descriptor_pb2 +
message_factory, from the spec's schema: prometheus/prometheus prompb/io/prometheus/write/v2/types.proto
(commit 0a37a837c09e89158772cee5c7c369be9f5810fe). gogoproto options are left out: the spec says they do not
change the serialized format."""
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

F = descriptor_pb2.FieldDescriptorProto
OPT, REP = F.LABEL_OPTIONAL, F.LABEL_REPEATED
PACKAGE = "io.prometheus.write.v2"


def _message(file, name, fields, oneofs=()):
    m = file.message_type.add(name=name)
    for o in oneofs:
        m.oneof_decl.add(name=o)
    for spec in fields:
        fname, number, ftype, label = spec[:4]
        f = m.field.add(name=fname, number=number, type=ftype, label=label)
        if len(spec) > 4 and spec[4]:
            f.type_name = "." + PACKAGE + "." + spec[4]
        if len(spec) > 5:
            f.oneof_index = spec[5]
    return m


def _build():
    fd = descriptor_pb2.FileDescriptorProto(name="write_v2_oracle.proto", package=PACKAGE, syntax="proto3")
    r = _message(fd, "Request", [("symbols", 4, F.TYPE_STRING, REP), ("timeseries", 5, F.TYPE_MESSAGE, REP, "TimeSeries")])
    r.reserved_range.add(start=1, end=4)  # reserved 1 to 3 (end exclusive)
    _message(fd, "TimeSeries", [
        ("labels_refs", 1, F.TYPE_UINT32, REP), ("samples", 2, F.TYPE_MESSAGE, REP, "Sample"),
        ("histograms", 3, F.TYPE_MESSAGE, REP, "Histogram"), ("exemplars", 4, F.TYPE_MESSAGE, REP, "Exemplar"),
        ("metadata", 5, F.TYPE_MESSAGE, OPT, "Metadata"), ("created_timestamp", 6, F.TYPE_INT64, OPT)])
    _message(fd, "Exemplar", [("labels_refs", 1, F.TYPE_UINT32, REP), ("value", 2, F.TYPE_DOUBLE, OPT),
                              ("timestamp", 3, F.TYPE_INT64, OPT)])
    _message(fd, "Sample", [("value", 1, F.TYPE_DOUBLE, OPT), ("timestamp", 2, F.TYPE_INT64, OPT)])
    md = _message(fd, "Metadata", [("type", 1, F.TYPE_ENUM, OPT, "Metadata.MetricType"),
                                   ("help_ref", 3, F.TYPE_UINT32, OPT), ("unit_ref", 4, F.TYPE_UINT32, OPT)])
    e = md.enum_type.add(name="MetricType")
    for i, n in enumerate(["UNSPECIFIED", "COUNTER", "GAUGE", "HISTOGRAM", "GAUGEHISTOGRAM", "SUMMARY", "INFO", "STATESET"]):
        e.value.add(name="METRIC_TYPE_" + n, number=i)
    h = _message(fd, "Histogram", [
        ("count_int", 1, F.TYPE_UINT64, OPT, None, 0), ("count_float", 2, F.TYPE_DOUBLE, OPT, None, 0),
        ("sum", 3, F.TYPE_DOUBLE, OPT), ("schema", 4, F.TYPE_SINT32, OPT), ("zero_threshold", 5, F.TYPE_DOUBLE, OPT),
        ("zero_count_int", 6, F.TYPE_UINT64, OPT, None, 1), ("zero_count_float", 7, F.TYPE_DOUBLE, OPT, None, 1),
        ("negative_spans", 8, F.TYPE_MESSAGE, REP, "BucketSpan"), ("negative_deltas", 9, F.TYPE_SINT64, REP),
        ("negative_counts", 10, F.TYPE_DOUBLE, REP), ("positive_spans", 11, F.TYPE_MESSAGE, REP, "BucketSpan"),
        ("positive_deltas", 12, F.TYPE_SINT64, REP), ("positive_counts", 13, F.TYPE_DOUBLE, REP),
        ("reset_hint", 14, F.TYPE_ENUM, OPT, "Histogram.ResetHint"), ("timestamp", 15, F.TYPE_INT64, OPT),
        ("custom_values", 16, F.TYPE_DOUBLE, REP)],
        oneofs=("count", "zero_count"))
    e = h.enum_type.add(name="ResetHint")
    for i, n in enumerate(["UNSPECIFIED", "YES", "NO", "GAUGE"]):
        e.value.add(name="RESET_HINT_" + n, number=i)
    _message(fd, "BucketSpan", [("offset", 1, F.TYPE_SINT32, OPT), ("length", 2, F.TYPE_UINT32, OPT)])
    pool = descriptor_pool.DescriptorPool()
    pool.Add(fd)
    return {m.name: message_factory.GetMessageClass(pool.FindMessageTypeByName(PACKAGE + "." + m.name))
            for m in fd.message_type}


_classes = _build()
globals().update(_classes)
