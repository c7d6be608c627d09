"""Finds and loads libhsesync, and declares the C functions' types."""
import ctypes
import ctypes.util
import glob
import os

_HERE = os.path.dirname(os.path.abspath(__file__))


def _candidates():
    # 1. an explicit path; 2. a copy shipped inside the package; 3. the system's.
    env = os.environ.get("HSESYNC_LIB")
    if env:
        return [env]
    found = sorted(glob.glob(os.path.join(_HERE, "libhsesync.so*")))
    system = ctypes.util.find_library("hsesync")
    return found + ([system] if system else []) + ["libhsesync.so.0"]


def _load():
    errors = []
    for path in _candidates():
        try:
            return ctypes.CDLL(path)
        except OSError as e:
            errors.append(f"{path}: {e}")
    raise ImportError("hsesync: cannot load libhsesync (set HSESYNC_LIB to its path); tried " + "; ".join(errors))


lib = _load()

c_char_p, c_void_p, c_int, c_int64 = ctypes.c_char_p, ctypes.c_void_p, ctypes.c_int, ctypes.c_int64
out_p = ctypes.POINTER(c_void_p)  # char** out_...: kept as an address so it can be hse_free'd

EVENT_FN = ctypes.CFUNCTYPE(None, c_void_p, c_char_p)
RESOLVER_FN = ctypes.CFUNCTYPE(c_int, c_void_p, c_char_p, out_p)

_SIGNATURES = {
    "hse_version": (c_char_p, []),
    "hse_version_number": (c_int, []),
    "hse_code_name": (c_char_p, [c_int]),
    "hse_code_is_transient": (c_int, [c_int]),
    "hse_last_error": (c_char_p, []),
    "hse_last_error_fields": (c_char_p, []),
    "hse_free": (None, [c_void_p]),
    "hse_open": (c_int, [c_char_p, c_char_p, ctypes.POINTER(c_void_p)]),
    "hse_close": (None, [c_void_p]),
    "hse_create": (c_int, [c_void_p, c_char_p, c_char_p, out_p]),
    "hse_create_many": (c_int, [c_void_p, c_char_p, c_char_p, out_p]),
    "hse_update": (c_int, [c_void_p, c_char_p, c_char_p, c_char_p, out_p]),
    "hse_delete": (c_int, [c_void_p, c_char_p, c_char_p, c_int]),
    "hse_get": (c_int, [c_void_p, c_char_p, c_char_p, out_p]),
    "hse_get_as_of": (c_int, [c_void_p, c_char_p, c_char_p, c_int64, out_p]),
    "hse_query": (c_int, [c_void_p, c_char_p, c_char_p, out_p]),
    "hse_history": (c_int, [c_void_p, c_char_p, c_char_p, out_p]),
    "hse_journal": (c_int, [c_void_p, c_char_p, out_p]),
    "hse_retry": (c_int, [c_void_p, c_int64]),
    "hse_drop": (c_int, [c_void_p, c_int64]),
    "hse_status": (c_int, [c_void_p, out_p]),
    "hse_sync": (c_int, [c_void_p, out_p]),
    "hse_start": (c_int, [c_void_p]),
    "hse_stop": (c_int, [c_void_p]),
    "hse_wait_synced": (c_int, [c_void_p, c_int64]),
    "hse_conflicts": (c_int, [c_void_p, out_p]),
    "hse_resolve": (c_int, [c_void_p, c_char_p, c_char_p]),
    "hse_set_event_callback": (c_int, [c_void_p, EVENT_FN, c_void_p]),
    "hse_set_conflict_resolver": (c_int, [c_void_p, RESOLVER_FN, c_void_p]),
}
for _name, (_res, _args) in _SIGNATURES.items():
    _fn = getattr(lib, _name)
    _fn.restype, _fn.argtypes = _res, _args

# The resolver's answer must come from malloc (the library frees it): libc's strdup.
_libc = ctypes.CDLL(None)
strdup = _libc.strdup
strdup.restype, strdup.argtypes = c_void_p, [c_char_p]
