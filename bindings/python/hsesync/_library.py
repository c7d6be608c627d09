"""Finds and loads libhsesync, and declares the C functions' types.

Where from, first match wins:
  1. $HSESYNC_LIB, a path (nothing else is tried when it is set);
  2. a libhsesync.so* shipped inside the package (a wheel that bundles it);
  3. the library installed in this Python's prefix (``cmake --install --prefix``
     with the venv's or /usr/local's prefix): <prefix>/lib*/libhsesync.so.0;
  4. the system's, through the dynamic loader (ld.so.cache, LD_LIBRARY_PATH).
"""
import ctypes
import ctypes.util
import glob
import os
import sys
from typing import List

_HERE = os.path.dirname(os.path.abspath(__file__))
_SONAME = "libhsesync.so.0"


def _candidates() -> List[str]:
    env = os.environ.get("HSESYNC_LIB")
    if env:
        return [env]
    bundled = sorted(glob.glob(os.path.join(_HERE, "libhsesync.so*")))
    prefixes = []
    for p in (sys.prefix, sys.base_prefix):
        if p not in prefixes:
            prefixes.append(p)
    in_prefix = [path for p in prefixes for d in ("lib", "lib64") for path in [os.path.join(p, d, _SONAME)]
                 if os.path.exists(path)]
    system = ctypes.util.find_library("hsesync")
    return bundled + in_prefix + ([system] if system else []) + [_SONAME]


def _load() -> ctypes.CDLL:
    errors = []
    for path in _candidates():
        try:
            return ctypes.CDLL(path)
        except OSError as e:
            errors.append(f"{path}: {e}")
    raise ImportError("hsesync: cannot load libhsesync (set HSESYNC_LIB to its path); tried " + "; ".join(errors))


lib = _load()
path: str = lib._name
"""The file libhsesync was loaded from (as given to the loader)."""

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
    "hse_last_error_http_status": (c_int, []),
    "hse_last_error_retry_after": (c_int, []),
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
_missing = [name for name in _SIGNATURES if not hasattr(lib, name)]
if _missing:
    raise ImportError(f"hsesync: {path} lacks {', '.join(_missing)}: it is not libhsesync, or one older than "
                      "this package; install the matching libhsesync or set HSESYNC_LIB")
for _name, (_res, _args) in _SIGNATURES.items():
    _fn = getattr(lib, _name)
    _fn.restype, _fn.argtypes = _res, _args

# The resolver's answer must come from malloc (the library frees it): libc's strdup.
_libc = ctypes.CDLL(None)
strdup = _libc.strdup
strdup.restype, strdup.argtypes = c_void_p, [c_char_p]
