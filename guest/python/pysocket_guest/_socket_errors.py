"""Host errors as the exceptions CPython raises, for ``_socket``, ``select`` and ``_ssl``.

The native core (``_pysocket_core``, ``guest/native``) raises a WIT error as
componentize-py's bindings do, ``Err(value)``, with the value built here by
``_wit_error``/``_wit_tls_error``, so callers treat both bindings alike.

The WIT sends errno *names* (``types.errno``); ``_exc`` turns a ``types.Error``
case into the exception CPython raises for it, with this interpreter's own
``errno`` numbers. Callers catch ``componentize_py_types.Err``, keep its value,
and raise ``_exc(value)`` *after* the ``except`` block, so the exception has no
``__context__`` (as in CPython, where it is raised from C). Also here: the
module-level exception names of ``_socket`` (``error``, ``timeout``,
``herror``, ``gaierror``)."""

from componentize_py_types import Err as _Err
from wit_world.imports import tls as _wtls
from wit_world.imports import types as _wtypes
import _pysocket_core as _core
import errno as _errno
import os as _os

# ---------------------------------------------------------------------------
# Exceptions, module data

error = OSError
timeout = TimeoutError
has_ipv6 = True


class herror(OSError):
    """Raised by the gethostby* functions: ``herror(h_errno, message)``."""
    __module__ = 'socket'


class gaierror(OSError):
    """Raised by getaddrinfo() and getnameinfo(): ``gaierror(EAI_*, message)``."""
    __module__ = 'socket'

_E_Os = _wtypes.Error_Os
_E_Timeout = _wtypes.Error_Timeout
_E_Gai = _wtypes.Error_Gai
_E_Host = _wtypes.Error_Host
_E_Invalid = _wtypes.Error_Invalid
_E_Overflow = _wtypes.Error_Overflow
_ECONNRESET = _wtypes.Errno.ECONNRESET
_ENOENT = _wtypes.Errno.ENOENT
_EBADF = _wtypes.Errno.EBADF
_ENOTSOCK = _wtypes.Errno.ENOTSOCK

# ---------------------------------------------------------------------------
# Host errors -> Python exceptions
#
# The native core (``_pysocket_core``, ``guest/native``) raises a WIT error as
# componentize-py's bindings do, ``Err(value)``, with the value built here by
# ``_wit_error``/``_wit_tls_error``, so callers treat both bindings alike.
#
# The WIT sends errno *names*. A name is turned into this interpreter's own
# number (wasm32-wasi numbers differ from Linux's), so OSError(number, message)
# selects the subclass CPython would. A name this interpreter's errno module
# lacks (e.g. ESHUTDOWN, ETOOMANYREFS, EHOSTDOWN on WASI), and `unknown`, has
# no number that would mean anything here: it is raised as
# ``<subclass CPython would pick for that name>(message)``, i.e. with
# ``errno`` None and the host's message (which names the error) as its text.

_SUBCLASS_BY_NAME = {
    'EAGAIN': BlockingIOError, 'EALREADY': BlockingIOError,
    'EINPROGRESS': BlockingIOError, 'ECHILD': ChildProcessError,
    'EPIPE': BrokenPipeError, 'ESHUTDOWN': BrokenPipeError,
    'ECONNABORTED': ConnectionAbortedError,
    'ECONNREFUSED': ConnectionRefusedError,
    'ECONNRESET': ConnectionResetError, 'EEXIST': FileExistsError,
    'ENOENT': FileNotFoundError, 'EISDIR': IsADirectoryError,
    'ENOTDIR': NotADirectoryError, 'EINTR': InterruptedError,
    'EACCES': PermissionError, 'EPERM': PermissionError,
    'ESRCH': ProcessLookupError, 'ETIMEDOUT': TimeoutError,
}


def _errno_tables():
    numbers = {}
    fallback = {}
    for member in _wtypes.Errno:
        number = getattr(_errno, member.name, None)
        if number is None:
            fallback[member] = _SUBCLASS_BY_NAME.get(member.name, OSError)
        else:
            numbers[member] = number
    return numbers, fallback


_ERRNO_NUMBER, _ERRNO_FALLBACK = _errno_tables()
del _errno_tables

# Linux x86-64 errno numbers. They reach the guest as plain integers in one
# place only: getsockopt(SOL_SOCKET, SO_ERROR), which is translated to the
# guest's own numbering so `errno.ECONNREFUSED` comparisons hold.
_LINUX_ERRNO_NAMES = {
    1: 'EPERM', 2: 'ENOENT', 3: 'ESRCH', 4: 'EINTR', 5: 'EIO', 6: 'ENXIO',
    7: 'E2BIG', 8: 'ENOEXEC', 9: 'EBADF', 10: 'ECHILD', 11: 'EAGAIN',
    12: 'ENOMEM', 13: 'EACCES', 14: 'EFAULT', 16: 'EBUSY', 17: 'EEXIST',
    18: 'EXDEV', 19: 'ENODEV', 20: 'ENOTDIR', 21: 'EISDIR', 22: 'EINVAL',
    23: 'ENFILE', 24: 'EMFILE', 25: 'ENOTTY', 27: 'EFBIG', 28: 'ENOSPC',
    29: 'ESPIPE', 30: 'EROFS', 31: 'EMLINK', 32: 'EPIPE', 33: 'EDOM',
    34: 'ERANGE', 35: 'EDEADLK', 36: 'ENAMETOOLONG', 37: 'ENOLCK',
    38: 'ENOSYS', 39: 'ENOTEMPTY', 40: 'ELOOP', 42: 'ENOMSG', 43: 'EIDRM',
    60: 'ENOSTR', 61: 'ENODATA', 62: 'ETIME', 63: 'ENOSR', 67: 'ENOLINK',
    71: 'EPROTO', 74: 'EBADMSG', 75: 'EOVERFLOW', 84: 'EILSEQ',
    88: 'ENOTSOCK', 89: 'EDESTADDRREQ', 90: 'EMSGSIZE', 91: 'EPROTOTYPE',
    92: 'ENOPROTOOPT', 93: 'EPROTONOSUPPORT', 94: 'ESOCKTNOSUPPORT',
    95: 'EOPNOTSUPP', 96: 'EPFNOSUPPORT', 97: 'EAFNOSUPPORT',
    98: 'EADDRINUSE', 99: 'EADDRNOTAVAIL', 100: 'ENETDOWN',
    101: 'ENETUNREACH', 102: 'ENETRESET', 103: 'ECONNABORTED',
    104: 'ECONNRESET', 105: 'ENOBUFS', 106: 'EISCONN', 107: 'ENOTCONN',
    108: 'ESHUTDOWN', 109: 'ETOOMANYREFS', 110: 'ETIMEDOUT',
    111: 'ECONNREFUSED', 112: 'EHOSTDOWN', 113: 'EHOSTUNREACH',
    114: 'EALREADY', 115: 'EINPROGRESS', 116: 'ESTALE', 122: 'EDQUOT',
    125: 'ECANCELED', 130: 'EOWNERDEAD', 131: 'ENOTRECOVERABLE',
}


def _guest_errno(linux_number):
    """The guest's number for a Linux errno (unchanged if it has no such name)."""
    name = _LINUX_ERRNO_NAMES.get(linux_number)
    return getattr(_errno, name, linux_number) if name else linux_number


def _exc(error):
    """The exception CPython raises for the host error ``error`` (a ``types.Error`` case)."""
    kind = error.__class__
    if kind is _E_Os:
        os_error = error.value
        number = _ERRNO_NUMBER.get(os_error.code)
        if number is not None:
            return OSError(number, os_error.message)
        return _ERRNO_FALLBACK.get(os_error.code, OSError)(os_error.message)
    if kind is _E_Timeout:
        return TimeoutError('timed out')
    if kind is _E_Gai:
        return gaierror(error.value.code, error.value.message)
    if kind is _E_Host:
        return herror(error.value.code, error.value.message)
    if kind is _E_Invalid:
        return ValueError(error.value)
    if kind is _E_Overflow:
        return OverflowError(error.value)
    return RuntimeError(f"pysocket host reported an error this guest does not know: {error!r}")


def _netdb_exc(error):
    """getservby*/getprotobyname: CPython raises a bare ``OSError(message)`` for "not found"."""
    if error.__class__ is _E_Os and error.value.code is _ENOENT:
        return OSError(error.value.message)
    return _exc(error)


def _not_a_socket(fd, error):
    """What ``socket(fileno=fd)`` reports when the host has no socket ``fd``.

    The host answers EBADF for a number it has not handed out; if the number
    is one of the guest's own WASI descriptors (a file, stdin), it names an
    open file that is not a socket, for which Linux says ENOTSOCK.
    """
    if error.__class__ is _E_Os and error.value.code is _EBADF:
        try:
            _os.fstat(fd)
        except OSError:
            return error
        return _E_Os(_wtypes.OsError(_ENOTSOCK, _os.strerror(_errno.ENOTSOCK)))
    return error


def _reported_by_close(error):
    """Whether close() reports ``error``: CPython ignores ECONNRESET from
    close() (bpo-30319), the only error Linux gives for sockets in practice."""
    return error.__class__ is not _E_Os or error.value.code is not _ECONNRESET


def _ebadf():
    return OSError(_errno.EBADF, _os.strerror(_errno.EBADF))


# The descriptor a closed or detached object calls the host with: a number
# the host never hands out, so every call fails with EBADF there, as every
# system call on descriptor -1 does in CPython (fileno() still answers -1).
_NO_FD = 0xFFFFFFFF


# ---------------------------------------------------------------------------
# WIT error values for the native core


def _wit_error(case, code, message):
    """The ``types.Error`` value of case number ``case`` (WIT order)."""
    if case == 0:
        return _E_Os(_wtypes.OsError(_wtypes.Errno(code), message))
    if case == 1:
        return _E_Timeout()
    if case == 2:
        return _E_Gai(_wtypes.LookupError(code, message))
    if case == 3:
        return _E_Host(_wtypes.LookupError(code, message))
    if case == 4:
        return _E_Invalid(message)
    return _E_Overflow(message)


def _wit_tls_error(case, a, b, c):
    """The ``tls.TlsError`` value of case number ``case`` (WIT order); ``a``,
    ``b``, ``c`` are the case's fields (``a`` a ``types.Error`` for ``net``)."""
    if case == 0:
        return _wtls.TlsError_Net(a)
    if case == 1:
        return _wtls.TlsError_WantRead()
    if case == 2:
        return _wtls.TlsError_WantWrite()
    if case == 3:
        return _wtls.TlsError_ZeroReturn()
    if case == 4:
        return _wtls.TlsError_Eof(a)
    if case == 5:
        return _wtls.TlsError_Ssl(_wtls.SslFailure(a, b, c))
    if case == 6:
        return _wtls.TlsError_Verification(_wtls.VerifyFailure(a, b))
    return _wtls.TlsError_Unsupported(a)


# Stores callbacks only (no WIT call): safe while componentize-py pre-initialises.
_core._setup(_Err, _wit_error, _wit_tls_error,
             _wtypes.Address_Inet, _wtypes.Address_Inet6, _wtypes.Address_Unix)
