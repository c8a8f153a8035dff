/*
 * The hot paths of `_socket`: the data paths (send, sendall, sendto,
 * sendmsg, recv, recv_into, recvfrom), straight from and to the caller's
 * buffers, and create, close, set_timeout, connect, bind and setsockopt
 * (whose AF_UNIX paths and option bytes are `list<u8>` arguments too).
 *
 * Sent data is lent to the host as it is (a `list<u8>` pointing into the
 * caller's buffer: no copy in the guest, nothing to free). Received data
 * arrives in a buffer the canonical ABI allocates; `recv` copies it into
 * the new `bytes`, `recv_into` into the caller's buffer, and it is freed.
 */
#include "core.h"

/* send(fd, data, flags) -> int */
PyObject *core_send(PyObject *m, PyObject *const *args, Py_ssize_t n)
{
    uint32_t fd, sent = 0;
    int32_t flags;
    Py_buffer view;
    pysocket_socket_types_error_t err;
    if (!core_nargs("send", n, 3) || !core_u32(args[0], &fd) || !core_data(args[1], &view)) {
        return NULL;
    }
    if (!core_s32(args[2], &flags)) {
        PyBuffer_Release(&view);
        return NULL;
    }
    pysocket_socket_socket_payload_t data = {view.buf, (size_t)view.len};
    bool ok = pysocket_socket_socket_send(fd, &data, flags, &sent, &err);
    PyBuffer_Release(&view);
    if (!ok) {
        return core_raise_error(&err);
    }
    return PyLong_FromUnsignedLong(sent);
}

/* sendall(fd, data, flags) -> None */
PyObject *core_sendall(PyObject *m, PyObject *const *args, Py_ssize_t n)
{
    uint32_t fd;
    int32_t flags;
    Py_buffer view;
    pysocket_socket_types_error_t err;
    if (!core_nargs("sendall", n, 3) || !core_u32(args[0], &fd) || !core_data(args[1], &view)) {
        return NULL;
    }
    if (!core_s32(args[2], &flags)) {
        PyBuffer_Release(&view);
        return NULL;
    }
    pysocket_socket_socket_payload_t data = {view.buf, (size_t)view.len};
    bool ok = pysocket_socket_socket_sendall(fd, &data, flags, &err);
    PyBuffer_Release(&view);
    if (!ok) {
        return core_raise_error(&err);
    }
    Py_RETURN_NONE;
}

/* sendto(fd, data, flags, address) -> int; `address` is a WIT address value. */
PyObject *core_sendto(PyObject *m, PyObject *const *args, Py_ssize_t n)
{
    uint32_t fd, sent = 0;
    int32_t flags;
    Py_buffer view;
    pysocket_socket_types_address_t address;
    pysocket_socket_types_error_t err;
    if (!core_nargs("sendto", n, 4) || !core_u32(args[0], &fd) || !core_data(args[1], &view)) {
        return NULL;
    }
    if (!core_s32(args[2], &flags) || !core_address(args[3], &address)) {
        PyBuffer_Release(&view);
        return NULL;
    }
    pysocket_socket_socket_payload_t data = {view.buf, (size_t)view.len};
    bool ok = pysocket_socket_socket_sendto(fd, &data, flags, &address, &sent, &err);
    PyBuffer_Release(&view);
    if (!ok) {
        return core_raise_error(&err);
    }
    return PyLong_FromUnsignedLong(sent);
}

/* The items of a list as a fresh tuple (so that a callback cannot change
   the list while its items' buffers are held). */
static PyObject *as_tuple(PyObject *obj, const char *what)
{
    if (!PyList_Check(obj) && !PyTuple_Check(obj)) {
        PyErr_Format(PyExc_TypeError, "%s must be a list", what);
        return NULL;
    }
    return PySequence_Tuple(obj);
}

/* sendmsg(fd, buffers, ancillary, flags, address or None) -> int.
   `buffers`: bytes-like objects; `ancillary`: (level, kind, data bytes)
   items; both lists already checked by `_socket`. */
PyObject *core_sendmsg(PyObject *m, PyObject *const *args, Py_ssize_t n)
{
    uint32_t fd, sent = 0;
    int32_t flags;
    pysocket_socket_types_address_t address;
    pysocket_socket_types_error_t err;
    PyObject *buffers = NULL, *items = NULL, *result = NULL;
    Py_buffer *views = NULL;
    pysocket_socket_socket_payload_t *data = NULL;
    pysocket_socket_socket_ancillary_item_t *anc = NULL;
    Py_ssize_t held = 0;
    if (!core_nargs("sendmsg", n, 5) || !core_u32(args[0], &fd) || !core_s32(args[3], &flags)) {
        return NULL;
    }
    if (args[4] != Py_None && !core_address(args[4], &address)) {
        return NULL;
    }
    buffers = as_tuple(args[1], "buffers");
    items = buffers ? as_tuple(args[2], "ancillary") : NULL;
    if (items == NULL) {
        goto done;
    }
    Py_ssize_t count = PyTuple_Size(buffers), anc_count = PyTuple_Size(items);
    views = PyMem_Calloc(count ? count : 1, sizeof(Py_buffer));
    data = PyMem_Calloc(count ? count : 1, sizeof(*data));
    anc = PyMem_Calloc(anc_count ? anc_count : 1, sizeof(*anc));
    if (views == NULL || data == NULL || anc == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    for (; held < count; held++) {
        if (!core_data(PyTuple_GetItem(buffers, held), &views[held])) {
            goto done;
        }
        data[held].ptr = views[held].buf;
        data[held].len = (size_t)views[held].len;
    }
    for (Py_ssize_t i = 0; i < anc_count; i++) {
        PyObject *item = PyTuple_GetItem(items, i);
        PyObject *level = PyObject_GetAttrString(item, "level");
        PyObject *kind = level ? PyObject_GetAttrString(item, "kind") : NULL;
        PyObject *bytes = kind ? PyObject_GetAttrString(item, "data") : NULL;
        char *ptr = NULL;
        Py_ssize_t len = 0;
        int ok = bytes != NULL && core_s32(level, &anc[i].level) && core_s32(kind, &anc[i].kind)
                 && PyBytes_Check(bytes) && PyBytes_AsStringAndSize(bytes, &ptr, &len) == 0;
        Py_XDECREF(level);
        Py_XDECREF(kind);
        Py_XDECREF(bytes); /* still referenced by the item, which `items` holds */
        if (!ok) {
            if (!PyErr_Occurred()) {
                PyErr_SetString(PyExc_TypeError, "ancillary data must be bytes");
            }
            goto done;
        }
        anc[i].data.ptr = (uint8_t *)ptr;
        anc[i].data.len = (size_t)len;
    }
    pysocket_socket_socket_list_payload_t list = {data, (size_t)count};
    pysocket_socket_socket_list_ancillary_item_t anc_list = {anc, (size_t)anc_count};
    if (pysocket_socket_socket_sendmsg(fd, &list, &anc_list, flags,
                                       args[4] == Py_None ? NULL : &address, &sent, &err)) {
        result = PyLong_FromUnsignedLong(sent);
    } else {
        core_raise_error(&err);
    }
done:
    for (Py_ssize_t i = 0; i < held; i++) {
        PyBuffer_Release(&views[i]);
    }
    PyMem_Free(views);
    PyMem_Free(data);
    PyMem_Free(anc);
    Py_XDECREF(buffers);
    Py_XDECREF(items);
    return result;
}

/* recv(fd, bufsize, flags) -> bytes */
PyObject *core_recv(PyObject *m, PyObject *const *args, Py_ssize_t n)
{
    uint32_t fd, size;
    int32_t flags;
    imports_list_u8_t data;
    pysocket_socket_types_error_t err;
    if (!core_nargs("recv", n, 3) || !core_u32(args[0], &fd) || !core_u32(args[1], &size)
        || !core_s32(args[2], &flags)) {
        return NULL;
    }
    if (!pysocket_socket_socket_recv(fd, size, flags, &data, &err)) {
        return core_raise_error(&err);
    }
    return core_bytes(&data);
}

/* recv_into(fd, buffer, nbytes, flags) -> int: receives up to `nbytes`
   (at most the buffer's length) into the writable `buffer`; returns the
   length the OS reported (with MSG_TRUNC a datagram's whole length). */
PyObject *core_recv_into(PyObject *m, PyObject *const *args, Py_ssize_t n)
{
    uint32_t fd, size;
    int32_t flags;
    Py_buffer view;
    imports_list_u8_t data;
    pysocket_socket_types_error_t err;
    if (!core_nargs("recv_into", n, 4) || !core_u32(args[0], &fd) || !core_u32(args[2], &size)
        || !core_s32(args[3], &flags)) {
        return NULL;
    }
    if (PyObject_GetBuffer(args[1], &view, PyBUF_WRITABLE) != 0) {
        return NULL;
    }
    if ((Py_ssize_t)size > view.len) {
        size = (uint32_t)view.len;
    }
    if (!pysocket_socket_socket_recv(fd, size, flags, &data, &err)) {
        PyBuffer_Release(&view);
        return core_raise_error(&err);
    }
    size_t got = data.len < size ? data.len : size;
    memcpy(view.buf, data.ptr, got);
    PyBuffer_Release(&view);
    size_t reported = data.len;
    imports_list_u8_free(&data);
    return PyLong_FromSize_t(reported);
}

/* create(family, type, proto) -> fd */
PyObject *core_create(PyObject *m, PyObject *const *args, Py_ssize_t n)
{
    int32_t family, type, proto;
    uint32_t fd;
    pysocket_socket_types_error_t err;
    if (!core_nargs("create", n, 3) || !core_s32(args[0], &family) || !core_s32(args[1], &type)
        || !core_s32(args[2], &proto)) {
        return NULL;
    }
    if (!pysocket_socket_socket_create(family, type, proto, &fd, &err)) {
        return core_raise_error(&err);
    }
    return PyLong_FromUnsignedLong(fd);
}

/* close(fd) -> None */
PyObject *core_close(PyObject *m, PyObject *const *args, Py_ssize_t n)
{
    uint32_t fd;
    pysocket_socket_types_error_t err;
    if (!core_nargs("close", n, 1) || !core_u32(args[0], &fd)) {
        return NULL;
    }
    if (!pysocket_socket_socket_close(fd, &err)) {
        return core_raise_error(&err);
    }
    Py_RETURN_NONE;
}

/* set_timeout(fd, nanoseconds or None) -> None */
PyObject *core_set_timeout(PyObject *m, PyObject *const *args, Py_ssize_t n)
{
    uint32_t fd;
    uint64_t ns = 0;
    pysocket_socket_types_error_t err;
    bool has_timeout;
    if (!core_nargs("set_timeout", n, 2) || !core_u32(args[0], &fd)
        || !core_nanoseconds(args[1], &ns, &has_timeout)) {
        return NULL;
    }
    if (!pysocket_socket_socket_set_timeout(fd, has_timeout ? &ns : NULL, &err)) {
        return core_raise_error(&err);
    }
    Py_RETURN_NONE;
}

/* connect(fd, address) -> None; `address` is a WIT address value. */
PyObject *core_connect(PyObject *m, PyObject *const *args, Py_ssize_t n)
{
    uint32_t fd;
    pysocket_socket_types_address_t address;
    pysocket_socket_types_error_t err;
    if (!core_nargs("connect", n, 2) || !core_u32(args[0], &fd)
        || !core_address(args[1], &address)) {
        return NULL;
    }
    if (!pysocket_socket_socket_connect(fd, &address, &err)) {
        return core_raise_error(&err);
    }
    Py_RETURN_NONE;
}

/* recvfrom(fd, bufsize, flags) -> (bytes, address); the address as
   `core_address_out` gives it. */
PyObject *core_recvfrom(PyObject *m, PyObject *const *args, Py_ssize_t n)
{
    uint32_t fd, size;
    int32_t flags;
    pysocket_socket_socket_tuple2_list_u8_option_address_t got;
    pysocket_socket_types_error_t err;
    if (!core_nargs("recvfrom", n, 3) || !core_u32(args[0], &fd) || !core_u32(args[1], &size)
        || !core_s32(args[2], &flags)) {
        return NULL;
    }
    if (!pysocket_socket_socket_recvfrom(fd, size, flags, &got, &err)) {
        return core_raise_error(&err);
    }
    PyObject *address = got.f1.is_some ? core_address_out(&got.f1.val) : Py_NewRef(Py_None);
    PyObject *data = core_bytes(&got.f0);
    pysocket_socket_socket_option_address_free(&got.f1);
    PyObject *out = NULL;
    if (data != NULL && address != NULL) {
        out = PyTuple_Pack(2, data, address);
    }
    Py_XDECREF(data);
    Py_XDECREF(address);
    return out;
}

/* bind(fd, address) -> None; `address` is a WIT address value. */
PyObject *core_bind(PyObject *m, PyObject *const *args, Py_ssize_t n)
{
    uint32_t fd;
    pysocket_socket_types_address_t address;
    pysocket_socket_types_error_t err;
    if (!core_nargs("bind", n, 2) || !core_u32(args[0], &fd) || !core_address(args[1], &address)) {
        return NULL;
    }
    if (!pysocket_socket_socket_bind(fd, &address, &err)) {
        return core_raise_error(&err);
    }
    Py_RETURN_NONE;
}

/* setsockopt(fd, level, name, kind, value) -> None: the WIT sockopt-value
   case `kind` (0 int, 1 bytes, 2 null) with its value (an int, a
   bytes-like object, an optlen). */
PyObject *core_setsockopt(PyObject *m, PyObject *const *args, Py_ssize_t n)
{
    uint32_t fd;
    int32_t level, name, kind;
    Py_buffer view = {0};
    pysocket_socket_socket_sockopt_value_t value;
    pysocket_socket_types_error_t err;
    if (!core_nargs("setsockopt", n, 5) || !core_u32(args[0], &fd) || !core_s32(args[1], &level)
        || !core_s32(args[2], &name) || !core_s32(args[3], &kind)) {
        return NULL;
    }
    int ok;
    switch (kind) {
    case PYSOCKET_SOCKET_SOCKET_SOCKOPT_VALUE_INT:
        ok = core_s32(args[4], &value.val.int_);
        break;
    case PYSOCKET_SOCKET_SOCKET_SOCKOPT_VALUE_BYTES:
        ok = core_data(args[4], &view);
        value.val.bytes.ptr = view.buf;
        value.val.bytes.len = (size_t)view.len;
        break;
    case PYSOCKET_SOCKET_SOCKET_SOCKOPT_VALUE_NULL:
        ok = core_u32(args[4], &value.val.null);
        break;
    default:
        PyErr_SetString(PyExc_ValueError, "unknown sockopt-value case");
        return NULL;
    }
    if (!ok) {
        return NULL;
    }
    value.tag = (uint8_t)kind;
    ok = pysocket_socket_socket_setsockopt(fd, level, name, &value, &err);
    if (view.obj != NULL) {
        PyBuffer_Release(&view);
    }
    if (!ok) {
        return core_raise_error(&err);
    }
    Py_RETURN_NONE;
}
