"""Argument conversion for ``_socket`` with CPython's messages: the
``PyArg_Parse`` formats and Argument Clinic converters (``i``, ``n``, ``y*``,
``w*``, ``s``, timeouts) the C module applies, written for the arguments that
are not already plain ints / bytes of the right range."""

from math import ceil as _ceil, floor as _floor
from operator import index as _index

_MISSING = object()
_INT_MIN = -0x80000000
_INT_MAX = 0x7FFFFFFF
_LONG_MIN = -(1 << 63)
_LONG_MAX = (1 << 63) - 1
_U32_MAX = 0xFFFFFFFF
_SOCKLEN_LIMIT = 0x7FFFFFFF  # CPython's SOCKLEN_T_LIMIT

# ---------------------------------------------------------------------------
# Argument conversion with CPython's messages (only reached for arguments that
# are not already plain ints / bytes of the right range)


def _arg_i(value):
    """PyArg_Parse format ``i``."""
    value = _index(value)
    if value > _INT_MAX:
        if value > _LONG_MAX:
            raise OverflowError("Python int too large to convert to C long")
        raise OverflowError("signed integer is greater than maximum")
    if value < _INT_MIN:
        if value < _LONG_MIN:
            raise OverflowError("Python int too large to convert to C long")
        raise OverflowError("signed integer is less than minimum")
    return value


def _as_int(value):
    """PyLong_AsInt (Argument Clinic's ``int``)."""
    value = _index(value)
    if _INT_MIN <= value <= _INT_MAX:
        return value
    raise OverflowError("Python int too large to convert to C int")


def _as_ssize(value):
    """PyArg_Parse format ``n``."""
    value = _index(value)
    if _LONG_MIN <= value <= _LONG_MAX:
        return value
    raise OverflowError("Python int too large to convert to C ssize_t")


def _as_long(value):
    """PyLong_AsLong (how CPython reads a descriptor number)."""
    value = _index(value)
    if _LONG_MIN <= value <= _LONG_MAX:
        return value
    raise OverflowError("Python int too large to convert to C long")


def _as_unsigned(value, maximum, ctype):
    """Argument Clinic's unsigned converters (uint16, uint32, unsigned int)."""
    value = _index(value)
    if value < 0:
        raise ValueError("Cannot convert negative int")
    if value > maximum:
        raise OverflowError(f"Python int too large for C {ctype}")
    return value


def _bufsize(value, message):
    """A recv* size (format ``n``): negative is ValueError(message).

    Sizes above what a WIT ``u32`` holds are asked for as 4 GiB - 1: recv
    returns *up to* the size, so that is still what CPython would return.
    """
    value = _as_ssize(value)
    if value < 0:
        raise ValueError(message)
    return value if value <= _U32_MAX else _U32_MAX


def _buffer_view(data):
    """A C-contiguous ``memoryview`` of a ``y*`` (bytes-like) argument, with
    CPython's errors: TypeError for an object without the buffer protocol,
    BufferError for a buffer that is not C-contiguous. The caller releases it.
    """
    try:
        view = memoryview(data)
    except TypeError:
        view = None
    if view is None:  # raised here, so no TypeError is chained to it
        raise TypeError(f"a bytes-like object is required, not '{data.__class__.__name__}'")
    if not view.c_contiguous:
        view.release()
        raise BufferError("memoryview: underlying buffer is not C-contiguous")
    return view


def _bytes_arg(data):
    """A ``y*``/Py_buffer argument as ``bytes`` (the WIT ``list<u8>``)."""
    if data.__class__ is bytearray:
        return bytes(data)
    with _buffer_view(data) as view:
        return view.tobytes()


def _data_arg(data):
    """A ``y*`` (bytes-like) argument checked as CPython checks it, returned
    unchanged: the native core lends its buffer to the host (no copy).
    Errors as :func:`_buffer_view`."""
    kind = data.__class__
    if kind is not bytes and kind is not bytearray:
        _buffer_view(data).release()
    return data


def _writable(buffer):
    """A flat writable byte view of a ``w*`` argument, or None if it has none.

    The caller releases the view (so a bytearray can be resized afterwards).
    """
    try:
        view = memoryview(buffer)
    except TypeError:
        return None
    if view.readonly or not view.c_contiguous:
        view.release()
        return None
    if view.ndim != 1 or view.format != 'B':
        flat = view.cast('B')
        view.release()
        return flat
    return view


def _str_arg(value, func, position):
    """PyArg_Parse format ``s``."""
    if not isinstance(value, str):
        got = 'None' if value is None else value.__class__.__name__
        raise TypeError(f"{func}() argument {position} must be str, not {got}")
    if '\0' in value:
        raise ValueError("embedded null character")
    if not value.isascii():
        value.encode('utf-8')  # lone surrogates raise UnicodeEncodeError, as in CPython
    return str(value)


def _to_ns(value, unit):
    """CPython's pytime_from_object: seconds (unit 10**9) or milliseconds
    (unit 10**6) as integer nanoseconds, rounded away from zero."""
    if isinstance(value, float):
        if value != value:
            raise ValueError("Invalid value NaN (not a number)")
        ns = value * unit
        if not -9.223372036854775808e18 <= ns < 9.223372036854775808e18:
            raise OverflowError("timestamp out of range for platform time_t")
        return _ceil(ns) if ns >= 0.0 else _floor(ns)
    count = _index(value)
    if _LONG_MIN <= count <= _LONG_MAX:
        ns = count * unit
        if _LONG_MIN <= ns <= _LONG_MAX:
            return ns
    raise OverflowError("timestamp too large to convert to C PyTime_t")


def _timeout_arg(value):
    """socket_parse_timeout: None (blocking) or nanoseconds >= 0."""
    if value is None:
        return None
    ns = _to_ns(value, 1_000_000_000)
    if ns < 0:
        raise ValueError("Timeout value out of range")
    return ns


def _seconds(ns):
    """PyTime_AsSecondsDouble, with None for "no timeout"."""
    if ns is None:
        return None
    if ns % 1_000_000_000:
        return ns / 1e9
    return float(ns // 1_000_000_000)
