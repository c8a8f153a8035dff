/*
 * Arguments of the core's functions: integers, buffers and addresses.
 *
 * The Python layer has already checked values with CPython's messages;
 * these conversions only guard against what would otherwise corrupt a
 * call (a wrong type, an out-of-range number) and raise a Python
 * exception for it, never trap.
 */
#include "core.h"

int core_nargs(const char *name, Py_ssize_t n, Py_ssize_t expected)
{
    if (n == expected) {
        return 1;
    }
    PyErr_Format(PyExc_TypeError, "%s() takes exactly %zd arguments (%zd given)", name, expected,
                 n);
    return 0;
}

/* A WIT u32 (descriptor numbers, sizes): an int in 0..=0xFFFFFFFF. */
int core_u32(PyObject *obj, uint32_t *out)
{
    long long value = PyLong_AsLongLong(obj);
    if (value == -1 && PyErr_Occurred()) {
        return 0;
    }
    if (value < 0 || value > 0xFFFFFFFFLL) {
        PyErr_SetString(PyExc_OverflowError, "value out of range for a WIT u32");
        return 0;
    }
    *out = (uint32_t)value;
    return 1;
}

/* A WIT option<u64> of nanoseconds (timeouts): None leaves `*has` false,
   an int in 0..=2**64-1 is stored in `*out` with `*has` true. */
int core_nanoseconds(PyObject *obj, uint64_t *out, bool *has)
{
    *has = obj != Py_None;
    if (!*has) {
        return 1;
    }
    unsigned long long value = PyLong_AsUnsignedLongLong(obj);
    if (value == (unsigned long long)-1 && PyErr_Occurred()) {
        return 0;
    }
    *out = value;
    return 1;
}

/* A WIT s32 (flags): an int in the range of a C int. */
int core_s32(PyObject *obj, int32_t *out)
{
    long long value = PyLong_AsLongLong(obj);
    if (value == -1 && PyErr_Occurred()) {
        return 0;
    }
    if (value < INT32_MIN || value > INT32_MAX) {
        PyErr_SetString(PyExc_OverflowError, "Python int too large to convert to C int");
        return 0;
    }
    *out = (int32_t)value;
    return 1;
}

/* CPython's `y*`: a C-contiguous buffer of any bytes-like object (bytes,
   bytearray, memoryview, array, ...). PyObject_GetBuffer raises what
   CPython raises: TypeError "a bytes-like object is required, not 'str'",
   BufferError for a non-contiguous memoryview. The caller releases it. */
int core_data(PyObject *obj, Py_buffer *view)
{
    return PyObject_GetBuffer(obj, view, PyBUF_SIMPLE) == 0;
}

/* A WIT string borrowed from a str attribute of `obj` (valid while `obj`
   lives: the str is an attribute of it). */
static int string_attr(PyObject *obj, const char *name, imports_string_t *out)
{
    PyObject *value = PyObject_GetAttrString(obj, name);
    if (value == NULL) {
        return 0;
    }
    Py_ssize_t len = 0;
    const char *text = PyUnicode_Check(value) ? PyUnicode_AsUTF8AndSize(value, &len) : NULL;
    Py_DECREF(value); /* still referenced by obj */
    if (text == NULL) {
        if (!PyErr_Occurred()) {
            PyErr_Format(PyExc_TypeError, "address attribute %s must be str", name);
        }
        return 0;
    }
    out->ptr = (uint8_t *)text;
    out->len = (size_t)len;
    return 1;
}

static int u32_attr(PyObject *obj, const char *name, uint32_t *out)
{
    PyObject *value = PyObject_GetAttrString(obj, name);
    if (value == NULL) {
        return 0;
    }
    int ok = core_u32(value, out);
    Py_DECREF(value);
    return ok;
}

/* A WIT `address` from the Python value of one (what `_sockaddr` returns:
   `types.Address_Inet(InetAddress(host, port))`, `Address_Inet6(...)` or
   `Address_Unix(path bytes)`). Everything is borrowed from `obj`, which
   must outlive the call. */
int core_address(PyObject *obj, pysocket_socket_types_address_t *out)
{
    PyObject *kind = (PyObject *)Py_TYPE(obj);
    if (core.addr_inet == NULL
        || (kind != core.addr_inet && kind != core.addr_inet6 && kind != core.addr_unix)) {
        PyErr_SetString(PyExc_TypeError, "a WIT address is required");
        return 0;
    }
    PyObject *value = PyObject_GetAttrString(obj, "value");
    if (value == NULL) {
        return 0;
    }
    int ok = 0;
    uint32_t port = 0;
    if (kind == core.addr_unix) {
        char *path = NULL;
        Py_ssize_t len = 0;
        if (PyBytes_Check(value) && PyBytes_AsStringAndSize(value, &path, &len) == 0) {
            out->tag = PYSOCKET_SOCKET_TYPES_ADDRESS_UNIX;
            out->val.unix.ptr = (uint8_t *)path;
            out->val.unix.len = (size_t)len;
            ok = 1;
        } else if (!PyErr_Occurred()) {
            PyErr_SetString(PyExc_TypeError, "an AF_UNIX path must be bytes");
        }
    } else if (kind == core.addr_inet) {
        out->tag = PYSOCKET_SOCKET_TYPES_ADDRESS_INET;
        ok = string_attr(value, "host", &out->val.inet.host) && u32_attr(value, "port", &port);
        out->val.inet.port = (uint16_t)port;
    } else {
        out->tag = PYSOCKET_SOCKET_TYPES_ADDRESS_INET6;
        ok = string_attr(value, "host", &out->val.inet6.host) && u32_attr(value, "port", &port)
             && u32_attr(value, "flowinfo", &out->val.inet6.flowinfo)
             && u32_attr(value, "scope_id", &out->val.inet6.scope_id);
        out->val.inet6.port = (uint16_t)port;
    }
    if (ok && port > 0xFFFF) {
        PyErr_SetString(PyExc_OverflowError, "port must be 0-65535");
        ok = 0;
    }
    Py_DECREF(value); /* still referenced by obj */
    return ok;
}

/* Bytes from a list the host returned; frees the list. */
PyObject *core_bytes(imports_list_u8_t *list)
{
    PyObject *out = PyBytes_FromStringAndSize((const char *)list->ptr, (Py_ssize_t)list->len);
    imports_list_u8_free(list);
    return out;
}

/* A WIT address as Python: `(host, port)` for inet, `(host, port,
   flowinfo, scope_id)` for inet6 (CPython's makesockaddr), the raw path
   bytes for unix (which `_socket_addresses` turns into what CPython
   returns). Does not free `address`. */
PyObject *core_address_out(const pysocket_socket_types_address_t *address)
{
    switch (address->tag) {
    case PYSOCKET_SOCKET_TYPES_ADDRESS_INET:
        return Py_BuildValue("(NH)", core_string(&address->val.inet.host),
                             address->val.inet.port);
    case PYSOCKET_SOCKET_TYPES_ADDRESS_INET6:
        return Py_BuildValue("(NHkk)", core_string(&address->val.inet6.host),
                             address->val.inet6.port, (unsigned long)address->val.inet6.flowinfo,
                             (unsigned long)address->val.inet6.scope_id);
    default:
        return PyBytes_FromStringAndSize((const char *)address->val.unix.ptr,
                                         (Py_ssize_t)address->val.unix.len);
    }
}
