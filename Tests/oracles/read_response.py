"""Decodes a remote-read answer independently of the Swift code: stdin = the HTTP body (raw snappy block of a
prompb ReadResponse); stdout = JSON [[{"labels": [[name, value], ...], "samples": [["<hex IEEE-754 bits>", ts], ...]}]]
(one list per QueryResult, in order)."""
import json, struct, sys
import snappy
from prompb import ReadResponse

response = ReadResponse.FromString(snappy.decompress(sys.stdin.buffer.read()))
out = [[{"labels": [[l.name, l.value] for l in ts.labels],
         "samples": [["%016x" % struct.unpack("<Q", struct.pack("<d", s.value))[0], s.timestamp] for s in ts.samples]}
        for ts in result.timeseries] for result in response.results]
json.dump(out, sys.stdout)
