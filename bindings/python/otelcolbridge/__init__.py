"""Python bindings of libotelcolbridge: the gateway's redaction, keep_ratio sampling and
trace conversion, in-process, through ctypes (no third-party packages, no compiler).

The library is found through $OTELCOLBRIDGE_LIB, else next to this package in
bindings/c/build/ (where `make bindings` puts it), else by the loader's search path.
Every output the library allocates is copied into Python objects and freed at once, so
nothing the library owns outlives a call.
"""

from __future__ import annotations

import ctypes
import json
import logging
import os
from dataclasses import dataclass
from typing import Optional, Union

__all__ = [
    "BridgeError", "Finding", "RedactResult", "version", "redact", "keep_ratio", "convert",
    "RedactingFilter", "load_library",
]

# Status codes of otelcolbridge.h.
OK = 0
ERR_INVALID_ARGUMENT = 1
ERR_INVALID_UTF8 = 2
ERR_INVALID_CONFIG = 3
ERR_UNSUPPORTED = 4
ERR_DECODE = 5
ERR_INTERNAL = 6


class BridgeError(Exception):
    """A call failed; status is the library's status code, message its explanation."""

    def __init__(self, status: int, message: str):
        super().__init__(f"{_status_name(status)}: {message}")
        self.status = status
        self.message = message


class InvalidArgument(BridgeError, ValueError):
    pass


class InvalidConfig(BridgeError, ValueError):
    pass


_ERRORS = {ERR_INVALID_ARGUMENT: InvalidArgument, ERR_INVALID_UTF8: InvalidArgument, ERR_INVALID_CONFIG: InvalidConfig}

_c_char_pp = ctypes.POINTER(ctypes.c_char_p)
_u8p = ctypes.POINTER(ctypes.c_uint8)


def _default_paths():
    env = os.environ.get("OTELCOLBRIDGE_LIB")
    if env:
        return [env]
    here = os.path.dirname(os.path.abspath(__file__))
    return [os.path.join(here, "..", "..", "c", "build", "libotelcolbridge.so"), "libotelcolbridge.so"]


_lib = None


def load_library(path: Optional[str] = None) -> ctypes.CDLL:
    """Loads the library once (path, else the default locations) and declares the ABI."""
    global _lib
    if _lib is not None:
        return _lib
    errors = []
    for p in [path] if path else _default_paths():
        try:
            lib = ctypes.CDLL(p)
            break
        except OSError as e:
            errors.append(str(e))
    else:
        raise OSError("libotelcolbridge not found (run `make bindings` or set OTELCOLBRIDGE_LIB): " + "; ".join(errors))
    # Outputs are declared as void* / c_void_p-like pointers, never c_char_p: ctypes would
    # copy a c_char_p result into bytes and drop the pointer, which then could not be freed.
    lib.otelcolbridge_version.restype = ctypes.c_char_p  # static, not freed
    lib.otelcolbridge_version.argtypes = []
    lib.otelcolbridge_status_name.restype = ctypes.c_char_p  # static, not freed
    lib.otelcolbridge_status_name.argtypes = [ctypes.c_int]
    lib.otelcolbridge_free.restype = None
    lib.otelcolbridge_free.argtypes = [ctypes.c_void_p]
    lib.otelcolbridge_redact.restype = ctypes.c_int
    lib.otelcolbridge_redact.argtypes = [
        ctypes.c_char_p, ctypes.c_char_p,
        ctypes.POINTER(ctypes.c_void_p), ctypes.POINTER(ctypes.c_void_p), ctypes.POINTER(ctypes.c_void_p),
    ]
    lib.otelcolbridge_keep_ratio.restype = ctypes.c_int
    lib.otelcolbridge_keep_ratio.argtypes = [
        ctypes.c_char_p, ctypes.c_size_t, ctypes.c_double, ctypes.c_int,
        ctypes.c_char_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_int), ctypes.POINTER(ctypes.c_void_p),
    ]
    lib.otelcolbridge_convert.restype = ctypes.c_int
    lib.otelcolbridge_convert.argtypes = [
        ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_size_t,
        ctypes.POINTER(ctypes.c_void_p), ctypes.POINTER(ctypes.c_size_t), ctypes.POINTER(ctypes.c_void_p),
    ]
    _lib = lib
    return lib


def _status_name(status: int) -> str:
    try:
        return load_library().otelcolbridge_status_name(status).decode()
    except OSError:
        return str(status)


def _take_string(lib, p: ctypes.c_void_p) -> Optional[str]:
    """Copies a NUL-terminated output into a str and frees it."""
    if not p.value:
        return None
    try:
        return ctypes.string_at(p.value).decode("utf-8")
    finally:
        lib.otelcolbridge_free(p)


def _raise(lib, status: int, err: ctypes.c_void_p):
    msg = _take_string(lib, err) or ""
    raise _ERRORS.get(status, BridgeError)(status, msg)


def version() -> str:
    """The library's ABI version."""
    return load_library().otelcolbridge_version().decode()


@dataclass(frozen=True)
class Finding:
    """One match: the detector (or custom rule), its action and the byte offsets
    (in the UTF-8 input; for custom rules in the text after the built-in pass)."""

    detector: str
    action: str
    start: int
    end: int
    custom: bool = False


@dataclass(frozen=True)
class RedactResult:
    text: str
    findings: tuple


def _spec(preset_or_rules: Union[str, dict]) -> bytes:
    if isinstance(preset_or_rules, dict):
        return json.dumps(preset_or_rules).encode()
    return preset_or_rules.encode()


def redact(text: str, preset_or_rules: Union[str, dict] = "secrets", *, findings: bool = True) -> RedactResult:
    """Masks text with the gateway's detectors. preset_or_rules is a preset name (pci,
    secrets, pii, all) or the pii_redaction processor's settings as a dict or JSON string."""
    lib = load_library()
    if isinstance(text, str):
        data = text.encode("utf-8", "surrogatepass")  # lone surrogates reach the library, which refuses them
    else:
        data = bytes(text)
    if b"\0" in data:
        raise InvalidArgument(ERR_INVALID_ARGUMENT, "text contains a NUL byte")
    out, fnd, err = ctypes.c_void_p(), ctypes.c_void_p(), ctypes.c_void_p()
    status = lib.otelcolbridge_redact(data, _spec(preset_or_rules), ctypes.byref(out),
                                      ctypes.byref(fnd) if findings else None, ctypes.byref(err))
    if status != OK:
        _raise(lib, status, err)
    masked = _take_string(lib, out)
    fjson = _take_string(lib, fnd)
    fs = tuple(Finding(**f) for f in json.loads(fjson)) if fjson else ()
    return RedactResult(masked, fs)


def redact_text(text: str, preset_or_rules: Union[str, dict] = "secrets") -> str:
    """redact() without findings: just the masked text."""
    return redact(text, preset_or_rules, findings=False).text


def keep_ratio(trace_id: Union[bytes, str, None], ratio: float, precision: int = 4,
               randomness: Optional[str] = None, threshold: Optional[str] = None) -> bool:
    """log_sampling's keep_ratio decision: trace_id as 16 bytes or 32 hex digits;
    randomness/threshold are the record's sampling.randomness / sampling.threshold."""
    lib = load_library()
    tid = trace_id.encode() if isinstance(trace_id, str) else (trace_id or b"")
    keep, err = ctypes.c_int(), ctypes.c_void_p()
    status = lib.otelcolbridge_keep_ratio(
        tid, len(tid), float(ratio), int(precision),
        randomness.encode() if randomness else None, threshold.encode() if threshold else None,
        ctypes.byref(keep), ctypes.byref(err))
    if status != OK:
        _raise(lib, status, err)
    return keep.value == 1


def convert(data: bytes, from_format: str, to_format: str = "otlp-json") -> bytes:
    """Converts trace data as `otelcol-bridge convert --from FROM --to TO` does."""
    lib = load_library()
    out, out_len, err = ctypes.c_void_p(), ctypes.c_size_t(), ctypes.c_void_p()
    status = lib.otelcolbridge_convert(from_format.encode(), to_format.encode(), bytes(data), len(data),
                                       ctypes.byref(out), ctypes.byref(out_len), ctypes.byref(err))
    if status != OK:
        _raise(lib, status, err)
    try:
        return ctypes.string_at(out.value, out_len.value)
    finally:
        lib.otelcolbridge_free(out)


class RedactingFilter(logging.Filter):
    """A logging.Filter that masks a LogRecord's message and its args before any handler
    formats them. Arguments are formatted into the message first (so a secret passed as
    %s is masked too); a record that cannot be redacted is replaced by the mask, never
    passed on raw (fail closed, as the gateway does)."""

    def __init__(self, preset_or_rules: Union[str, dict] = "secrets", name: str = ""):
        super().__init__(name)
        self._spec = preset_or_rules
        self._mask = preset_or_rules.get("mask", "****") if isinstance(preset_or_rules, dict) else "****"
        redact_text("", preset_or_rules)  # fail fast on a bad preset or rules

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            msg = record.getMessage()
            record.msg = redact_text(msg, self._spec)
        except Exception:
            record.msg = self._mask
        record.args = None
        return True
