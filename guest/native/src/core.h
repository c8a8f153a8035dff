/*
 * The native core of pysocket's Python guest: shared declarations.
 *
 * `_pysocket_core` is a CPython extension module (limited API 3.11, an
 * `.abi3.so`) that calls the `pysocket:socket` WIT imports through the C
 * bindings `wit-bindgen c` generates (`imports.h`). It carries the calls
 * whose data the Python bindings of componentize-py 0.25.1 would copy and
 * leak (every `list<u8>` argument) and the hot paths of `_socket`; argument
 * checking with CPython's messages and everything rare stays in Python
 * (`guest/python/pysocket_guest`).
 *
 * Errors: a WIT error becomes the Python value componentize-py's own
 * bindings would have produced (built by the callbacks Python registers
 * with `_setup`), raised as `componentize_py_types.Err(value)`. So the
 * Python code around a call is the same whichever binding it calls, and
 * the exception CPython raises is built in one place, `_socket_errors._exc`
 * (or `_ssl._exc`).
 */
#ifndef PYSOCKET_CORE_H
#define PYSOCKET_CORE_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <string.h>

#include "imports.h"

/* The callbacks and classes `_setup` registers (all NULL before it ran). */
typedef struct {
    PyObject *err_type;        /* componentize_py_types.Err */
    PyObject *make_error;      /* (case, code, message) -> types.Error value */
    PyObject *make_tls_error;  /* (case, a, b, c) -> tls.TlsError value */
    PyObject *addr_inet;       /* types.Address_Inet */
    PyObject *addr_inet6;      /* types.Address_Inet6 */
    PyObject *addr_unix;       /* types.Address_Unix */
} core_state;

extern core_state core;

/* errors.c */
PyObject *core_error_value(pysocket_socket_types_error_t *error);
PyObject *core_tls_error_value(pysocket_socket_tls_tls_error_t *error);
PyObject *core_raise(PyObject *value);
PyObject *core_raise_error(pysocket_socket_types_error_t *error);
PyObject *core_raise_tls_error(pysocket_socket_tls_tls_error_t *error);
PyObject *core_string(const imports_string_t *s);

/* args.c */
int core_u32(PyObject *obj, uint32_t *out);
int core_s32(PyObject *obj, int32_t *out);
int core_nanoseconds(PyObject *obj, uint64_t *out, bool *has);
int core_data(PyObject *obj, Py_buffer *view);
int core_address(PyObject *obj, pysocket_socket_types_address_t *out);
PyObject *core_bytes(imports_list_u8_t *list);
PyObject *core_address_out(const pysocket_socket_types_address_t *address);

/* socket.c, poll.c, tls.c, certificate.c: the module's functions */
PyObject *core_send(PyObject *m, PyObject *const *args, Py_ssize_t n);
PyObject *core_sendall(PyObject *m, PyObject *const *args, Py_ssize_t n);
PyObject *core_sendto(PyObject *m, PyObject *const *args, Py_ssize_t n);
PyObject *core_sendmsg(PyObject *m, PyObject *const *args, Py_ssize_t n);
PyObject *core_recv(PyObject *m, PyObject *const *args, Py_ssize_t n);
PyObject *core_recv_into(PyObject *m, PyObject *const *args, Py_ssize_t n);
PyObject *core_recvfrom(PyObject *m, PyObject *const *args, Py_ssize_t n);
PyObject *core_create(PyObject *m, PyObject *const *args, Py_ssize_t n);
PyObject *core_close(PyObject *m, PyObject *const *args, Py_ssize_t n);
PyObject *core_set_timeout(PyObject *m, PyObject *const *args, Py_ssize_t n);
PyObject *core_connect(PyObject *m, PyObject *const *args, Py_ssize_t n);
PyObject *core_bind(PyObject *m, PyObject *const *args, Py_ssize_t n);
PyObject *core_setsockopt(PyObject *m, PyObject *const *args, Py_ssize_t n);
PyObject *core_tls_write(PyObject *m, PyObject *const *args, Py_ssize_t n);
PyObject *core_tls_read(PyObject *m, PyObject *const *args, Py_ssize_t n);
PyObject *core_session_step(PyObject *m, PyObject *const *args, Py_ssize_t n);
PyObject *core_session_read(PyObject *m, PyObject *const *args, Py_ssize_t n);
PyObject *core_session_write(PyObject *m, PyObject *const *args, Py_ssize_t n);
PyObject *core_context_add_trust(PyObject *m, PyObject *const *args, Py_ssize_t n);
PyObject *core_context_set_alpn(PyObject *m, PyObject *const *args, Py_ssize_t n);
PyObject *core_context_load_cert_chain(PyObject *m, PyObject *const *args, Py_ssize_t n);
PyObject *core_decode_certificate(PyObject *m, PyObject *const *args, Py_ssize_t n);
PyObject *core_poll(PyObject *m, PyObject *const *args, Py_ssize_t n);

/* Checks a fast-call's argument count; sets TypeError and returns 0 if wrong. */
int core_nargs(const char *name, Py_ssize_t n, Py_ssize_t expected);

#endif
