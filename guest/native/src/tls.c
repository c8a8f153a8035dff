/*
 * The TLS calls that carry guest bytes: `write` on a descriptor, the
 * memory-BIO session steps (ciphertext in, plaintext in) and the context
 * settings given as bytes (PEM/DER, ALPN names, key and password); and
 * `read` on a descriptor, the hot path of `SSLSocket.recv`.
 *
 * Resources are passed as the handle numbers of componentize-py's Python
 * objects (`_ssl` reads them with `_handle`): the C bindings and the Python
 * bindings share the component's one import of `pysocket:socket/tls`, so
 * a handle means the same resource to both. A borrow does not change who
 * owns the resource (the Python object still drops it).
 */
#include "core.h"

/* A resource handle argument (an int the Python object holds). */
static int handle(PyObject *obj, int32_t *out)
{
    uint32_t value;
    if (!core_u32(obj, &value) || value > INT32_MAX) {
        if (!PyErr_Occurred()) {
            PyErr_SetString(PyExc_OverflowError, "resource handle out of range");
        }
        return 0;
    }
    *out = (int32_t)value;
    return 1;
}

/* write(fd, data) -> int */
PyObject *core_tls_write(PyObject *m, PyObject *const *args, Py_ssize_t n)
{
    uint32_t fd, written = 0;
    Py_buffer view;
    pysocket_socket_tls_tls_error_t err;
    if (!core_nargs("tls_write", n, 2) || !core_u32(args[0], &fd) || !core_data(args[1], &view)) {
        return NULL;
    }
    pysocket_socket_tls_payload_t data = {view.buf, (size_t)view.len};
    bool ok = pysocket_socket_tls_write(fd, &data, &written, &err);
    PyBuffer_Release(&view);
    if (!ok) {
        return core_raise_tls_error(&err);
    }
    return PyLong_FromUnsignedLong(written);
}

/* `(outgoing bytes, failure or None)` of a bio-step, or with `first`
   (unless NULL) in front; frees the step. `ok` false: only frees it. */
static PyObject *step(pysocket_socket_tls_bio_step_t *s, PyObject *first, int ok)
{
    if (!ok) {
        pysocket_socket_tls_bio_step_free(s);
        return NULL;
    }
    PyObject *failure = Py_None;
    PyObject *outgoing = core_bytes(&s->outgoing);
    if (s->failure.is_some) {
        failure = core_tls_error_value(&s->failure.val); /* frees it */
        s->failure.is_some = false;
    } else {
        Py_INCREF(failure);
    }
    PyObject *out = NULL;
    if (outgoing != NULL && failure != NULL) {
        out = first == NULL ? PyTuple_Pack(2, outgoing, failure)
                            : PyTuple_Pack(3, first, outgoing, failure);
    }
    Py_XDECREF(outgoing);
    Py_XDECREF(failure);
    return out;
}

/* session_step(session, incoming, eof, unwrap) -> (outgoing, failure):
   `handshake` (unwrap false) or `unwrap` (true). */
PyObject *core_session_step(PyObject *m, PyObject *const *args, Py_ssize_t n)
{
    pysocket_socket_tls_borrow_session_t session;
    Py_buffer view;
    pysocket_socket_tls_bio_step_t result;
    if (!core_nargs("session_step", n, 4) || !handle(args[0], &session.__handle)) {
        return NULL;
    }
    int eof = PyObject_IsTrue(args[2]);
    int unwrap = eof < 0 ? -1 : PyObject_IsTrue(args[3]);
    if (unwrap < 0 || !core_data(args[1], &view)) {
        return NULL;
    }
    pysocket_socket_tls_payload_t incoming = {view.buf, (size_t)view.len};
    if (unwrap) {
        pysocket_socket_tls_method_session_unwrap(session, &incoming, eof, &result);
    } else {
        pysocket_socket_tls_method_session_handshake(session, &incoming, eof, &result);
    }
    PyBuffer_Release(&view);
    return step(&result, NULL, 1);
}

/* session_read(session, incoming, eof, max) -> (data, outgoing, failure) */
PyObject *core_session_read(PyObject *m, PyObject *const *args, Py_ssize_t n)
{
    pysocket_socket_tls_borrow_session_t session;
    uint32_t max;
    Py_buffer view;
    pysocket_socket_tls_tuple2_list_u8_bio_step_t result;
    if (!core_nargs("session_read", n, 4) || !handle(args[0], &session.__handle)
        || !core_u32(args[3], &max)) {
        return NULL;
    }
    int eof = PyObject_IsTrue(args[2]);
    if (eof < 0 || !core_data(args[1], &view)) {
        return NULL;
    }
    pysocket_socket_tls_payload_t incoming = {view.buf, (size_t)view.len};
    pysocket_socket_tls_method_session_read(session, &incoming, eof, max, &result);
    PyBuffer_Release(&view);
    PyObject *data = core_bytes(&result.f0);
    PyObject *out = step(&result.f1, data, data != NULL);
    Py_XDECREF(data);
    return out;
}

/* session_write(session, data) -> (count, outgoing, failure) */
PyObject *core_session_write(PyObject *m, PyObject *const *args, Py_ssize_t n)
{
    pysocket_socket_tls_borrow_session_t session;
    Py_buffer view;
    pysocket_socket_tls_tuple2_u32_bio_step_t result;
    if (!core_nargs("session_write", n, 2) || !handle(args[0], &session.__handle)
        || !core_data(args[1], &view)) {
        return NULL;
    }
    pysocket_socket_tls_payload_t data = {view.buf, (size_t)view.len};
    pysocket_socket_tls_method_session_write(session, &data, &result);
    PyBuffer_Release(&view);
    PyObject *count = PyLong_FromUnsignedLong(result.f0);
    PyObject *out = step(&result.f1, count, count != NULL);
    Py_XDECREF(count);
    return out;
}

/* context_add_trust(context, data, der) -> int: `add-trust-pem`, or
   `add-trust-der` when `der` is true. */
PyObject *core_context_add_trust(PyObject *m, PyObject *const *args, Py_ssize_t n)
{
    pysocket_socket_tls_borrow_context_t ctx;
    Py_buffer view;
    uint32_t count = 0;
    pysocket_socket_tls_tls_error_t err;
    if (!core_nargs("context_add_trust", n, 3) || !handle(args[0], &ctx.__handle)) {
        return NULL;
    }
    int der = PyObject_IsTrue(args[2]);
    if (der < 0 || !core_data(args[1], &view)) {
        return NULL;
    }
    pysocket_socket_tls_payload_t data = {view.buf, (size_t)view.len};
    bool ok = der ? pysocket_socket_tls_method_context_add_trust_der(ctx, &data, &count, &err)
                  : pysocket_socket_tls_method_context_add_trust_pem(ctx, &data, &count, &err);
    PyBuffer_Release(&view);
    if (!ok) {
        return core_raise_tls_error(&err);
    }
    return PyLong_FromUnsignedLong(count);
}

/* context_set_alpn(context, protocols: list of bytes) -> None */
PyObject *core_context_set_alpn(PyObject *m, PyObject *const *args, Py_ssize_t n)
{
    pysocket_socket_tls_borrow_context_t ctx;
    if (!core_nargs("context_set_alpn", n, 2) || !handle(args[0], &ctx.__handle)) {
        return NULL;
    }
    if (!PyList_Check(args[1])) {
        PyErr_SetString(PyExc_TypeError, "protocols must be a list of bytes");
        return NULL;
    }
    PyObject *names = PySequence_Tuple(args[1]);
    if (names == NULL) {
        return NULL;
    }
    Py_ssize_t count = PyTuple_Size(names);
    pysocket_socket_tls_payload_t *list = PyMem_Calloc(count ? count : 1, sizeof(*list));
    PyObject *result = NULL;
    if (list == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t i = 0; i < count; i++) {
        char *ptr = NULL;
        Py_ssize_t len = 0;
        PyObject *name = PyTuple_GetItem(names, i);
        if (!PyBytes_Check(name) || PyBytes_AsStringAndSize(name, &ptr, &len) != 0) {
            if (!PyErr_Occurred()) {
                PyErr_SetString(PyExc_TypeError, "protocols must be a list of bytes");
            }
            goto done;
        }
        list[i].ptr = (uint8_t *)ptr;
        list[i].len = (size_t)len;
    }
    pysocket_socket_tls_list_payload_t protocols = {list, (size_t)count};
    pysocket_socket_tls_method_context_set_alpn_protocols(ctx, &protocols);
    result = Py_NewRef(Py_None);
done:
    PyMem_Free(list);
    Py_DECREF(names);
    return result;
}

/* context_load_cert_chain(context, chain, key, password or None) -> None */
PyObject *core_context_load_cert_chain(PyObject *m, PyObject *const *args, Py_ssize_t n)
{
    pysocket_socket_tls_borrow_context_t ctx;
    Py_buffer views[3];
    int held = 0;
    pysocket_socket_tls_tls_error_t err;
    PyObject *result = NULL;
    if (!core_nargs("context_load_cert_chain", n, 4) || !handle(args[0], &ctx.__handle)) {
        return NULL;
    }
    int parts = args[3] == Py_None ? 2 : 3;
    for (; held < parts; held++) {
        if (!core_data(args[1 + held], &views[held])) {
            goto done;
        }
    }
    pysocket_socket_tls_payload_t data[3];
    for (int i = 0; i < parts; i++) {
        data[i].ptr = views[i].buf;
        data[i].len = (size_t)views[i].len;
    }
    if (pysocket_socket_tls_method_context_load_cert_chain(ctx, &data[0], &data[1],
                                                           parts == 3 ? &data[2] : NULL, &err)) {
        result = Py_NewRef(Py_None);
    } else {
        core_raise_tls_error(&err);
    }
done:
    for (int i = 0; i < held; i++) {
        PyBuffer_Release(&views[i]);
    }
    return result;
}

/* tls_read(fd, max) -> bytes: up to `max` bytes of plaintext. */
PyObject *core_tls_read(PyObject *m, PyObject *const *args, Py_ssize_t n)
{
    uint32_t fd, max;
    imports_list_u8_t data;
    pysocket_socket_tls_tls_error_t err;
    if (!core_nargs("tls_read", n, 2) || !core_u32(args[0], &fd) || !core_u32(args[1], &max)) {
        return NULL;
    }
    if (!pysocket_socket_tls_read(fd, max, &data, &err)) {
        return core_raise_tls_error(&err);
    }
    return core_bytes(&data);
}
