"""Socket addresses for ``_socket``: host names (IDNA, bytes) and the
conversion between Python's address tuples/paths and the WIT ``address``
(CPython's ``getsockaddrarg`` and ``makesockaddr``)."""

from wit_world.imports import types as _wtypes
import os as _os
from operator import index as _index

from ._socket_constants import AF_INET, AF_INET6, AF_UNIX, EAI_NONAME
from ._socket_errors import gaierror
from ._socket_args import _U32_MAX, _bytes_arg

_AF_UNIX_PATH_MAX = 108      # sizeof(sockaddr_un.sun_path)
_AddrInet = _wtypes.Address_Inet
_AddrInet6 = _wtypes.Address_Inet6
_AddrUnix = _wtypes.Address_Unix
_InetAddress = _wtypes.InetAddress
_Inet6Address = _wtypes.Inet6Address

# ---------------------------------------------------------------------------
# Host names


def _decode_host(raw):
    """A bytes host name as the WIT string. Undecodable bytes cannot name any
    host the resolver would find: CPython's getaddrinfo fails with EAI_NONAME."""
    try:
        return raw.decode('utf-8')
    except UnicodeDecodeError:
        pass
    raise gaierror(EAI_NONAME, 'Name or service not known')


def _host_arg(host):
    """CPython's idna_converter: the host of an AF_INET/AF_INET6 address."""
    if host.__class__ is str and host.isascii():
        if '\0' in host:
            raise TypeError("host name must not contain null character")
        return host
    if isinstance(host, str):
        try:
            encoded = host.encode('idna')
        except UnicodeError:
            encoded = None
        if encoded is None:
            raise TypeError("encoding of hostname failed")
        if 0 in encoded:
            raise TypeError("host name must not contain null character")
        return encoded.decode('ascii')
    if isinstance(host, (bytes, bytearray)):
        if 0 in host:
            raise TypeError("host name must not contain null character")
        return _decode_host(host)
    raise TypeError(f"str, bytes or bytearray expected, not {host.__class__.__name__}")


def _idna(host):
    """``host.encode('idna')`` as text. ASCII names that the codec returns
    unchanged (no empty label but the last, no label of 64+ characters) skip
    the codec, and so the import of ``encodings.idna``."""
    if (host.__class__ is str and host.isascii() and '..' not in host
            and host[:1] != '.'
            and (len(host) < 64 or max(map(len, host.split('.'))) < 64)):
        return host
    return host.encode('idna').decode('ascii')


def _et_idna(value, func):
    """PyArg_Parse format ``et`` with the "idna" encoding, as text."""
    if isinstance(value, str):
        name = _idna(value)
        if '\0' in name:
            raise TypeError(
                f"{func}() argument 1 must be encoded string without null bytes, not str")
        return name
    if isinstance(value, (bytes, bytearray)):
        if 0 in value:
            raise TypeError(f"{func}() argument 1 must be encoded string without "
                            f"null bytes, not {value.__class__.__name__}")
        return _decode_host(value)
    raise TypeError(f"{func}() argument 1 must be str, bytes or bytearray, "
                    f"not {value.__class__.__name__}")

# ---------------------------------------------------------------------------
# Socket addresses


def _port_arg(port, caller):
    if port.__class__ is not int:
        port = _index(port)
    if 0 <= port <= 0xFFFF:
        return port
    raise OverflowError(f"{caller}(): port must be 0-65535.")


# The last (family, address) converted by _sockaddr and its WIT address:
# a datagram socket usually sends to the same address again and again, and
# building the WIT records costs two Python-level __init__ calls (about
# 1 µs in the guest). Only exact (str, int) tuples are remembered, so
# equality cannot mistake one argument for another (1.0 == 1, b'a' != 'a').
_sockaddr_memo = [None, None]


def _sockaddr(family, address, caller):
    """CPython's getsockaddrarg: a Python address as a WIT ``address``."""
    if not (address.__class__ is tuple and len(address) == 2
            and address[0].__class__ is str and address[1].__class__ is int):
        return _sockaddr_convert(family, address, caller)
    memo = _sockaddr_memo
    key = memo[0]
    if key is not None and key[0] == family and key[1] == address:
        return memo[1]
    converted = _sockaddr_convert(family, address, caller)
    memo[0] = (family, address)
    memo[1] = converted
    return converted


def _sockaddr_convert(family, address, caller):
    if family == AF_INET:
        if not isinstance(address, tuple):
            raise TypeError(f"{caller}(): AF_INET address must be tuple, "
                            f"not {address.__class__.__name__}")
        if len(address) != 2:
            raise TypeError("AF_INET address must be a pair (host, port)")
        host = _host_arg(address[0])
        port = address[1]
        if port.__class__ is not int:
            port = _index(port)
        if 0 <= port <= 0xFFFF:
            return _AddrInet(_InetAddress(host, port))
        raise OverflowError(f"{caller}(): port must be 0-65535.")
    if family == AF_INET6:
        if not isinstance(address, tuple):
            raise TypeError(f"{caller}(): AF_INET6 address must be tuple, "
                            f"not {address.__class__.__name__}")
        size = len(address)
        if not 2 <= size <= 4:
            raise TypeError("AF_INET6 address must be a tuple "
                            "(host, port[, flowinfo[, scopeid]])")
        host = _host_arg(address[0])
        port = address[1]
        if port.__class__ is not int:
            port = _index(port)
        flowinfo = _index(address[2]) & _U32_MAX if size > 2 else 0
        scope_id = _index(address[3]) & _U32_MAX if size > 3 else 0
        if not 0 <= port <= 0xFFFF:
            raise OverflowError(f"{caller}(): port must be 0-65535.")
        if flowinfo > 0xFFFFF:
            raise OverflowError(f"{caller}(): flowinfo must be 0-1048575.")
        return _AddrInet6(_Inet6Address(host, port, flowinfo, scope_id))
    if family == AF_UNIX:
        if isinstance(address, str):
            path = _os.fsencode(address)
        elif address.__class__ is bytes:
            path = address
        else:
            path = _bytes_arg(address)
        if not path or path[0] == 0:
            # Linux abstract namespace (or autobind for an empty name)
            if len(path) > _AF_UNIX_PATH_MAX:
                raise OSError("AF_UNIX path too long")
        elif len(path) >= _AF_UNIX_PATH_MAX:
            raise OSError("AF_UNIX path too long")
        elif path[0] != 0x2F:  # b'/'
            path = _absolute_unix_path(path)
        return _AddrUnix(path)
    raise OSError(f"{caller}(): bad family")


# {absolute path: the relative path it was given as} for AF_UNIX paths this
# guest named relative to its working directory (newest last, bounded).
_relative_unix_paths = {}
_RELATIVE_UNIX_PATHS_KEPT = 1024


def _absolute_unix_path(path):
    """A relative AF_UNIX path (bytes) resolved against the working directory.

    The kernel resolves a relative ``sun_path`` against the caller's working
    directory. The host cannot: a guest's working directory lives in the
    guest's libc. So the shim sends the absolute path (which the policy
    checks against ``--allow-unix``) and remembers the path as given, which
    ``getsockname()``/``getpeername()``/``recvfrom()`` report, as Linux does.
    """
    absolute = _os.path.normpath(_os.path.join(_os.getcwdb(), path))
    kept = _relative_unix_paths
    kept.pop(absolute, None)
    kept[absolute] = path
    if len(kept) > _RELATIVE_UNIX_PATHS_KEPT:
        del kept[next(iter(kept))]
    return absolute


def _sockaddr_out(address):
    """CPython's makesockaddr: a WIT ``address`` (or none) as Python's."""
    kind = address.__class__
    if kind is _AddrInet:
        value = address.value
        return (value.host, value.port)
    if kind is _AddrInet6:
        value = address.value
        return (value.host, value.port, value.flowinfo, value.scope_id)
    if address is None:
        return None
    return _unix_path_out(address.value)


def _sockaddr_from_core(address):
    """makesockaddr for an address from the native core: it builds the
    AF_INET/AF_INET6 tuples itself and gives AF_UNIX paths as bytes."""
    if address.__class__ is tuple or address is None:
        return address
    return _unix_path_out(address)


def _unix_path_out(path):
    """An AF_UNIX path from the host as CPython returns it."""
    if path[:1] == b'\0':
        return bytes(path)          # abstract name: bytes, NUL included
    end = path.find(b'\0')
    if end >= 0:
        path = path[:end]
    return _os.fsdecode(_relative_unix_paths.get(path, path))
