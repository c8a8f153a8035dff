"""The module-level functions of ``_socket`` that need no socket object: names
and services (the WIT interface ``resolve``: ``getaddrinfo``, ``getnameinfo``,
``gethostby*``, ``getservby*``, ``getprotobyname``, ``gethostname``,
``if_nameindex``...) and the pure functions (``hton*``, ``inet_*``,
``CMSG_*``), which are computed here without calling the host."""

from componentize_py_types import Err as _Err
from wit_world.imports import resolve as _wresolve
import errno as _errno
import os as _os
from operator import index as _index

from ._socket_constants import AF_INET, AF_INET6, EAI_NODATA, EAI_NONAME, EAI_SERVICE
from ._socket_errors import _exc, _netdb_exc, gaierror
from ._socket_args import (
    _MISSING, _SOCKLEN_LIMIT, _U32_MAX, _arg_i, _as_ssize, _as_unsigned, _bytes_arg, _str_arg,
)
from ._socket_addresses import (
    _AddrInet, _AddrInet6, _Inet6Address, _InetAddress, _decode_host, _et_idna, _idna,
    _sockaddr_out,
)
from ._socket_ancillary import _CMSG_HDR, _cmsg_space

# ---------------------------------------------------------------------------
# Module functions: names and services (WIT interface `resolve`)


def getaddrinfo(host, port, family=0, type=0, proto=0, flags=0):
    """getaddrinfo(host, port [, family, type, proto, flags])
    -> list of (family, type, proto, canonname, sockaddr)

Resolve host and port into addrinfo struct."""
    if host is None:
        name = None
    elif isinstance(host, str):
        name = _idna(host)
    elif isinstance(host, bytes):
        name = _decode_host(host)
    else:
        raise TypeError("getaddrinfo() argument 1 must be string or None")
    if name is not None and '\0' in name:
        name = name[:name.index('\0')]  # CPython hands a C string to getaddrinfo
    if port is None:
        service = None
    elif hasattr(port.__class__, '__index__'):
        service = str(_index(port))
    elif isinstance(port, str):
        if not port.isascii():
            port.encode('utf-8')  # lone surrogates: UnicodeEncodeError, as in CPython
        service = str(port)
    elif isinstance(port, bytes):
        try:
            service = port.decode('utf-8')
        except UnicodeDecodeError:
            service = None
        if service is None:
            raise gaierror(EAI_SERVICE, 'Servname not supported for ai_socktype')
    else:
        raise OSError("Int or String expected")
    if service is not None and '\0' in service:
        service = service[:service.index('\0')]
    family = _arg_i(family)
    type = _arg_i(type)
    proto = _arg_i(proto)
    flags = _arg_i(flags)
    error = None
    try:
        infos = _wresolve.getaddrinfo(name, service, family, type, proto, flags)
    except _Err as e:
        error = e.value
    if error is not None:
        raise _exc(error)
    return [(info.family, info.socket_type, info.proto, info.canonname,
             _sockaddr_out(info.address)) for info in infos]


def getnameinfo(sockaddr, flags, /):
    """getnameinfo(sockaddr, flags) --> (host, port)

Get host and port for a sockaddr."""
    flags = _arg_i(flags)
    if not isinstance(sockaddr, tuple):
        # The traceback keeps this frame alive; drop the caller's object
        # first, so a failed call holds no reference to it (CPython's C
        # function holds none).
        del sockaddr
        raise TypeError("getnameinfo() argument 1 must be a tuple")
    size = len(sockaddr)
    if not 2 <= size <= 4 or not isinstance(sockaddr[0], str):
        raise TypeError("getnameinfo(): illegal sockaddr argument")
    host = _str_arg(sockaddr[0], "getnameinfo", 1)
    port = _arg_i(sockaddr[1])
    flowinfo = _index(sockaddr[2]) & _U32_MAX if size > 2 else 0
    scope_id = _index(sockaddr[3]) & _U32_MAX if size > 3 else 0
    if flowinfo > 0xFFFFF:
        raise OverflowError("getnameinfo(): flowinfo must be 0-1048575.")
    # CPython resolves the sockaddr with getaddrinfo(host, str(port),
    # AF_UNSPEC, SOCK_DGRAM, AI_NUMERICHOST); the same, done here:
    if port < 0:
        raise gaierror(EAI_SERVICE, 'Servname not supported for ai_socktype')
    port &= 0xFFFF  # glibc keeps the low 16 bits of a numeric service
    packed = _aton(host, True)
    if packed is not None:
        if size != 2:
            raise OSError("IPv4 sockaddr must be 2 tuple")
        address = _AddrInet(_InetAddress(_ntoa(packed), port))
    else:
        numeric = host.partition('%')[0]
        if _pton6(numeric) is None:
            raise gaierror(EAI_NONAME, 'Name or service not known')
        # CPython overwrites the scope id with the tuple's (0 by default)
        address = _AddrInet6(_Inet6Address(numeric, port, flowinfo, scope_id))
    try:
        return _wresolve.getnameinfo(address, flags)
    except _Err as e:
        error = e.value
    raise _exc(error)


def gethostbyname(hostname, /):
    """gethostbyname(host) -> address

Return the IP address (a string of the form '255.255.255.255') for a host."""
    name = _et_idna(hostname, "gethostbyname")
    if not name:
        return '0.0.0.0'
    if name == '<broadcast>' or name == '255.255.255.255':
        return '255.255.255.255'
    packed = _aton(name, True)  # numeric, as getaddrinfo reads it ("127.1", "0x7f.1")
    if packed is not None:
        return _ntoa(packed)
    error = None
    try:
        entry = _wresolve.gethostbyname_ex(name)
    except _Err as e:
        error = e.value
    if error is not None:
        raise _exc(error)
    if not entry.addresses:
        raise gaierror(EAI_NODATA, 'No address associated with hostname')
    return entry.addresses[0]


def gethostbyname_ex(hostname, /):
    """gethostbyname_ex(host) -> (name, aliaslist, addresslist)

Return the true host name, a list of aliases, and a list of IP addresses,
for a host.  The host argument is a string giving a host name or IP number."""
    return _host_entry(_wresolve.gethostbyname_ex, _et_idna(hostname, "gethostbyname_ex"))


def gethostbyaddr(ip_address, /):
    """gethostbyaddr(host) -> (name, aliaslist, addresslist)

Return the true host name, a list of aliases, and a list of IP addresses,
for a host.  The host argument is a string giving a host name or IP number."""
    return _host_entry(_wresolve.gethostbyaddr, _et_idna(ip_address, "gethostbyaddr"))


def _host_entry(lookup, name):
    """Runs the host's ``lookup`` (gethostbyname_ex or gethostbyaddr) for
    ``name`` and returns its entry as CPython's (name, aliaslist,
    addresslist), raising the error it reports outside the binding's
    ``except`` (no ``__context__``)."""
    error = None
    try:
        entry = lookup(name)
    except _Err as e:
        error = e.value
    if error is not None:
        raise _exc(error)
    return entry.name, list(entry.aliases), list(entry.addresses)


def gethostname():
    """gethostname() -> string

Return the current host name."""
    try:
        return _wresolve.gethostname()
    except _Err as e:
        error = e.value
    raise _exc(error)


def sethostname(name, /):
    """sethostname(name)

Sets the hostname to name. A guest may not: PermissionError, as for a
process without CAP_SYS_ADMIN on Linux."""
    if not isinstance(name, bytes):
        _os.fsencode(name)
    raise OSError(_errno.EPERM, _os.strerror(_errno.EPERM))


def getservbyname(servicename, protocolname=_MISSING, /):
    """getservbyname(servicename[, protocolname]) -> integer

Return a port number from a service name and protocol name."""
    name = _str_arg(servicename, "getservbyname", 1)
    proto = None if protocolname is _MISSING else _str_arg(protocolname, "getservbyname", 2)
    try:
        return _wresolve.getservbyname(name, proto)
    except _Err as e:
        error = e.value
    raise _netdb_exc(error)


def getservbyport(port, protocolname=_MISSING, /):
    """getservbyport(port[, protocolname]) -> string

Return the service name from a port number and protocol name."""
    port = _arg_i(port)
    proto = None if protocolname is _MISSING else _str_arg(protocolname, "getservbyport", 2)
    if not 0 <= port <= 0xFFFF:
        raise OverflowError("getservbyport: port must be 0-65535.")
    try:
        return _wresolve.getservbyport(port, proto)
    except _Err as e:
        error = e.value
    raise _netdb_exc(error)


def getprotobyname(name, /):
    """getprotobyname(name) -> integer

Return the protocol number for the named protocol."""
    name = _str_arg(name, "getprotobyname", 1)
    try:
        return _wresolve.getprotobyname(name)
    except _Err as e:
        error = e.value
    raise _netdb_exc(error)


def if_nameindex():
    """if_nameindex()

Returns a list of network interface information (index, name) tuples."""
    try:
        return [(index, name) for index, name in _wresolve.if_nameindex()]
    except _Err as e:
        error = e.value
    raise _exc(error)


def if_nametoindex(oname, /):
    """Returns the interface index corresponding to the interface name if_name."""
    wanted = _os.fsencode(oname)
    if 0 in wanted:
        raise ValueError("embedded null byte")
    for index, name in if_nameindex():
        if _os.fsencode(name) == wanted:
            return index
    # glibc's if_nametoindex fails with ENODEV (from its SIOCGIFINDEX
    # ioctl), which CPython 3.14 reports.
    raise OSError(_errno.ENODEV, _os.strerror(_errno.ENODEV))


def if_indextoname(if_index, /):
    """Returns the interface name corresponding to the interface index if_index."""
    if_index = _as_unsigned(if_index, _U32_MAX, "unsigned int")
    for index, name in if_nameindex():
        if index == if_index:
            return name
    raise OSError(_errno.ENXIO, _os.strerror(_errno.ENXIO))

# ---------------------------------------------------------------------------
# Pure functions: byte order, address text, control messages


def ntohs(integer, /):
    """Convert a 16-bit unsigned integer from network to host byte order."""
    x = _as_unsigned(integer, 0xFFFF, "uint16_t")
    return ((x & 0xFF) << 8) | (x >> 8)


def htons(integer, /):
    """Convert a 16-bit unsigned integer from host to network byte order."""
    x = _as_unsigned(integer, 0xFFFF, "uint16_t")
    return ((x & 0xFF) << 8) | (x >> 8)


def ntohl(integer, /):
    """Convert a 32-bit unsigned integer from network to host byte order."""
    x = _as_unsigned(integer, _U32_MAX, "uint32_t")
    return int.from_bytes(x.to_bytes(4, 'little'), 'big')


def htonl(integer, /):
    """Convert a 32-bit unsigned integer from host to network byte order."""
    x = _as_unsigned(integer, _U32_MAX, "uint32_t")
    return int.from_bytes(x.to_bytes(4, 'little'), 'big')


_DIGITS = '0123456789'
_OCTAL = '01234567'
_HEX = '0123456789abcdefABCDEF'
_C_SPACE = ' \t\n\v\f\r'
_ATON_LIMIT = (0xFFFFFFFF, 0xFFFFFF, 0xFFFF, 0xFF)


def _aton(text, exact):
    """glibc's inet_aton(): 4 bytes, or None.

    Parts are C numbers (0x hex, 0 octal, decimal): ``a.b.c.d``, ``a.b.c``
    (c has 16 bits), ``a.b`` (b has 24 bits) or ``a`` (32 bits). inet_aton
    ignores anything after a whitespace character; ``exact`` (what
    getaddrinfo uses) wants the whole string.
    """
    size = len(text)
    parts = []
    i = 0
    while True:
        if i >= size or text[i] not in _DIGITS:
            return None
        if text[i] == '0' and i + 1 < size and text[i + 1] in 'xX':
            j = i + 2
            while j < size and text[j] in _HEX:
                j += 1
            if j == i + 2:       # "0x" without digits: strtoul reads the "0"
                value = 0
                i += 1
            else:
                value = int(text[i + 2:j], 16)
                i = j
        elif text[i] == '0':
            j = i + 1
            while j < size and text[j] in _OCTAL:
                j += 1
            value = int(text[i:j], 8)
            i = j
        else:
            j = i
            while j < size and text[j] in _DIGITS:
                j += 1
            value = int(text[i:j])
            i = j
        if value > 0xFFFFFFFF:
            return None
        if i < size and text[i] == '.':
            if len(parts) > 2 or value > 0xFF:
                return None
            parts.append(value)
            i += 1
            continue
        break
    if i < size and (exact or text[i] not in _C_SPACE):
        return None
    if value > _ATON_LIMIT[len(parts)]:
        return None
    for position, part in enumerate(parts):
        value |= part << (24 - 8 * position)
    return value.to_bytes(4, 'big')


def _pton4(text):
    """glibc's inet_pton(AF_INET): exactly four decimal parts 0-255 without
    leading zeros. 4 bytes, or None."""
    parts = text.split('.')
    if len(parts) != 4:
        return None
    packed = bytearray()
    for part in parts:
        if not part or len(part) > 3 or not (part.isascii() and part.isdigit()):
            return None
        if part[0] == '0' and len(part) > 1:
            return None
        value = int(part)
        if value > 255:
            return None
        packed.append(value)
    return bytes(packed)


def _pton6(text):
    """glibc's inet_pton(AF_INET6): 16 bytes, or None."""
    size = len(text)
    if not size:
        return None
    i = 0
    if text[0] == ':':
        if size < 2 or text[1] != ':':
            return None
        i = 1
    words = []
    gap = None          # where "::" stands, as an index into words
    token = i           # start of the current group
    digits = 0
    value = 0
    while i < size:
        char = text[i]
        i += 1
        if char in _HEX:
            if digits == 4:
                return None
            value = (value << 4) | int(char, 16)
            digits += 1
            continue
        if char == ':':
            token = i
            if not digits:
                if gap is not None:
                    return None
                gap = len(words)
                continue
            if i == size or len(words) == 8:
                return None
            words.append(value)
            digits = 0
            value = 0
            continue
        if char == '.' and len(words) <= 6:
            quad = _pton4(text[token:])
            if quad is None:
                return None
            words.append((quad[0] << 8) | quad[1])
            words.append((quad[2] << 8) | quad[3])
            digits = 0
            break
        return None
    if digits:
        if len(words) == 8:
            return None
        words.append(value)
    if gap is not None:
        if len(words) == 8:
            return None
        words[gap:gap] = [0] * (8 - len(words))
    if len(words) != 8:
        return None
    return b''.join(word.to_bytes(2, 'big') for word in words)


def _ntoa(packed):
    return f"{packed[0]}.{packed[1]}.{packed[2]}.{packed[3]}"


def _ntop6(packed):
    """glibc's inet_ntop(AF_INET6): the first longest run (2+ groups) of
    zeros is "::"; ::a.b.c.d and ::ffff:a.b.c.d keep their IPv4 tail."""
    words = [(packed[k] << 8) | packed[k + 1] for k in range(0, 16, 2)]
    best, best_len, start = -1, 0, -1
    for k in range(9):
        if k < 8 and not words[k]:
            if start < 0:
                start = k
        elif start >= 0:
            if k - start > best_len:
                best, best_len = start, k - start
            start = -1
    if best_len < 2:
        best = -1
    text = []
    k = 0
    while k < 8:
        if best >= 0 and best <= k < best + best_len:
            if k == best:
                text.append(':')
            k += 1
            continue
        if k:
            text.append(':')
        if k == 6 and best == 0 and (best_len == 6 or (best_len == 5 and words[5] == 0xFFFF)):
            text.append(_ntoa(packed[12:]))
            break
        text.append(f"{words[k]:x}")
        k += 1
    if best >= 0 and best + best_len == 8:
        text.append(':')
    return ''.join(text)


def inet_aton(ip_addr, /):
    """Convert an IP address in string format (123.45.67.89) to the 32-bit packed binary format used in low-level network functions."""
    if not isinstance(ip_addr, str):
        raise TypeError(f"inet_aton() argument must be str, not {ip_addr.__class__.__name__}")
    if '\0' in ip_addr:
        raise ValueError("embedded null character")
    packed = _aton(ip_addr, False)
    if packed is None:
        raise OSError("illegal IP address string passed to inet_aton")
    return packed


def inet_ntoa(packed_ip, /):
    """Convert an IP address from 32-bit packed binary format to string format."""
    if packed_ip.__class__ is not bytes:
        packed_ip = _bytes_arg(packed_ip)
    if len(packed_ip) != 4:
        raise OSError("packed IP wrong length for inet_ntoa")
    return _ntoa(packed_ip)


def inet_pton(af, ip, /):
    """inet_pton(af, ip) -> packed IP address string

Convert an IP address from string format to a packed string suitable
for use with low-level network functions."""
    af = _arg_i(af)
    ip = _str_arg(ip, "inet_pton", 2)
    if af == AF_INET:
        packed = _pton4(ip)
    elif af == AF_INET6:
        packed = _pton6(ip)
    else:
        raise OSError(_errno.EAFNOSUPPORT, _os.strerror(_errno.EAFNOSUPPORT))
    if packed is None:
        raise OSError("illegal IP address string passed to inet_pton")
    return packed


def inet_ntop(af, packed_ip, /):
    """inet_ntop(af, packed_ip) -> string formatted IP address

Convert a packed IP address of the given family to string format."""
    af = _arg_i(af)
    if packed_ip.__class__ is not bytes:
        packed_ip = _bytes_arg(packed_ip)
    if af == AF_INET:
        if len(packed_ip) != 4:
            raise ValueError("invalid length of packed IP address string")
        return _ntoa(packed_ip)
    if af == AF_INET6:
        if len(packed_ip) != 16:
            raise ValueError("invalid length of packed IP address string")
        return _ntop6(packed_ip)
    raise ValueError(f"unknown address family {af}")


def CMSG_LEN(length, /):
    """CMSG_LEN(length) -> control message length

Return the total length, without trailing padding, of an ancillary
data item with associated data of the given length."""
    length = _as_ssize(length)
    if not 0 <= length <= _SOCKLEN_LIMIT - _CMSG_HDR:
        raise OverflowError("CMSG_LEN() argument out of range")
    return _CMSG_HDR + length


def CMSG_SPACE(length, /):
    """CMSG_SPACE(length) -> buffer size

Return the buffer size needed for recvmsg() to receive an ancillary
data item with associated data of the given length, along with any
trailing padding."""
    length = _as_ssize(length)
    if not 0 <= length <= _SOCKLEN_LIMIT - _cmsg_space(1):
        raise OverflowError("CMSG_SPACE() argument out of range")
    return _cmsg_space(length)
