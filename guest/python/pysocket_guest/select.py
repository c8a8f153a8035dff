"""Drop-in ``select`` for Python inside WebAssembly, served by the pysocket host.

``pysocket_guest.install()`` puts this module in ``sys.modules['select']``
before ``selectors`` (or anything else) first imports it.

How it maps to the WIT package ``pysocket:socket`` (``wit/poll.wit``): both
``select.select()`` and ``select.poll().poll()`` wait with ONE call of the
``poll`` interface's ``poll(requests, timeout)``, whose event bits are
Linux's POLL* numbers. ``select()`` asks for POLLIN / POLLOUT / POLLPRI and
reads the answer the way Linux's select(2) does (readable: IN, HUP or ERR;
writable: OUT or ERR; exceptional: PRI). There is no ``epoll``, ``kqueue`` or
``devpoll``, so ``selectors.DefaultSelector`` is ``PollSelector``.

The host knows only its own (pysocket) descriptors: any other number comes
back as POLLNVAL. If the number is one of the guest's WASI descriptors (a
file, stdin/stdout/stderr: ``os.fstat`` succeeds), it is reported ready for
whatever was asked, as select(2) and poll(2) report regular files: the guest
has no way to wait on a WASI stream together with sockets, and a read or
write on it then blocks as it would have. (So stdin always looks readable.)
Any other number is ``OSError(EBADF)`` from ``select()`` and ``POLLNVAL``
from ``poll()``, as the system calls report a bad descriptor.
"""

from componentize_py_types import Err as _Err
import _pysocket_core as _core

import errno as _errno
import os as _os
from _warnings import warn as _warn
from time import monotonic_ns as _monotonic_ns

from ._socket_args import _as_int, _as_unsigned, _to_ns
from ._socket_errors import _exc

error = OSError

POLLIN = 0x0001
POLLPRI = 0x0002
POLLOUT = 0x0004
POLLERR = 0x0008
POLLHUP = 0x0010
POLLNVAL = 0x0020
POLLRDNORM = 0x0040
POLLRDBAND = 0x0080
POLLWRNORM = 0x0100
POLLWRBAND = 0x0200
POLLMSG = 0x0400
POLLRDHUP = 0x2000
PIPE_BUF = 4096

_host_poll = _core.poll  # [(fd, events)], ns or None -> [(fd, revents)]
_FD_SETSIZE = 1024
# Which poll bits make a descriptor ready for each of select()'s three lists
# (POLLIN_SET, POLLOUT_SET, POLLEX_SET of Linux's fs/select.c).
_SELECT_IN = POLLIN | POLLRDNORM | POLLRDBAND | POLLHUP | POLLERR
_SELECT_OUT = POLLOUT | POLLWRNORM | POLLWRBAND | POLLERR
_SELECT_EX = POLLPRI
# poll(2) reports these whatever was asked for.
_ALWAYS = POLLERR | POLLHUP | POLLNVAL
# What a WASI descriptor (a file, stdio) is reported ready for (see above).
_FILE_READY = POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM
# Marks an argument that failed to convert, so the error is raised outside
# the `except` block (CPython's C code chains no exception to its own).
_NOT_A_NUMBER = object()


def _file_readiness(fd, events):
    """The events a POLLNVAL descriptor is ready for: those asked for if it
    is one of the guest's WASI descriptors (see the module doc), else None."""
    try:
        _os.fstat(fd)
    except OSError:
        return None
    return events & _FILE_READY


def _fd_of(obj):
    """CPython's PyObject_AsFileDescriptor: an int, or what fileno() returns."""
    if isinstance(obj, int):
        if obj.__class__ is bool:
            _warn("bool is used as a file descriptor", RuntimeWarning, 1)
        fd = _as_int(obj)
    else:
        method = getattr(obj, 'fileno', None)
        if method is None:
            raise TypeError("argument must be an int, or have a fileno() method.")
        fd = method()
        if not isinstance(fd, int):
            raise TypeError("fileno() returned a non-integer")
        fd = _as_int(fd)
    if fd < 0:
        raise ValueError(f"file descriptor cannot be a negative integer ({fd})")
    return fd


def _select_list(objects):
    """One of select()'s lists as [(object, fd)]."""
    if objects.__class__ is not list and objects.__class__ is not tuple:
        try:
            objects = iter(objects)
        except TypeError:
            objects = None
        if objects is None:
            raise TypeError("arguments 1-3 must be sequences")
        objects = list(objects)
    entries = []
    for obj in objects:
        fd = obj if obj.__class__ is int and obj >= 0 else _fd_of(obj)
        if fd >= _FD_SETSIZE:
            raise ValueError("filedescriptor out of range in select()")
        entries.append((obj, fd))
    return entries


def select(rlist, wlist, xlist, timeout=None, /):
    """Wait until one or more file descriptors are ready for some kind of I/O.

The first three arguments are iterables of file descriptors to be waited for:
rlist -- wait until ready for reading
wlist -- wait until ready for writing
xlist -- wait for an "exceptional condition"
If only one kind of condition is required, pass [] for the other lists.

A file descriptor is either a socket or file object, or a small integer
gotten from a fileno() method call on one of those.

The optional 4th argument specifies a timeout in seconds; it may be
a floating-point number to specify fractions of seconds.  If it is absent
or None, the call will never time out.

The return value is a tuple of three lists corresponding to the first three
arguments; each contains the subset of the corresponding file descriptors
that are ready."""
    if timeout is None:
        remaining = None
    else:
        try:
            remaining = _to_ns(timeout, 1_000_000_000)
        except TypeError:
            remaining = _NOT_A_NUMBER
        if remaining is _NOT_A_NUMBER:
            raise TypeError("timeout must be a float or None")
        if remaining < 0:
            raise ValueError("timeout must be non-negative")
    readers = _select_list(rlist)
    writers = _select_list(wlist)
    exceptional = _select_list(xlist)
    wanted = {}
    for entries, bit in ((readers, POLLIN), (writers, POLLOUT), (exceptional, POLLPRI)):
        for obj, fd in entries:
            wanted[fd] = wanted.get(fd, 0) | bit
    requests = list(wanted.items())
    deadline = None if remaining is None else _monotonic_ns() + remaining
    while True:
        error = None
        try:
            ready = _host_poll(requests, remaining)
        except _Err as e:
            error = e.value
        if error is not None:
            raise _exc(error)
        if not ready:
            return [], [], []
        revents = {}
        for fd, events in ready:
            if events & POLLNVAL:
                events = _file_readiness(fd, wanted[fd])
                if events is None:
                    raise OSError(_errno.EBADF, _os.strerror(_errno.EBADF))
            revents[fd] = events
        result = ([obj for obj, fd in readers if revents.get(fd, 0) & _SELECT_IN],
                  [obj for obj, fd in writers if revents.get(fd, 0) & _SELECT_OUT],
                  [obj for obj, fd in exceptional if revents.get(fd, 0) & _SELECT_EX])
        if result[0] or result[1] or result[2] or remaining == 0:
            return result
        # poll(2) woke up for something select(2) does not report for these
        # lists (POLLHUP on a descriptor that is only in wlist, say): wait on.
        if deadline is not None:
            remaining = deadline - _monotonic_ns()
            if remaining <= 0:
                return [], [], []


# ``selectors`` keeps ``select.select`` and ``select.poll`` as class
# attributes (``SelectSelector._select``, ``PollSelector._selector_cls``).
# CPython's built-in functions do not bind there; a Python function would get
# the selector as its first argument. So ``select`` and ``poll`` are
# staticmethods (callable since Python 3.10).
select = staticmethod(select)


class _Poll:
    """The polling object ``select.poll()`` returns (``type(select.poll())``
    is ``select.poll``, which, as in CPython, cannot be instantiated
    directly)."""

    __slots__ = ('_events', '_requests')

    def __new__(cls, *args, **kwargs):
        raise TypeError("cannot create 'select.poll' instances")

    def register(self, fd, eventmask=POLLIN | POLLPRI | POLLOUT, /):
        """Register a file descriptor with the polling object.

  fd
    either an integer, or an object with a fileno() method returning an int
  eventmask
    an optional bitmask describing the type of events to check for"""
        fd = _fd_of(fd)
        self._events[fd] = _as_unsigned(eventmask, 0xFFFF, "unsigned short")
        self._requests = None

    def modify(self, fd, eventmask, /):
        """Modify an already registered file descriptor.

  fd
    either an integer, or an object with a fileno() method returning
    an int
  eventmask
    a bitmask describing the type of events to check for"""
        fd = _fd_of(fd)
        eventmask = _as_unsigned(eventmask, 0xFFFF, "unsigned short")
        if fd not in self._events:
            raise OSError(_errno.ENOENT, _os.strerror(_errno.ENOENT))
        self._events[fd] = eventmask
        self._requests = None

    def unregister(self, fd, /):
        """Remove a file descriptor being tracked by the polling object."""
        fd = _fd_of(fd)
        if self._events.pop(fd, _NOT_A_NUMBER) is _NOT_A_NUMBER:
            raise KeyError(fd)
        self._requests = None

    def poll(self, timeout=None, /):
        """Polls the set of registered file descriptors.

  timeout
    The maximum time to wait in milliseconds, or else None (or a negative
    value) to wait indefinitely.

Returns a list containing any descriptors that have events or errors to
report, as a list of (fd, event) 2-tuples."""
        if timeout is None:
            wait = None
        else:
            try:
                wait = _to_ns(timeout, 1_000_000)
            except TypeError:
                wait = _NOT_A_NUMBER
            if wait is _NOT_A_NUMBER:
                raise TypeError("timeout must be an integer or None")
            ms = -(-wait // 1_000_000)  # poll(2) counts whole milliseconds, rounded up
            if not -0x80000000 <= ms <= 0x7FFFFFFF:
                raise OverflowError("timeout is too large")
            wait = None if ms < 0 else ms * 1_000_000
        requests = self._requests
        if requests is None:
            requests = self._requests = list(self._events.items())
        if not requests and wait == 0:
            # Nothing to watch and no wait: nothing to ask the host. (This
            # also keeps `import selectors` free of host calls, which it
            # makes while the component is snapshotted at build time.)
            return []
        error = None
        try:
            ready = _host_poll(requests, wait)
        except _Err as e:
            error = e.value
        if error is not None:
            raise _exc(error)
        events = self._events
        result = []
        for fd, revents in ready:
            asked = events.get(fd, 0)
            if revents & POLLNVAL:
                revents = _file_readiness(fd, asked) or POLLNVAL
            revents &= asked | _ALWAYS
            if revents:
                result.append((fd, revents))
        return result


_Poll.__name__ = _Poll.__qualname__ = 'poll'
_Poll.__module__ = 'select'


def poll():
    """Returns a polling object.

This object supports registering and unregistering file descriptors, and then
polling them for I/O events."""
    polling = object.__new__(_Poll)
    polling._events = {}       # fd -> event mask, in registration order
    polling._requests = None   # the WIT request list, rebuilt after changes
    return polling


# A staticmethod, so that it does not bind as a class attribute (see select).
poll = staticmethod(poll)
