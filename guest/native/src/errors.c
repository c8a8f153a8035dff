/*
 * WIT errors as the Python values componentize-py's bindings produce.
 *
 * Each function here takes ownership of the WIT error it is given (frees
 * it), so a caller can return straight away.
 */
#include "core.h"

/* A WIT string as str (invalid UTF-8, which a host never sends, is replaced). */
PyObject *core_string(const imports_string_t *s)
{
    return PyUnicode_DecodeUTF8((const char *)s->ptr, (Py_ssize_t)s->len, "replace");
}

static int check_setup(void)
{
    if (core.make_error == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "_pysocket_core._setup() was not called");
        return 0;
    }
    return 1;
}

/* The `types.error` value (a new reference), by calling `make_error(case,
   code, message)`; frees `error`. */
PyObject *core_error_value(pysocket_socket_types_error_t *error)
{
    PyObject *value = NULL;
    PyObject *message = NULL;
    long code = 0;
    if (!check_setup()) {
        goto done;
    }
    switch (error->tag) {
    case PYSOCKET_SOCKET_TYPES_ERROR_OS:
        code = error->val.os.code;
        message = core_string(&error->val.os.message);
        break;
    case PYSOCKET_SOCKET_TYPES_ERROR_GAI:
        code = error->val.gai.code;
        message = core_string(&error->val.gai.message);
        break;
    case PYSOCKET_SOCKET_TYPES_ERROR_HOST:
        code = error->val.host.code;
        message = core_string(&error->val.host.message);
        break;
    case PYSOCKET_SOCKET_TYPES_ERROR_INVALID:
        message = core_string(&error->val.invalid);
        break;
    case PYSOCKET_SOCKET_TYPES_ERROR_OVERFLOW:
        message = core_string(&error->val.overflow);
        break;
    default: /* timeout */
        message = Py_NewRef(Py_None);
        break;
    }
    if (message != NULL) {
        value = PyObject_CallFunction(core.make_error, "ilO", (int)error->tag, code, message);
        Py_DECREF(message);
    }
done:
    pysocket_socket_types_error_free(error);
    return value;
}

/* The `tls.tls-error` value (a new reference), by calling
   `make_tls_error(case, a, b, c)`; frees `error`. */
PyObject *core_tls_error_value(pysocket_socket_tls_tls_error_t *error)
{
    PyObject *a = NULL, *b = NULL, *c = NULL, *value = NULL;
    int tag = error->tag;
    int ok = check_setup();
    switch (ok ? tag : -1) {
    case -1:
        break;
    case PYSOCKET_SOCKET_TLS_TLS_ERROR_NET:
        /* core_error_value frees the inner error; the outer one then
           holds nothing more to free. */
        a = core_error_value(&error->val.net);
        error->tag = PYSOCKET_SOCKET_TLS_TLS_ERROR_WANT_READ;
        ok = a != NULL;
        break;
    case PYSOCKET_SOCKET_TLS_TLS_ERROR_EOF:
        ok = (a = core_string(&error->val.eof)) != NULL;
        break;
    case PYSOCKET_SOCKET_TLS_TLS_ERROR_UNSUPPORTED:
        ok = (a = core_string(&error->val.unsupported)) != NULL;
        break;
    case PYSOCKET_SOCKET_TLS_TLS_ERROR_SSL:
        a = core_string(&error->val.ssl.library);
        b = core_string(&error->val.ssl.reason);
        c = core_string(&error->val.ssl.message);
        ok = a != NULL && b != NULL && c != NULL;
        break;
    case PYSOCKET_SOCKET_TLS_TLS_ERROR_VERIFICATION:
        a = PyLong_FromLong(error->val.verification.code);
        b = core_string(&error->val.verification.message);
        ok = a != NULL && b != NULL;
        break;
    default: /* want-read, want-write, zero-return: no payload */
        break;
    }
    if (ok) {
        value = PyObject_CallFunction(core.make_tls_error, "iOOO", tag, a ? a : Py_None,
                                      b ? b : Py_None, c ? c : Py_None);
    }
    Py_XDECREF(a);
    Py_XDECREF(b);
    Py_XDECREF(c);
    pysocket_socket_tls_tls_error_free(error);
    return value;
}

/* Raises `Err(value)` (componentize_py_types.Err); steals `value`. */
PyObject *core_raise(PyObject *value)
{
    if (value == NULL) {
        return NULL;
    }
    PyObject *exc = PyObject_CallFunctionObjArgs(core.err_type, value, NULL);
    Py_DECREF(value);
    if (exc != NULL) {
        PyErr_SetObject((PyObject *)Py_TYPE(exc), exc);
        Py_DECREF(exc);
    }
    return NULL;
}

/* Raises a `types.error` as the Python bindings would; frees `error`. */
PyObject *core_raise_error(pysocket_socket_types_error_t *error)
{
    return core_raise(core_error_value(error));
}

/* Raises a `tls.tls-error` as the Python bindings would; frees `error`. */
PyObject *core_raise_tls_error(pysocket_socket_tls_tls_error_t *error)
{
    return core_raise(core_tls_error_value(error));
}
