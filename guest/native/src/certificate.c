/*
 * `decode-certificate`: the DER goes to the host from the caller's buffer;
 * the decoded certificate comes back as plain tuples, already in the shape
 * of `getpeercert()`'s values, which `_ssl._decode_der` puts in a dict.
 */
#include "core.h"

/* A distinguished name: ((("name", "value"), ...), ...), one inner tuple
   per relative distinguished name. */
static PyObject *dn(const pysocket_socket_tls_distinguished_name_t *name)
{
    PyObject *out = PyTuple_New((Py_ssize_t)name->len);
    for (size_t i = 0; out != NULL && i < name->len; i++) {
        const pysocket_socket_tls_list_name_attribute_t *rdn = &name->ptr[i];
        PyObject *items = PyTuple_New((Py_ssize_t)rdn->len);
        for (size_t j = 0; items != NULL && j < rdn->len; j++) {
            PyObject *pair = Py_BuildValue("(NN)", core_string(&rdn->ptr[j].name),
                                           core_string(&rdn->ptr[j].value));
            if (pair == NULL) {
                Py_CLEAR(items);
                break;
            }
            PyTuple_SetItem(items, (Py_ssize_t)j, pair);
        }
        if (items == NULL) {
            Py_CLEAR(out);
            break;
        }
        PyTuple_SetItem(out, (Py_ssize_t)i, items);
    }
    return out;
}

/* A list of strings as a tuple. */
static PyObject *strings(const imports_list_string_t *list)
{
    PyObject *out = PyTuple_New((Py_ssize_t)list->len);
    for (size_t i = 0; out != NULL && i < list->len; i++) {
        PyObject *s = core_string(&list->ptr[i]);
        if (s == NULL) {
            Py_CLEAR(out);
            break;
        }
        PyTuple_SetItem(out, (Py_ssize_t)i, s);
    }
    return out;
}

/* A list of string pairs as a tuple of 2-tuples. */
static PyObject *pairs(const imports_list_tuple2_string_string_t *list)
{
    PyObject *out = PyTuple_New((Py_ssize_t)list->len);
    for (size_t i = 0; out != NULL && i < list->len; i++) {
        PyObject *pair = Py_BuildValue("(NN)", core_string(&list->ptr[i].f0),
                                       core_string(&list->ptr[i].f1));
        if (pair == NULL) {
            Py_CLEAR(out);
            break;
        }
        PyTuple_SetItem(out, (Py_ssize_t)i, pair);
    }
    return out;
}

/* decode_certificate(der) -> (subject, issuer, version, serial, not_before,
   not_after, subject_alt_names, ocsp, ca_issuers, crl_distribution_points) */
PyObject *core_decode_certificate(PyObject *m, PyObject *const *args, Py_ssize_t n)
{
    Py_buffer view;
    pysocket_socket_tls_certificate_t cert;
    pysocket_socket_tls_tls_error_t err;
    if (!core_nargs("decode_certificate", n, 1) || !core_data(args[0], &view)) {
        return NULL;
    }
    pysocket_socket_tls_payload_t der = {view.buf, (size_t)view.len};
    bool ok = pysocket_socket_tls_decode_certificate(&der, &cert, &err);
    PyBuffer_Release(&view);
    if (!ok) {
        return core_raise_tls_error(&err);
    }
    PyObject *out = Py_BuildValue("(NNkNNNNNNN)", dn(&cert.subject), dn(&cert.issuer),
                                  (unsigned long)cert.version, core_string(&cert.serial_number),
                                  core_string(&cert.not_before), core_string(&cert.not_after),
                                  pairs(&cert.subject_alt_names), strings(&cert.ocsp),
                                  strings(&cert.ca_issuers),
                                  strings(&cert.crl_distribution_points));
    pysocket_socket_tls_certificate_free(&cert);
    return out;
}
