/*
 * `_pysocket_core`: the module object, its function table and `_setup`.
 *
 * Importing the module calls no WIT import (componentize-py imports it at
 * build time, during pre-initialisation, when no host is there); `_setup`
 * only stores what Python hands it.
 */
#include "core.h"

core_state core;

/* _setup(Err, make_error, make_tls_error, Address_Inet, Address_Inet6,
   Address_Unix): what the core needs from the Python side (see core.h). */
static PyObject *setup(PyObject *m, PyObject *const *args, Py_ssize_t n)
{
    if (!core_nargs("_setup", n, 6)) {
        return NULL;
    }
    PyObject **slots[] = {&core.err_type,  &core.make_error, &core.make_tls_error,
                          &core.addr_inet, &core.addr_inet6, &core.addr_unix};
    for (Py_ssize_t i = 0; i < n; i++) {
        if (!PyCallable_Check(args[i])) {
            PyErr_Format(PyExc_TypeError, "_setup() argument %zd must be callable", i + 1);
            return NULL;
        }
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *old = *slots[i];
        *slots[i] = Py_NewRef(args[i]);
        Py_XDECREF(old);
    }
    Py_RETURN_NONE;
}

#define FAST(name, fn, doc) {name, (PyCFunction)(void (*)(void))fn, METH_FASTCALL, doc}

static PyMethodDef functions[] = {
    FAST("_setup", setup, "Registers the Python callbacks and classes the core uses."),
    FAST("send", core_send, "send(fd, data, flags) -> count"),
    FAST("sendall", core_sendall, "sendall(fd, data, flags)"),
    FAST("sendto", core_sendto, "sendto(fd, data, flags, wit_address) -> count"),
    FAST("sendmsg", core_sendmsg,
         "sendmsg(fd, buffers, ancillary_items, flags, wit_address or None) -> count"),
    FAST("recv", core_recv, "recv(fd, bufsize, flags) -> bytes"),
    FAST("recv_into", core_recv_into, "recv_into(fd, buffer, nbytes, flags) -> received"),
    FAST("recvfrom", core_recvfrom, "recvfrom(fd, bufsize, flags) -> (bytes, address)"),
    FAST("create", core_create, "create(family, type, proto) -> fd"),
    FAST("close", core_close, "close(fd)"),
    FAST("set_timeout", core_set_timeout, "set_timeout(fd, nanoseconds or None)"),
    FAST("connect", core_connect, "connect(fd, wit_address)"),
    FAST("bind", core_bind, "bind(fd, wit_address)"),
    FAST("setsockopt", core_setsockopt, "setsockopt(fd, level, name, kind, value)"),
    FAST("poll", core_poll, "poll([(fd, events), ...], nanoseconds or None) -> [(fd, revents), ...]"),
    FAST("tls_write", core_tls_write, "tls_write(fd, data) -> count"),
    FAST("tls_read", core_tls_read, "tls_read(fd, max) -> bytes"),
    FAST("session_step", core_session_step,
         "session_step(handle, incoming, eof, unwrap) -> (outgoing, failure)"),
    FAST("session_read", core_session_read,
         "session_read(handle, incoming, eof, max) -> (data, outgoing, failure)"),
    FAST("session_write", core_session_write,
         "session_write(handle, data) -> (count, outgoing, failure)"),
    FAST("context_add_trust", core_context_add_trust,
         "context_add_trust(handle, data, der) -> count"),
    FAST("context_set_alpn", core_context_set_alpn, "context_set_alpn(handle, [bytes])"),
    FAST("context_load_cert_chain", core_context_load_cert_chain,
         "context_load_cert_chain(handle, chain, key, password or None)"),
    FAST("decode_certificate", core_decode_certificate,
         "decode_certificate(der) -> (subject, issuer, version, serial, not_before, not_after, "
         "subject_alt_names, ocsp, ca_issuers, crl_distribution_points)"),
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT,
    "_pysocket_core",
    "pysocket's native core: the WIT calls that carry guest bytes and the hot paths of _socket.",
    -1,
    functions,
    NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__pysocket_core(void)
{
    return PyModule_Create(&module);
}
