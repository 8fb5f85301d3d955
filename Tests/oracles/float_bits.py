"""Reads one decimal number per line on stdin; prints the IEEE-754 bits Python's float() parses it to, in hex."""
import struct, sys

for line in sys.stdin.read().split("\n"):
    if line:
        print("%016x" % struct.unpack("<Q", struct.pack("<d", float(line)))[0])
