"""Ancillary data for ``sendmsg``/``recvmsg``: the ``(level, type, data)``
items, cut to the caller's control buffer the way Linux's ``put_cmsg()`` and
``scm_detach_fds()`` do."""

from componentize_py_types import Err as _Err
from wit_world.imports import socket as _wsock
import _pysocket_core as _core

from ._socket_constants import MSG_CTRUNC, SCM_RIGHTS, SOL_SOCKET
from ._socket_errors import _exc
from ._socket_args import _SOCKLEN_LIMIT, _arg_i, _bytes_arg, _data_arg

_AncillaryItem = _wsock.AncillaryItem
_CMSG_HDR = 16               # sizeof(struct cmsghdr) on x86-64; CMSG_ALIGN is 8

# ---------------------------------------------------------------------------
# Ancillary data


def _cmsg_space(length):
    return _CMSG_HDR + ((length + 7) & ~7)


def _close_fds(data):
    """Close descriptors of SCM_RIGHTS data that did not fit the caller's buffer."""
    for start in range(0, len(data) - 3, 4):
        error = None
        try:
            _core.close(int.from_bytes(data[start:start + 4], 'little'))
        except _Err as e:
            error = e.value
        if error is not None:
            raise _exc(error)


def _ancillary(items, room, flags):
    """What recvmsg returns for the host's ancillary ``items`` given a control
    buffer of ``room`` bytes: Linux's put_cmsg()/scm_detach_fds() rules.

    An item whose header does not fit is dropped; an item whose data does not
    fit is cut to the room left; SCM_RIGHTS keeps the descriptors that fit
    (and closes the others). Each cut sets MSG_CTRUNC. Items the host already
    fitted to ``room`` pass unchanged.
    """
    out = []
    for item in items:
        level = item.level
        kind = item.kind
        data = item.data
        if level == SOL_SOCKET and kind == SCM_RIGHTS:
            count = len(data) >> 2
            fit = (room - _CMSG_HDR) >> 2 if room > _CMSG_HDR else 0
            if fit < count:
                flags |= MSG_CTRUNC
                _close_fds(data[fit * 4:count * 4])
                if fit == 0:
                    continue
                data = data[:fit * 4]
            out.append((level, kind, bytes(data)))
            room -= min(room, _cmsg_space(len(data)))
            continue
        if room < _CMSG_HDR:
            flags |= MSG_CTRUNC
            continue
        space = _cmsg_space(len(data))
        if room < _CMSG_HDR + len(data):
            flags |= MSG_CTRUNC
            data = data[:room - _CMSG_HDR]
        out.append((level, kind, bytes(data)))
        room -= min(room, space)
    return out, flags


def _ancillary_arg(ancdata):
    """sendmsg()'s ancdata: an iterable of (level, type, bytes-like)."""
    try:
        items = iter(ancdata)
    except TypeError:
        items = None
    if items is None:
        raise TypeError("sendmsg() argument 2 must be an iterable")
    where = "[sendmsg() ancillary data items]()"
    out = []
    total = 0
    for item in list(items):
        if (isinstance(item, (str, bytes, bytearray, dict))
                or not hasattr(item, '__len__') or not hasattr(item, '__getitem__')):
            raise TypeError(f"{where} argument must be 3-item sequence, "
                            f"not {item.__class__.__name__}")
        if len(item) != 3:
            raise TypeError(f"{where} argument must be sequence of length 3, "
                            f"not {len(item)}")
        level = _arg_i(item[0])
        kind = _arg_i(item[1])
        data = item[2]
        if data.__class__ is not bytes:
            data = _bytes_arg(data)
        if len(data) > _SOCKLEN_LIMIT - _cmsg_space(1):
            raise OSError("ancillary data item too large")
        total += _cmsg_space(len(data))
        if total > _SOCKLEN_LIMIT:
            raise OSError("too much ancillary data")
        out.append(_AncillaryItem(level, kind, data))
    return out


def _buffers_arg(buffers):
    """sendmsg()'s buffers: an iterable of bytes-like objects, as a list."""
    try:
        items = iter(buffers)
    except TypeError:
        items = None
    if items is None:
        raise TypeError("sendmsg() argument 1 must be an iterable")
    return [_data_arg(item) for item in list(items)]
