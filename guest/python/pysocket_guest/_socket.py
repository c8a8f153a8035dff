"""Drop-in ``_socket`` for Python inside WebAssembly, served by the pysocket host.

``pysocket_guest.install()`` puts this module in ``sys.modules['_socket']``
before the stdlib ``socket`` module is first imported, so the unmodified
``Lib/socket.py`` (and ``selectors``, ``socketserver``, ``http.client``,
``asyncio`` on top of it) runs on it with the behaviour of CPython on Linux.

How it maps to the WIT package ``pysocket:socket`` (``wit/*.wit``):

* ``socket`` objects hold the host's descriptor number of the socket (what
  ``fileno()`` returns); every method is one call of the WIT ``socket``
  function of the same name with that number (``recv`` -> ``recv``,
  ``settimeout`` -> ``set-timeout``, ``getsockopt`` ->
  ``getsockopt-int``/``getsockopt-bytes`` ...). The timeout lives in the host
  (``set-timeout``); the object keeps a copy in nanoseconds only to answer
  ``gettimeout()`` without a call. A closed or detached object holds
  ``_NO_FD``, which the host answers with EBADF.
* Module functions map to the ``socket`` interface (``socketpair``,
  ``dup``, ``close``) and to ``resolve``
  (``getaddrinfo``, ``getnameinfo``, ``gethostby*``, ``getservby*``,
  ``getprotobyname``, ``gethostname``, ``if_nameindex``).
* Integers (families, types, levels, options, flags) are the Linux x86-64
  numbers on both sides, so the constants below are Linux's, not WASI's.
* Host errors arrive as ``componentize_py_types.Err(types.Error)`` and are
  raised as the exception CPython raises (see ``_exc``): an errno *name*
  becomes this interpreter's ``errno.<NAME>`` value, so ``OSError`` picks the
  subclass CPython picks (``ConnectionRefusedError``, ``BlockingIOError``...).
* Pure functions (``inet_*``, ``hton*``, ``CMSG_*``) and argument checking are
  done in the guest, with CPython's messages, without calling the host.

The module is assembled from parts, one job each; this file holds the socket
type and the module functions that make or take sockets (``socketpair``,
``dup``, ``close``, the default timeout):

* ``_socket_constants``: the constants (re-exported here by ``*``);
* ``_socket_errors``: host errors -> CPython's exceptions; ``herror``, ``gaierror``;
* ``_socket_args``: argument conversion with CPython's messages;
* ``_socket_addresses``: host names and socket addresses;
* ``_socket_ancillary``: ``sendmsg``/``recvmsg`` ancillary data;
* ``_socket_functions``: DNS and services, ``if_*``, ``hton*``, ``inet_*``, ``CMSG_*``.
"""

from componentize_py_types import Err as _Err
from wit_world.imports import socket as _wsock
import _pysocket_core as _core
import errno as _errno
from _warnings import warn as _warn
from operator import index as _index

from ._socket_errors import (
    _ERRNO_NUMBER, _E_Os, _E_Timeout, _NO_FD, _ebadf, _exc, _guest_errno, _not_a_socket,
    _reported_by_close,
)
from ._socket_args import (
    _INT_MAX, _MISSING, _SOCKLEN_LIMIT, _U32_MAX, _arg_i, _as_int, _as_long, _as_ssize,
    _bufsize, _bytes_arg, _data_arg, _seconds, _timeout_arg, _writable,
)
from ._socket_addresses import _sockaddr, _sockaddr_from_core, _sockaddr_out
from ._socket_ancillary import _AncillaryItem, _ancillary, _ancillary_arg, _buffers_arg

# The public names of the parts, so that ``_socket`` has them all.
from ._socket_constants import *  # noqa: F401,F403
from ._socket_errors import error, gaierror, has_ipv6, herror, timeout  # noqa: F401
from ._socket_functions import (  # noqa: F401
    CMSG_LEN, CMSG_SPACE, getaddrinfo, gethostbyaddr, gethostbyname, gethostbyname_ex,
    gethostname, getnameinfo, getprotobyname, getservbyname, getservbyport, htonl, htons,
    if_indextoname, if_nameindex, if_nametoindex, inet_aton, inet_ntoa, inet_ntop, inet_pton,
    ntohl, ntohs, sethostname,
)

# The cases of the WIT sockopt-value, for _pysocket_core.setsockopt.
_SOCKOPT_INT = 0
_SOCKOPT_BYTES = 1
_SOCKOPT_NULL = 2
# {descriptor: its timeout in the host} for the one descriptor that _accept
# returned last, until an object takes it or the number is closed or reused.
_accepted = {}
_default_timeout = None  # nanoseconds or None, like CPython's state->defaulttimeout

# ---------------------------------------------------------------------------
# The socket type


def _recv_target(buffer, method):
    """``(view, target)`` for a ``w*`` argument of recv_into/recvfrom_into:
    bytearrays and flat byte memoryviews are written in place (``view`` is
    None; what SocketIO.readinto passes); others through a view the caller
    releases."""
    kind = buffer.__class__
    if kind is bytearray or (kind is memoryview and buffer.ndim == 1 and buffer.format == 'B'
                             and not buffer.readonly and buffer.c_contiguous):
        return None, buffer
    view = _writable(buffer)
    if view is None:
        raise TypeError(f"{method}() argument 1 must be read-write bytes-like "
                        f"object, not {kind.__name__}")
    return view, view


def _store(target, data, nbytes):
    """Copies received ``data`` into ``target``; returns the length the OS
    reported (with MSG_TRUNC a datagram's real length, of which only
    ``nbytes`` fit)."""
    received = len(data)
    if received > nbytes:
        target[:nbytes] = data[:nbytes]
    else:
        target[:received] = data
    return received


class _ImmutableType(type):
    """The metaclass of ``_socket.socket``: like CPython's static type, it
    refuses attribute assignment and deletion on the class itself
    (``TypeError: cannot set 'x' attribute of immutable type
    '_socket.socket'``), while subclasses (``socket.socket`` in
    ``Lib/socket.py``) stay ordinary, mutable classes."""

    def __setattr__(cls, name, value):
        if cls is socket:
            raise TypeError(f"cannot set {name!r} attribute of immutable type '_socket.socket'")
        type.__setattr__(cls, name, value)

    def __delattr__(cls, name):
        if cls is socket:
            raise TypeError(f"cannot delete {name!r} attribute of immutable type '_socket.socket'")
        type.__delattr__(cls, name)


class socket(metaclass=_ImmutableType):
    """socket(family=AF_INET, type=SOCK_STREAM, proto=0) -> socket object
socket(family=-1, type=-1, proto=-1, fileno=None) -> socket object

Open a socket of the given type.  The family argument specifies the
address family; it defaults to AF_INET.  The type argument specifies
whether this is a stream (SOCK_STREAM, this is the default)
or datagram (SOCK_DGRAM) socket.  The protocol argument defaults to 0,
specifying the default protocol.  Keyword arguments are accepted.

When a fileno is passed in, family, type and proto are auto-detected,
unless they are explicitly set.

A pysocket socket: the operations are carried out by the host, see the
module docstring."""

    __module__ = '_socket'
    # _fd: the host's descriptor number (_NO_FD once closed or detached);
    # _timeout: nanoseconds or None. No __new__ sets them (a Python __new__
    # costs 1.5 µs in the guest, a tenth of socket() + close()): __init__
    # does. __del__ and __repr__ may meet an object whose __init__ failed,
    # and read them with getattr; other methods of such an object raise
    # AttributeError.
    __slots__ = ('_fd', '_family', '_type', '_proto', '_timeout')

    def __init__(self, family=-1, type=-1, proto=-1, fileno=None):
        if family.__class__ is not int:
            family = _as_int(family)
        if type.__class__ is not int:
            type = _as_int(type)
        if proto.__class__ is not int:
            proto = _as_int(proto)
        if fileno is None:
            if family == -1:
                family = AF_INET
            if type == -1:
                type = SOCK_STREAM
            if proto == -1:
                proto = 0
            error = None
            try:
                fd = _core.create(family, type, proto)
            except _Err as e:
                error = e.value
            if error is not None:
                raise _exc(error)
            current = 0 if type & SOCK_NONBLOCK else None
        else:
            fd = _as_long(fileno)
            if fd < 0:
                raise ValueError("negative file descriptor")
            if fd >= _NO_FD:
                raise _ebadf()
            current = _accepted.pop(fd, _MISSING)
            if current is _MISSING or -1 in (family, type, proto):
                error = None
                try:
                    info = _wsock.info(fd)
                except _Err as e:
                    error = e.value
                if error is not None:
                    # CPython leaves the caller's descriptor open on this failure.
                    raise _exc(_not_a_socket(fd, error))
                if family == -1:
                    family = info.family
                if type == -1:
                    type = info.socket_type
                if proto == -1:
                    proto = info.proto
                current = info.timeout
        timeout = 0 if type & SOCK_NONBLOCK else _default_timeout
        if timeout != current:
            error = None
            try:
                _core.set_timeout(fd, timeout)
            except _Err as e:
                error = e.value
            if error is not None:
                if fileno is None:
                    _close_quietly(fd)
                raise _exc(error)
        # Calling __init__ again on a live object does not close its old
        # descriptor, as in CPython (the instance's exit still does).
        self._fd = fd
        self._family = family
        self._type = type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC)
        self._proto = proto
        self._timeout = timeout

    family = property(lambda self: self._family, doc="the socket family")
    type = property(lambda self: self._type, doc="the socket type")
    proto = property(lambda self: self._proto, doc="the socket protocol")
    timeout = property(lambda self: _seconds(self._timeout), doc="the socket timeout")

    def __repr__(self):
        return (f"<socket object, fd={self.fileno()}, family={getattr(self, '_family', 0)}, "
                f"type={getattr(self, '_type', 0)}, proto={getattr(self, '_proto', 0)}>")

    def __getstate__(self):
        raise TypeError(f"cannot pickle {self.__class__.__name__!r} object")

    def __del__(self, _NO_FD=_NO_FD, _warn=_warn):
        # (globals bound as defaults: they may be gone at interpreter exit)
        if getattr(self, '_fd', _NO_FD) != _NO_FD:
            try:
                _warn(f"unclosed {self!r}", ResourceWarning, 1, self)
            finally:
                fd = self._fd
                self._fd = _NO_FD
                _close_quietly(fd)

    # -- descriptor ------------------------------------------------------

    def fileno(self):
        """fileno() -> integer

Return the integer file descriptor of the socket."""
        fd = self._fd
        return -1 if fd == _NO_FD else fd

    def close(self):
        """close()

Close the socket.  It cannot be used after this call."""
        fd = self._fd
        if fd == _NO_FD:
            return
        self._fd = _NO_FD
        # CPython ignores ECONNRESET from close() (bpo-30319), the only error
        # Linux gives for sockets in practice; EBADF means the number was
        # closed behind the object's back (by _socket.close), which
        # CPython reports.
        error = None
        try:
            _core.close(fd)
        except _Err as e:
            error = e.value
        if error is not None and _reported_by_close(error):
            raise _exc(error)

    def detach(self):
        """detach()

Close the socket object without closing the underlying file descriptor.
The object cannot be used after this call, but the file descriptor
can be reused for other purposes.  The file descriptor is returned."""
        fd = self._fd
        self._fd = _NO_FD
        return -1 if fd == _NO_FD else fd

    # -- connection setup ------------------------------------------------

    def bind(self, address, /):
        """bind(address)

Bind the socket to a local address."""
        address = _sockaddr(self._family, address, "bind")
        error = None
        try:
            _core.bind(self._fd, address)
        except _Err as e:
            error = e.value
        if error is not None:
            raise _exc(error)

    def listen(self, backlog=min(SOMAXCONN, 128), /):
        """listen([backlog])

Enable a server to accept connections."""
        backlog = _arg_i(backlog)
        error = None
        try:
            _wsock.listen(self._fd, backlog if backlog > 0 else 0)
        except _Err as e:
            error = e.value
        if error is not None:
            raise _exc(error)

    def _accept(self):
        """_accept() -> (integer, address info)

Wait for an incoming connection.  Return a new socket file descriptor
representing the connection, and the address of the client."""
        error = None
        try:
            fd, address = _wsock.accept(self._fd)
        except _Err as e:
            error = e.value
        if error is not None:
            raise _exc(error)
        # socket.py wraps the number at once with family, type and proto
        # given: the timeout of a new descriptor is known (none), so that
        # needs no info() call.
        _accepted.clear()
        _accepted[fd] = None
        return fd, _sockaddr_out(address)

    def connect(self, address, /):
        """connect(address)

Connect the socket to a remote address."""
        address = _sockaddr(self._family, address, "connect")
        error = None
        try:
            _core.connect(self._fd, address)
        except _Err as e:
            error = e.value
        if error is not None:
            raise _exc(error)

    def connect_ex(self, address, /):
        """connect_ex(address) -> errno

This is like connect(address), but returns an error code (the errno value)
instead of raising an exception when an error occurs."""
        address = _sockaddr(self._family, address, "connect_ex")
        if self._fd == _NO_FD:
            return _errno.EBADF
        try:
            _core.connect(self._fd, address)
            return 0
        except _Err as e:
            error = e.value
        kind = error.__class__
        if kind is _E_Os:
            number = _ERRNO_NUMBER.get(error.value.code)
            if number is not None:
                return number
            # No number for this name in this interpreter: raise instead
            # of returning a number that would mean something else.
        elif kind is _E_Timeout:
            return _errno.EAGAIN  # CPython returns EWOULDBLOCK on timeout
        raise _exc(error)

    def shutdown(self, how, /):
        """shutdown(flag)

Shut down the reading side of the socket (flag == SHUT_RD), the writing side
of the socket (flag == SHUT_WR), or both ends (flag == SHUT_RDWR)."""
        how = _as_int(how)
        error = None
        try:
            _wsock.shutdown(self._fd, how)
        except _Err as e:
            error = e.value
        if error is not None:
            raise _exc(error)

    def getsockname(self):
        """getsockname() -> address info

Return the address of the local endpoint."""
        try:
            return _sockaddr_out(_wsock.getsockname(self._fd))
        except _Err as e:
            error = e.value
        raise _exc(error)

    def getpeername(self):
        """getpeername() -> address info

Return the address of the remote endpoint."""
        try:
            return _sockaddr_out(_wsock.getpeername(self._fd))
        except _Err as e:
            error = e.value
        raise _exc(error)

    # -- options and timeouts --------------------------------------------

    def getsockopt(self, level, option, buflen=0, /):
        """getsockopt(level, option[, buffersize]) -> value

Get a socket option.  With a nonzero buffersize the value is returned
as bytes; otherwise it is an integer."""
        level = _arg_i(level)
        option = _arg_i(option)
        buflen = _arg_i(buflen)
        error = None
        try:
            if buflen == 0:
                value = _wsock.getsockopt_int(self._fd, level, option)
                if value and option == 4 and level == 1:  # SOL_SOCKET, SO_ERROR
                    return _guest_errno(value)
                return value
            if not 0 < buflen <= 1024:
                raise OSError("getsockopt buflen out of range")
            return _wsock.getsockopt_bytes(self._fd, level, option, buflen)
        except _Err as e:
            error = e.value
        if error is not None:
            raise _exc(error)

    def setsockopt(self, *args):
        """setsockopt(level, option, value: int)
setsockopt(level, option, value: buffer)
setsockopt(level, option, None, optlen: int)

Set a socket option."""
        count = len(args)
        if count == 3:
            level = _arg_i(args[0])
            option = _arg_i(args[1])
            value = args[2]
            try:
                number = _arg_i(value)
            except (TypeError, OverflowError):
                number = None
            if number is None:
                # not an int: the value is a buffer (CPython's third parse)
                kind = _SOCKOPT_BYTES
                value = value if value.__class__ is bytes else _bytes_arg(value)
            else:
                kind = _SOCKOPT_INT
                value = number
        elif count == 4:
            value = None
            try:
                level = _arg_i(args[0])
                option = _arg_i(args[1])
                if args[2] is None:
                    kind = _SOCKOPT_NULL
                    value = _index(args[3]) & _U32_MAX
            except (TypeError, OverflowError):
                pass
            if value is None:
                raise TypeError("setsockopt() takes exactly 3 arguments (4 given)")
        else:
            raise TypeError(f"setsockopt() takes exactly 3 arguments ({count} given)")
        error = None
        try:
            _core.setsockopt(self._fd, level, option, kind, value)
        except _Err as e:
            error = e.value
        if error is not None:
            raise _exc(error)

    def setblocking(self, flag, /):
        """setblocking(flag)

Set the socket to blocking (flag is true) or non-blocking (false).
setblocking(True) is equivalent to settimeout(None);
setblocking(False) is equivalent to settimeout(0.0)."""
        timeout = None if flag else 0
        self._timeout = timeout
        error = None
        try:
            _core.set_timeout(self._fd, timeout)
        except _Err as e:
            error = e.value
        if error is not None:
            raise _exc(error)

    def getblocking(self):
        """getblocking()

Returns True if socket is in blocking mode, or False if it
is in non-blocking mode."""
        return self._timeout != 0

    def settimeout(self, timeout, /):
        """settimeout(timeout)

Set a timeout on socket operations.  'timeout' can be a float,
giving in seconds, or None.  Setting a timeout of None disables
the timeout feature and is equivalent to setblocking(1).
Setting a timeout of zero is the same as setblocking(0)."""
        timeout = _timeout_arg(timeout)
        self._timeout = timeout
        error = None
        try:
            _core.set_timeout(self._fd, timeout)
        except _Err as e:
            error = e.value
        if error is not None:
            raise _exc(error)

    def gettimeout(self):
        """gettimeout() -> timeout

Returns the timeout in seconds (float) associated with socket
operations. A timeout of None indicates that timeouts on socket
operations are disabled."""
        ns = self._timeout
        if ns is None:
            return None
        if ns % 1_000_000_000:
            return ns / 1e9
        return float(ns // 1_000_000_000)

    # -- receiving ------------------------------------------------------

    def recv(self, bufsize, flags=0, /):
        """recv(buffersize[, flags]) -> data

Receive up to buffersize bytes from the socket."""
        if bufsize.__class__ is not int or not 0 <= bufsize <= 0xFFFFFFFF:
            bufsize = _bufsize(bufsize, "negative buffersize in recv")
        if flags.__class__ is not int or not -0x80000000 <= flags <= 0x7FFFFFFF:
            flags = _arg_i(flags)
        if not bufsize:
            return b''  # CPython makes no call for 0 bytes
        try:
            return _core.recv(self._fd, bufsize, flags)
        except _Err as e:
            error = e.value
        raise _exc(error)

    def recv_into(self, buffer, nbytes=0, flags=0):
        """recv_into(buffer, [nbytes[, flags]]) -> nbytes_read

A version of recv() that stores its data into a buffer rather than creating
a new string."""
        view, target = _recv_target(buffer, "recv_into")
        try:
            if nbytes.__class__ is not int or nbytes < 0:
                nbytes = _bufsize(nbytes, "negative buffersize in recv_into")
            if flags.__class__ is not int or not -0x80000000 <= flags <= 0x7FFFFFFF:
                flags = _arg_i(flags)
            size = len(target)
            if not nbytes:
                nbytes = size
            elif size < nbytes:
                raise ValueError("buffer too small for requested bytes")
            if not nbytes:
                return 0
            error = None
            try:
                return _core.recv_into(self._fd, target, nbytes, flags)
            except _Err as e:
                error = e.value
            raise _exc(error)
        finally:
            if view is not None:
                view.release()

    def recvfrom(self, bufsize, flags=0, /):
        """recvfrom(buffersize[, flags]) -> (data, address info)

Like recv(buffersize, flags) but also return the sender's address info."""
        if bufsize.__class__ is not int or not 0 <= bufsize <= 0xFFFFFFFF:
            bufsize = _bufsize(bufsize, "negative buffersize in recvfrom")
        if flags.__class__ is not int or not -0x80000000 <= flags <= 0x7FFFFFFF:
            flags = _arg_i(flags)
        error = None
        try:
            data, address = _core.recvfrom(self._fd, bufsize, flags)
        except _Err as e:
            error = e.value
        if error is not None:
            raise _exc(error)
        return data, _sockaddr_from_core(address)

    def recvfrom_into(self, buffer, nbytes=0, flags=0):
        """recvfrom_into(buffer[, nbytes[, flags]]) -> (nbytes, address info)

Like recv_into(buffer[, nbytes[, flags]]) but also return the sender's address info."""
        view, target = _recv_target(buffer, "recvfrom_into")
        try:
            if nbytes.__class__ is not int or nbytes < 0:
                nbytes = _bufsize(nbytes, "negative buffersize in recvfrom_into")
            if flags.__class__ is not int or not -0x80000000 <= flags <= 0x7FFFFFFF:
                flags = _arg_i(flags)
            size = len(target)
            if not nbytes:
                nbytes = size
            elif nbytes > size:
                raise ValueError("nbytes is greater than the length of the buffer")
            error = None
            try:
                data, address = _core.recvfrom(self._fd, nbytes, flags)
            except _Err as e:
                error = e.value
            if error is not None:
                raise _exc(error)
            return _store(target, data, nbytes), _sockaddr_from_core(address)
        finally:
            if view is not None:
                view.release()

    def recvmsg(self, bufsize, ancbufsize=0, flags=0, /):
        """recvmsg(bufsize[, ancbufsize[, flags]]) -> (data, ancdata, msg_flags, address)

Receive normal data (up to bufsize bytes) and ancillary data from the
socket.  ancbufsize sizes the buffer for ancillary data, as with the
kernel (see CMSG_SPACE()); items that do not fit are truncated or
dropped and MSG_CTRUNC is set."""
        bufsize = _bufsize(bufsize, "negative buffer size in recvmsg()")
        ancbufsize = _as_ssize(ancbufsize)
        flags = _arg_i(flags)
        if not 0 <= ancbufsize <= _SOCKLEN_LIMIT:
            raise ValueError("invalid ancillary data buffer length")
        error = None
        try:
            message = _wsock.recvmsg(self._fd, bufsize, ancbufsize, flags)
        except _Err as e:
            error = e.value
        if error is not None:
            raise _exc(error)
        ancdata, msg_flags = _ancillary(message.ancillary, ancbufsize, message.flags)
        return message.data, ancdata, msg_flags, _sockaddr_out(message.address)

    def recvmsg_into(self, buffers, ancbufsize=0, flags=0, /):
        """recvmsg_into(buffers[, ancbufsize[, flags]]) -> (nbytes, ancdata, msg_flags, address)

Receive normal data and ancillary data from the socket, scattering the
non-ancillary data into a series of buffers."""
        ancbufsize = _as_ssize(ancbufsize)
        flags = _arg_i(flags)
        try:
            items = iter(buffers)
        except TypeError:
            items = None
        if items is None:
            raise TypeError("recvmsg_into() argument 1 must be an iterable")
        views = []
        try:
            for item in list(items):
                view = _writable(item)
                if view is None:
                    raise TypeError("recvmsg_into() argument 1 must be an iterable "
                                    "of single-segment read-write buffers")
                views.append(view)
            if not 0 <= ancbufsize <= _SOCKLEN_LIMIT:
                raise ValueError("invalid ancillary data buffer length")
            total = 0
            for view in views:
                total += view.nbytes
            error = None
            try:
                message = _wsock.recvmsg(self._fd, min(total, _U32_MAX), ancbufsize, flags)
            except _Err as e:
                error = e.value
            if error is not None:
                raise _exc(error)
            data = message.data
            received = len(data)
            offset = 0
            for view in views:
                if offset >= received:
                    break
                chunk = data[offset:offset + view.nbytes]
                view[:len(chunk)] = chunk
                offset += len(chunk)
        finally:
            for view in views:
                view.release()
        ancdata, msg_flags = _ancillary(message.ancillary, ancbufsize, message.flags)
        return received, ancdata, msg_flags, _sockaddr_out(message.address)

    # -- sending ----------------------------------------------------------

    def send(self, data, flags=0, /):
        """send(data[, flags]) -> count

Send a data string to the socket.  Return the number of bytes sent;
this may be less than len(data) if the network is busy."""
        if flags.__class__ is not int or not -0x80000000 <= flags <= 0x7FFFFFFF:
            _data_arg(data)  # CPython checks the data first
            flags = _as_int(flags)
        try:
            return _core.send(self._fd, data, flags)
        except _Err as e:
            error = e.value
        raise _exc(error)

    def sendall(self, data, flags=0, /):
        """sendall(data[, flags])

Send a data string to the socket.  This calls send() repeatedly until
all data is sent.  If an error occurs, it's impossible to tell how much
data has been sent."""
        if flags.__class__ is not int or not -0x80000000 <= flags <= 0x7FFFFFFF:
            _data_arg(data)  # CPython checks the data first
            flags = _as_int(flags)
        error = None
        try:
            _core.sendall(self._fd, data, flags)
        except _Err as e:
            error = e.value
        if error is not None:
            raise _exc(error)

    def sendto(self, *args):
        """sendto(data[, flags], address) -> count

Like send(data, flags) but allows specifying the destination address."""
        count = len(args)
        if count == 2:
            data, address = args
            flags = 0
        elif count == 3:
            data, flags, address = args
        else:
            raise TypeError(f"sendto() takes 2 or 3 arguments ({count} given)")
        if data.__class__ is not bytes:
            _data_arg(data)  # CPython checks the data first
        if flags.__class__ is not int or not -0x80000000 <= flags <= 0x7FFFFFFF:
            flags = _arg_i(flags)
        address = _sockaddr(self._family, address, "sendto")
        try:
            return _core.sendto(self._fd, data, flags, address)
        except _Err as e:
            error = e.value
        raise _exc(error)

    def sendmsg(self, buffers, ancdata=(), flags=0, address=None, /):
        """sendmsg(buffers[, ancdata[, flags[, address]]]) -> count

Send normal and ancillary data to the socket, gathering the
non-ancillary data from a series of buffers.  ancdata is an iterable of
(cmsg_level, cmsg_type, cmsg_data) tuples."""
        if address is not None:
            address = _sockaddr(self._family, address, "sendmsg")
        buffers = _buffers_arg(buffers)
        ancdata = _ancillary_arg(ancdata)
        flags = _as_int(flags)
        try:
            return _core.sendmsg(self._fd, buffers, ancdata, flags, address)
        except _Err as e:
            error = e.value
        raise _exc(error)

    def sendmsg_afalg(self, msg=None, *, op=None, iv=None, assoclen=None, flags=0):
        """sendmsg_afalg([msg], *, op[, iv[, assoclen[, flags=MSG_MORE]]])

Set operation mode, IV and length of associated data for an AF_ALG
operation socket. (A sendmsg() with SOL_ALG control messages.)"""
        if self._family != AF_ALG:
            raise OSError("algset is only supported for AF_ALG")
        if op is not None and not isinstance(op, int):
            raise TypeError(f"sendmsg_afalg() argument 'op' must be int, "
                            f"not {op.__class__.__name__}")
        if assoclen is not None and not isinstance(assoclen, int):
            raise TypeError(f"sendmsg_afalg() argument 'assoclen' must be int, "
                            f"not {assoclen.__class__.__name__}")
        if iv is not None and iv.__class__ is not bytes:
            iv = _bytes_arg(iv)
        flags = _arg_i(flags)
        if op is None or not 0 <= op <= _INT_MAX:
            raise TypeError("Invalid or missing argument 'op'")
        ancdata = [_AncillaryItem(SOL_ALG, ALG_SET_OP, op.to_bytes(4, 'little'))]
        if iv is not None:  # struct af_alg_iv { u32 ivlen; u8 iv[]; }
            ancdata.append(_AncillaryItem(
                SOL_ALG, ALG_SET_IV, len(iv).to_bytes(4, 'little') + iv))
        if assoclen is not None:
            assoclen = _as_int(assoclen)
            if assoclen < 0:
                raise TypeError("assoclen must be positive")
            ancdata.append(_AncillaryItem(
                SOL_ALG, ALG_SET_AEAD_ASSOCLEN, assoclen.to_bytes(4, 'little')))
        buffers = [] if msg is None else _buffers_arg(msg)
        try:
            return _core.sendmsg(self._fd, buffers, ancdata, flags, None)
        except _Err as e:
            error = e.value
        raise _exc(error)


SocketType = socket


def _adopt(fd, family, type, proto):
    """A socket object for a descriptor the host just made (socketpair)."""
    self = socket.__new__(socket)
    timeout = 0 if type & SOCK_NONBLOCK else _default_timeout
    if timeout is not None:
        _core.set_timeout(fd, timeout)
    self._fd = fd
    self._family = family
    self._type = type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC)
    self._proto = proto
    self._timeout = timeout
    return self


def _close_quietly(fd):
    """Closes a descriptor whose errors nobody could act on (finalizers)."""
    try:
        _core.close(fd)
    except _Err:
        pass

# ---------------------------------------------------------------------------
# Module functions: descriptors and timeouts


def socketpair(family=AF_UNIX, type=SOCK_STREAM, proto=0, /):
    """socketpair([family[, type [, proto]]]) -> (socket object, socket object)

Create a pair of connected socket objects. The default family is AF_UNIX."""
    family = _arg_i(family)
    type = _arg_i(type)
    proto = _arg_i(proto)
    error = None
    try:
        first, second = _wsock.socketpair(family, type, proto)
    except _Err as e:
        error = e.value
    if error is not None:
        raise _exc(error)
    try:
        return _adopt(first, family, type, proto), _adopt(second, family, type, proto)
    except _Err as e:
        error = e.value
    _close_quietly(first)
    _close_quietly(second)
    raise _exc(error)


def _fd_arg(fd):
    fd = _as_long(fd)
    if not 0 <= fd <= _U32_MAX:
        raise _ebadf()
    return fd


def dup(fd, /):
    """dup(integer) -> integer

Duplicate an integer socket file descriptor."""
    fd = _fd_arg(fd)
    _accepted.clear()
    try:
        return _wsock.dup(fd)
    except _Err as e:
        error = e.value
    raise _exc(error)


def close(fd, /):
    """close(integer) -> None

Close an integer socket file descriptor."""
    fd = _fd_arg(fd)
    _accepted.clear()
    error = None
    try:
        _core.close(fd)
    except _Err as e:
        error = e.value
    if error is not None and _reported_by_close(error):
        raise _exc(error)


def getdefaulttimeout():
    """getdefaulttimeout() -> timeout

Returns the default timeout in seconds (float) for new socket objects.
A value of None indicates that new socket objects have no timeout."""
    return _seconds(_default_timeout)


def setdefaulttimeout(timeout, /):
    """setdefaulttimeout(timeout)

Set the default timeout in seconds (float) for new socket objects.
A value of None indicates that new socket objects have no timeout."""
    global _default_timeout
    _default_timeout = _timeout_arg(timeout)
