"""An oracle that dies at start, before reading its input (as one does when a library is missing)."""
import sys

sys.stderr.write("exits_at_once.py: libexample.so.1: cannot open shared object file\n")
sys.exit(3)
