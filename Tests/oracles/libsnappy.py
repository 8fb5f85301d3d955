"""Google's C++ snappy (Debian libsnappy1v5, the reference implementation) through its C API (snappy-c.h) via
ctypes. python-snappy 0.7 is a wrapper around cramjam (Rust `snap`), so this is the only C implementation here.
`available` is False when libsnappy.so.1 is not installed (apt-get install libsnappy1v5)."""
import ctypes
import ctypes.util

try:
    _lib = ctypes.CDLL(ctypes.util.find_library("snappy") or "libsnappy.so.1")
    available = True
except OSError:
    _lib = None
    available = False

if available:
    _size_t_p = ctypes.POINTER(ctypes.c_size_t)
    _lib.snappy_max_compressed_length.restype = ctypes.c_size_t
    _lib.snappy_max_compressed_length.argtypes = [ctypes.c_size_t]
    _lib.snappy_compress.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_void_p, _size_t_p]
    _lib.snappy_uncompressed_length.argtypes = [ctypes.c_char_p, ctypes.c_size_t, _size_t_p]
    _lib.snappy_uncompress.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_void_p, _size_t_p]


def compress(data: bytes) -> bytes:
    out_len = ctypes.c_size_t(_lib.snappy_max_compressed_length(len(data)))
    out = ctypes.create_string_buffer(out_len.value)
    if _lib.snappy_compress(data, len(data), ctypes.addressof(out), ctypes.byref(out_len)) != 0:
        raise ValueError("snappy_compress failed")
    return out.raw[: out_len.value]


def uncompressed_length(data: bytes) -> int:
    n = ctypes.c_size_t(0)
    if _lib.snappy_uncompressed_length(data, len(data), ctypes.byref(n)) != 0:
        raise ValueError("invalid snappy preamble")
    return n.value


def decompress_into(data: bytes, out) -> int:
    """Decompresses into a preallocated ctypes buffer (for timing without Python-side copies)."""
    n = ctypes.c_size_t(len(out))
    if _lib.snappy_uncompress(data, len(data), ctypes.addressof(out), ctypes.byref(n)) != 0:
        raise ValueError("invalid snappy block")
    return n.value


def decompress(data: bytes) -> bytes:
    out = ctypes.create_string_buffer(max(uncompressed_length(data), 1))
    n = decompress_into(data, out)
    return out.raw[:n]
