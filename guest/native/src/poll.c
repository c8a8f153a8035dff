/*
 * `poll`: what `select.select()` and `select.poll().poll()` ask the host,
 * with plain tuples on the Python side instead of WIT records (building a
 * record object per descriptor costs more than the call).
 */
#include "core.h"

/* poll(requests, timeout) -> [(fd, revents), ...]: `requests` is a list
   of (fd, events) tuples, `timeout` nanoseconds or None (no limit). */
PyObject *core_poll(PyObject *m, PyObject *const *args, Py_ssize_t n)
{
    uint64_t ns = 0;
    pysocket_socket_poll_list_poll_ready_t ready;
    pysocket_socket_types_error_t err;
    if (!core_nargs("poll", n, 2)) {
        return NULL;
    }
    if (!PyList_Check(args[0])) {
        PyErr_SetString(PyExc_TypeError, "poll requests must be a list");
        return NULL;
    }
    bool has_timeout;
    if (!core_nanoseconds(args[1], &ns, &has_timeout)) {
        return NULL;
    }
    Py_ssize_t count = PyList_Size(args[0]);
    pysocket_socket_poll_poll_request_t *items = PyMem_Calloc(count ? count : 1, sizeof(*items));
    if (items == NULL) {
        return PyErr_NoMemory();
    }
    for (Py_ssize_t i = 0; i < count; i++) {
        PyObject *item = PyList_GetItem(args[0], i);
        uint32_t events;
        if (!PyTuple_Check(item) || PyTuple_Size(item) != 2
            || !core_u32(PyTuple_GetItem(item, 0), &items[i].fd)
            || !core_u32(PyTuple_GetItem(item, 1), &events) || events > 0xFFFF) {
            if (!PyErr_Occurred()) {
                PyErr_SetString(PyExc_TypeError, "poll requests must be (fd, events) pairs");
            }
            PyMem_Free(items);
            return NULL;
        }
        items[i].events = (uint16_t)events;
    }
    pysocket_socket_poll_list_poll_request_t requests = {items, (size_t)count};
    bool ok = pysocket_socket_poll_poll(&requests, has_timeout ? &ns : NULL, &ready, &err);
    PyMem_Free(items);
    if (!ok) {
        return core_raise_error(&err);
    }
    PyObject *out = PyList_New((Py_ssize_t)ready.len);
    for (size_t i = 0; out != NULL && i < ready.len; i++) {
        PyObject *pair = Py_BuildValue("(kk)", (unsigned long)ready.ptr[i].fd,
                                       (unsigned long)ready.ptr[i].revents);
        if (pair == NULL) {
            Py_CLEAR(out);
            break;
        }
        PyList_SetItem(out, (Py_ssize_t)i, pair);
    }
    pysocket_socket_poll_list_poll_ready_free(&ready);
    return out;
}
