"""Drop-in ``_ssl`` for Python inside WebAssembly: TLS served by the pysocket host (rustls).

``pysocket_guest.install()`` puts this module in ``sys.modules['_ssl']``, so
the unmodified stdlib ``Lib/ssl.py`` (and ``http.client``, ``urllib``,
``smtplib``, ``asyncio`` on top of it) runs on it. The crypto, the private
keys and the trust decisions live in the host; this module keeps the Python
objects and translates. How it maps to ``wit/tls.wit``:

* ``_SSLContext`` holds a host ``context`` resource; settings are mirrored
  here (for the getters) and sent to the host when they change.
* ``_SSLContext._wrap_socket`` runs TLS *on the socket's descriptor* in the
  host (``attach``): ``do_handshake``/``read``/``write``/``shutdown`` are one
  host call each on the descriptor number, ciphertext never enters the
  guest, and the socket's timeout applies as in CPython.
* ``_SSLContext._wrap_bio`` makes a host ``session`` (memory BIO): every
  call hands the incoming ``MemoryBIO``'s bytes to the host and appends what
  the host returns to the outgoing one. ``MemoryBIO`` is a Python buffer.
* Host failures arrive as ``tls-error`` and are raised as CPython raises
  them: ``SSLError`` with ``library``/``reason`` (OpenSSL's names),
  ``SSLCertVerificationError`` with ``verify_code``/``verify_message``,
  ``SSLWantReadError``..., ``TimeoutError('The read operation timed out')``.
  Messages lack CPython's ``(_ssl.c:NNNN)`` suffix: no C file is involved.
* What the host's TLS stack cannot do raises ``NotImplementedError`` naming
  it (TLS 1.0/1.1, PSK, post-handshake auth, SNI callbacks, key logging,
  CRL checks); the ``HAS_*`` flags say the same.
* ``options``: OP_NO_TLSv1_2/OP_NO_TLSv1_3 narrow the versions, OP_NO_TICKET
  stops session tickets, OP_CIPHER_SERVER_PREFERENCE picks the server's
  order, OP_IGNORE_UNEXPECTED_EOF reads a truncated session as its end.
  rustls never compresses or renegotiates (OP_NO_COMPRESSION,
  OP_NO_RENEGOTIATION hold whatever the flags say); the other flags tune
  OpenSSL internals and are kept only to be read back.
"""

from componentize_py_types import Err as _Err
from wit_world.imports import tls as _wtls
import _pysocket_core as _core

import os as _os
import sys as _sys
import weakref as _weakref
from operator import index as _index

# ---------------------------------------------------------------------------
# What this module is

OPENSSL_VERSION = "rustls 0.23 (ring 0.17), in the pysocket host"
OPENSSL_VERSION_INFO = (0, 23, 0, 0, 0)
OPENSSL_VERSION_NUMBER = 0x00_17_00_00_0
_OPENSSL_API_VERSION = OPENSSL_VERSION_INFO
_DEFAULT_CIPHERS = ('@SECLEVEL=2:ECDH+AESGCM:ECDH+CHACHA20:ECDH+AES:DHE+AES:'
                    '!aNULL:!eNULL:!aDSS:!SHA1:!AESCCM')

# ---------------------------------------------------------------------------
# Constants: the values of CPython's _ssl on Linux (OpenSSL 3).

CERT_NONE = 0
CERT_OPTIONAL = 1
CERT_REQUIRED = 2

PROTOCOL_SSLv23 = 2
PROTOCOL_TLS = 2
PROTOCOL_TLS_CLIENT = 16
PROTOCOL_TLS_SERVER = 17
PROTOCOL_TLSv1 = 3
PROTOCOL_TLSv1_1 = 4
PROTOCOL_TLSv1_2 = 5

PROTO_MINIMUM_SUPPORTED = -2
PROTO_MAXIMUM_SUPPORTED = -1
PROTO_SSLv3 = 0x300
PROTO_TLSv1 = 0x301
PROTO_TLSv1_1 = 0x302
PROTO_TLSv1_2 = 0x303
PROTO_TLSv1_3 = 0x304

OP_ALL = 0x80000050
OP_CIPHER_SERVER_PREFERENCE = 0x400000
OP_ENABLE_MIDDLEBOX_COMPAT = 0x100000
OP_IGNORE_UNEXPECTED_EOF = 0x80
OP_NO_COMPRESSION = 0x20000
OP_NO_RENEGOTIATION = 0x40000000
OP_NO_SSLv2 = 0
OP_NO_SSLv3 = 0x2000000
OP_NO_TICKET = 0x4000
OP_NO_TLSv1 = 0x4000000
OP_NO_TLSv1_1 = 0x10000000
OP_NO_TLSv1_2 = 0x8000000
OP_NO_TLSv1_3 = 0x20000000
OP_SINGLE_DH_USE = 0
OP_SINGLE_ECDH_USE = 0
OP_ENABLE_KTLS = 0x8
OP_LEGACY_SERVER_CONNECT = 0x4

VERIFY_DEFAULT = 0
VERIFY_CRL_CHECK_LEAF = 0x4
VERIFY_CRL_CHECK_CHAIN = 0xC
VERIFY_X509_STRICT = 0x20
VERIFY_ALLOW_PROXY_CERTS = 0x40
VERIFY_X509_TRUSTED_FIRST = 0x8000
VERIFY_X509_PARTIAL_CHAIN = 0x80000

HOSTFLAG_ALWAYS_CHECK_SUBJECT = 0x1
HOSTFLAG_NO_WILDCARDS = 0x2
HOSTFLAG_NO_PARTIAL_WILDCARDS = 0x4
HOSTFLAG_MULTI_LABEL_WILDCARDS = 0x8
HOSTFLAG_SINGLE_LABEL_SUBDOMAINS = 0x10
HOSTFLAG_NEVER_CHECK_SUBJECT = 0x20

ENCODING_PEM = 1
ENCODING_DER = 2

SSL_ERROR_SSL = 1
SSL_ERROR_WANT_READ = 2
SSL_ERROR_WANT_WRITE = 3
SSL_ERROR_WANT_X509_LOOKUP = 4
SSL_ERROR_SYSCALL = 5
SSL_ERROR_ZERO_RETURN = 6
SSL_ERROR_WANT_CONNECT = 7
SSL_ERROR_EOF = 8
SSL_ERROR_INVALID_ERROR_CODE = 10

ALERT_DESCRIPTION_CLOSE_NOTIFY = 0
ALERT_DESCRIPTION_UNEXPECTED_MESSAGE = 10
ALERT_DESCRIPTION_BAD_RECORD_MAC = 20
ALERT_DESCRIPTION_RECORD_OVERFLOW = 22
ALERT_DESCRIPTION_DECOMPRESSION_FAILURE = 30
ALERT_DESCRIPTION_HANDSHAKE_FAILURE = 40
ALERT_DESCRIPTION_BAD_CERTIFICATE = 42
ALERT_DESCRIPTION_UNSUPPORTED_CERTIFICATE = 43
ALERT_DESCRIPTION_CERTIFICATE_REVOKED = 44
ALERT_DESCRIPTION_CERTIFICATE_EXPIRED = 45
ALERT_DESCRIPTION_CERTIFICATE_UNKNOWN = 46
ALERT_DESCRIPTION_ILLEGAL_PARAMETER = 47
ALERT_DESCRIPTION_UNKNOWN_CA = 48
ALERT_DESCRIPTION_ACCESS_DENIED = 49
ALERT_DESCRIPTION_DECODE_ERROR = 50
ALERT_DESCRIPTION_DECRYPT_ERROR = 51
ALERT_DESCRIPTION_PROTOCOL_VERSION = 70
ALERT_DESCRIPTION_INSUFFICIENT_SECURITY = 71
ALERT_DESCRIPTION_INTERNAL_ERROR = 80
ALERT_DESCRIPTION_USER_CANCELLED = 90
ALERT_DESCRIPTION_NO_RENEGOTIATION = 100
ALERT_DESCRIPTION_UNSUPPORTED_EXTENSION = 110
ALERT_DESCRIPTION_CERTIFICATE_UNOBTAINABLE = 111
ALERT_DESCRIPTION_UNRECOGNIZED_NAME = 112
ALERT_DESCRIPTION_BAD_CERTIFICATE_STATUS_RESPONSE = 113
ALERT_DESCRIPTION_BAD_CERTIFICATE_HASH_VALUE = 114
ALERT_DESCRIPTION_UNKNOWN_PSK_IDENTITY = 115

# What the host's TLS (rustls) really has.
HAS_SNI = True
HAS_ECDH = True
HAS_NPN = False
HAS_ALPN = True
HAS_SSLv2 = False
HAS_SSLv3 = False
HAS_TLSv1 = False
HAS_TLSv1_1 = False
HAS_TLSv1_2 = True
HAS_TLSv1_3 = True
HAS_TLS_UNIQUE = False
HAS_PSK = False
HAS_PSK_TLS13 = False
HAS_PHA = False

# Defaults of a new context, as CPython sets them on Linux.
_DEFAULT_OPTIONS = (OP_ALL | OP_NO_SSLv3 | OP_NO_COMPRESSION | OP_CIPHER_SERVER_PREFERENCE
                    | OP_ENABLE_MIDDLEBOX_COMPAT | OP_NO_RENEGOTIATION) & ~OP_LEGACY_SERVER_CONNECT
# rustls never checks the subject's common name: hostname_checks_common_name
# reads False, and cannot be switched on.
_DEFAULT_HOST_FLAGS = HOSTFLAG_NO_PARTIAL_WILDCARDS | HOSTFLAG_NEVER_CHECK_SUBJECT
_SUPPORTED_VERIFY_FLAGS = VERIFY_X509_STRICT | VERIFY_X509_TRUSTED_FIRST | VERIFY_X509_PARTIAL_CHAIN

# ---------------------------------------------------------------------------
# Exceptions (module 'ssl', as CPython's)


class SSLError(OSError):
    """An error occurred in the SSL implementation."""

    __module__ = 'ssl'

    def __str__(self):
        if isinstance(self.strerror, str):
            return self.strerror
        return str(self.args)


class SSLZeroReturnError(SSLError):
    """SSL/TLS session closed cleanly."""

    __module__ = 'ssl'


class SSLWantReadError(SSLError):
    """Non-blocking SSL socket needs to read more data
before the requested operation can be completed."""

    __module__ = 'ssl'


class SSLWantWriteError(SSLError):
    """Non-blocking SSL socket needs to write more data
before the requested operation can be completed."""

    __module__ = 'ssl'


class SSLSyscallError(SSLError):
    """System error when attempting SSL operation."""

    __module__ = 'ssl'


class SSLEOFError(SSLError):
    """SSL/TLS connection terminated abruptly."""

    __module__ = 'ssl'


class SSLCertVerificationError(SSLError, ValueError):
    """A certificate could not be verified."""

    __module__ = 'ssl'


def _ssl_error(cls, code, message, library=None, reason=None):
    exc = cls(code, message)
    exc.library = library
    exc.reason = reason
    return exc


_T_NET = _wtls.TlsError_Net
_T_WANT_READ = _wtls.TlsError_WantRead
_T_WANT_WRITE = _wtls.TlsError_WantWrite
_T_ZERO = _wtls.TlsError_ZeroReturn
_T_EOF = _wtls.TlsError_Eof
_T_SSL = _wtls.TlsError_Ssl
_T_VERIFY = _wtls.TlsError_Verification
_T_UNSUPPORTED = _wtls.TlsError_Unsupported


def _exc(error, operation='read'):
    """The exception CPython raises for the host's ``tls-error``; a socket
    timeout names the TLS operation, as ``_ssl.c`` does."""
    kind = error.__class__
    if kind is _T_NET:
        from . import _socket_errors
        inner = error.value
        if inner.__class__ is _socket_errors._E_Timeout:
            return TimeoutError(f"The {operation} operation timed out")
        return _socket_errors._exc(inner)
    if kind is _T_WANT_READ:
        return _ssl_error(SSLWantReadError, SSL_ERROR_WANT_READ,
                          "The operation did not complete (read)")
    if kind is _T_WANT_WRITE:
        return _ssl_error(SSLWantWriteError, SSL_ERROR_WANT_WRITE,
                          "The operation did not complete (write)")
    if kind is _T_ZERO:
        return _ssl_error(SSLZeroReturnError, SSL_ERROR_ZERO_RETURN,
                          "TLS/SSL connection has been closed (EOF)")
    if kind is _T_EOF:
        return _ssl_error(SSLEOFError, SSL_ERROR_EOF, error.value, 'SSL',
                          'UNEXPECTED_EOF_WHILE_READING')
    if kind is _T_SSL:
        f = error.value
        return _ssl_error(SSLError, SSL_ERROR_SSL, f"[{f.library}: {f.reason}] {f.message}",
                          f.library, f.reason)
    if kind is _T_VERIFY:
        v = error.value
        exc = _ssl_error(SSLCertVerificationError, SSL_ERROR_SSL,
                         f"[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: {v.message}",
                         'SSL', 'CERTIFICATE_VERIFY_FAILED')
        exc.verify_code = v.code
        exc.verify_message = v.message
        return exc
    if kind is _T_UNSUPPORTED:
        return NotImplementedError(error.value)
    return RuntimeError(f"pysocket host reported a TLS error this guest does not know: {error!r}")


def _unsupported(what):
    return NotImplementedError(f"{what} is not supported by pysocket's TLS (rustls in the host)")


# ---------------------------------------------------------------------------
# Helpers


def _nbytes(data):
    """The length in bytes of a bytes-like argument (CPython's TypeError for
    anything else; BufferError for a buffer that is not C-contiguous)."""
    kind = data.__class__
    if kind is bytes or kind is bytearray:
        return len(data)
    from ._socket_args import _buffer_view

    with _buffer_view(data) as view:
        return view.nbytes


def _read_file(path, what):
    path = _os.fspath(path)
    if not isinstance(path, (str, bytes)):
        raise TypeError(f"{what} should be a valid filesystem path")
    with open(path, 'rb') as f:
        return f.read()


def _der_to_pem(der):
    import base64
    text = base64.standard_b64encode(der).decode('ascii')
    lines = [text[i:i + 64] for i in range(0, len(text), 64)]
    return "-----BEGIN CERTIFICATE-----\n" + "\n".join(lines) + "\n-----END CERTIFICATE-----\n"


def _pem_to_der(pem):
    import base64
    body = pem.strip()
    body = body[len("-----BEGIN CERTIFICATE-----"):-len("-----END CERTIFICATE-----")]
    return base64.decodebytes(body.encode('ascii', 'strict'))


def _decode_der(der):
    """A DER certificate as ``getpeercert()``'s dict."""
    error = None
    try:
        c = _core.decode_certificate(der)
    except _Err as e:
        error = e.value
    if error is not None:
        raise _exc(error)
    subject, issuer, version, serial, not_before, not_after, alt_names, ocsp, ca_issuers, crl = c
    info = {
        'subject': subject,
        'issuer': issuer,
        'version': version,
        'serialNumber': serial,
        'notBefore': not_before,
        'notAfter': not_after,
    }
    if alt_names:
        info['subjectAltName'] = alt_names
    if ocsp:
        info['OCSP'] = ocsp
    if ca_issuers:
        info['caIssuers'] = ca_issuers
    if crl:
        info['crlDistributionPoints'] = crl
    return info


def _test_decode_cert(path, /):
    """Decodes the (first) PEM certificate of a file, as ``getpeercert()`` would."""
    text = _read_file(path, 'path').decode('ascii', 'replace')
    start = text.find("-----BEGIN CERTIFICATE-----")
    end = text.find("-----END CERTIFICATE-----", start)
    if start < 0 or end < 0:
        raise _ssl_error(SSLError, 0, "Error decoding PEM-encoded file", 'PEM', 'NO_START_LINE')
    import binascii
    der = None
    try:
        der = _pem_to_der(text[start:end + len("-----END CERTIFICATE-----")])
    except (binascii.Error, ValueError):
        pass
    if der is None:
        raise _ssl_error(SSLError, 0, "Error decoding PEM-encoded file", 'PEM', 'BAD_BASE64_DECODE')
    return _decode_der(der)


class Certificate:
    """A certificate of a peer's chain (``get_unverified_chain()``)."""

    __module__ = '_ssl'

    def __init__(self, *args, **kwargs):
        raise TypeError("cannot create '_ssl.Certificate' instances")

    @classmethod
    def _from_der(cls, der):
        self = object.__new__(cls)
        self._der = bytes(der)
        return self

    def get_info(self):
        return _decode_der(self._der)

    def public_bytes(self, format=ENCODING_PEM):
        if format == ENCODING_DER:
            return self._der
        if format == ENCODING_PEM:
            return _der_to_pem(self._der)
        raise ValueError("Unsupported format")

    def __eq__(self, other):
        if not isinstance(other, Certificate):
            return NotImplemented
        return self._der == other._der

    def __hash__(self):
        return hash(self._der)

    def __repr__(self):
        subject = dict(x[0] for x in self.get_info()['subject'] if x)
        return f"<Certificate '{subject.get('commonName', '')}'>"


# ---------------------------------------------------------------------------
# Object identifiers (ssl.Purpose and _ASN1Object need them at import)

_OBJECTS = (
    # (nid, short name, long name, dotted oid) as OpenSSL numbers them.
    (129, 'serverAuth', 'TLS Web Server Authentication', '1.3.6.1.5.5.7.3.1'),
    (130, 'clientAuth', 'TLS Web Client Authentication', '1.3.6.1.5.5.7.3.2'),
    (131, 'codeSigning', 'Code Signing', '1.3.6.1.5.5.7.3.3'),
    (132, 'emailProtection', 'E-mail Protection', '1.3.6.1.5.5.7.3.4'),
    (133, 'timeStamping', 'Time Stamping', '1.3.6.1.5.5.7.3.8'),
    (180, 'OCSPSigning', 'OCSP Signing', '1.3.6.1.5.5.7.3.9'),
    (13, 'CN', 'commonName', '2.5.4.3'),
    (14, 'C', 'countryName', '2.5.4.6'),
    (15, 'L', 'localityName', '2.5.4.7'),
    (16, 'ST', 'stateOrProvinceName', '2.5.4.8'),
    (17, 'O', 'organizationName', '2.5.4.10'),
    (18, 'OU', 'organizationalUnitName', '2.5.4.11'),
    (48, 'emailAddress', 'emailAddress', '1.2.840.113549.1.9.1'),
    (85, 'subjectAltName', 'X509v3 Subject Alternative Name', '2.5.29.17'),
    (87, 'basicConstraints', 'X509v3 Basic Constraints', '2.5.29.19'),
    (83, 'keyUsage', 'X509v3 Key Usage', '2.5.29.15'),
    (126, 'extendedKeyUsage', 'X509v3 Extended Key Usage', '2.5.29.37'),
)


def txt2obj(txt, name=False):
    """txt2obj(txt, name=False) -> (nid, shortname, longname, oid)

Lookup NID, short name, long name and OID of an ASN1_OBJECT."""
    if not isinstance(txt, str):
        raise TypeError(f"txt2obj() argument 'txt' must be str, not {txt.__class__.__name__}")
    for obj in _OBJECTS:
        if obj[3] == txt or (name and txt in (obj[1], obj[2])):
            return obj
    if not name and all(p.isdigit() for p in txt.split('.')) and txt.count('.') >= 1:
        raise ValueError("Unknown object")
    raise ValueError(f"unknown object '{txt}'")


def nid2obj(nid, /):
    """nid2obj(nid) -> (nid, shortname, longname, oid)

Lookup NID, short name, long name and OID of an ASN1_OBJECT by NID."""
    nid = _index(nid)
    if nid < 0:
        raise ValueError("NID must be positive.")
    for obj in _OBJECTS:
        if obj[0] == nid:
            return obj
    raise ValueError(f"unknown NID {nid}")


# ---------------------------------------------------------------------------
# Randomness: the host's CSPRNG, through WASI's random source.

def RAND_bytes(n, /):
    """Generate n cryptographically strong pseudo-random bytes."""
    n = _index(n)
    if n < 0:
        raise ValueError("num must be positive")
    return _os.urandom(n)


def RAND_status():
    """Returns True: the host's operating-system CSPRNG is always seeded."""
    return True


def RAND_add(string, entropy, /):
    """Mix string into the OpenSSL PRNG state.

With pysocket the random bytes come from the host's operating-system CSPRNG
(through WASI), which needs no seeding from the guest and takes none: the
arguments are checked and the call has no further effect."""
    if isinstance(string, str):
        string = string.encode('utf-8')
    memoryview(string).release()
    float(entropy)


def get_default_verify_paths():
    """Return search paths and environment vars that are used by SSLContext's
set_default_verify_paths() to load default CAs.

With pysocket the default CAs are the host's (its system trust store and the
embedder's ``--ca-file``s), loaded by the host: there are no paths for the
guest to see, so the paths are empty."""
    return ('SSL_CERT_FILE', '', 'SSL_CERT_DIR', '')


# ---------------------------------------------------------------------------
# MemoryBIO and SSLSession


class MemoryBIO:
    """A memory buffer for SSLObject (``wrap_bio``)."""

    __module__ = '_ssl'

    def __init__(self):
        self._buf = bytearray()
        self._eof_written = False

    @property
    def pending(self):
        """The number of bytes pending in the memory BIO."""
        return len(self._buf)

    @property
    def eof(self):
        """Whether the memory BIO is at EOF."""
        return self._eof_written and not self._buf

    def read(self, size=-1, /):
        """Read up to size bytes from the memory BIO.

If size is not specified, read the entire buffer."""
        size = _index(size)
        buf = self._buf
        if size < 0 or size >= len(buf):
            data = bytes(buf)
            buf.clear()
            return data
        data = bytes(buf[:size])
        del buf[:size]
        return data

    def write(self, b, /):
        """Writes the bytes b into the memory BIO.

Returns the number of bytes written."""
        try:
            view = memoryview(b)
        except TypeError:
            view = None
        if view is None:
            raise TypeError(f"a bytes-like object is required, not '{b.__class__.__name__}'")
        with view:
            if view.nbytes > 0x7FFFFFFF:
                raise OverflowError("string longer than 2147483647 bytes")
            if self._eof_written:
                raise SSLError("cannot write() after write_eof()")
            self._buf += view
            return view.nbytes

    def write_eof(self):
        """Write an EOF marker to the memory BIO.

When all data has been read, the "eof" property will be True."""
        self._eof_written = True

    def _take(self):
        """Everything buffered (the session takes it all): the buffer itself,
        which the native core lends to the host; the BIO starts a new one."""
        buf = self._buf
        self._buf = bytearray()
        return buf

    def _append(self, data):
        if data:
            self._buf += data


class SSLSession:
    """A TLS session, for resumption.

pysocket's host resumes sessions by itself, per context: a connection made
from the same ``SSLContext`` to the same server offers the session of the
previous one (``session_reused`` tells). Session objects are not handed to
the guest, so ``SSLSocket.session`` is None."""

    __module__ = '_ssl'

    def __init__(self, *args, **kwargs):
        raise TypeError("cannot create '_ssl.SSLSession' instances")


# ---------------------------------------------------------------------------
# _SSLContext


_VERIFY_MODES = {
    CERT_NONE: _wtls.VerifyMode.NONE,
    CERT_OPTIONAL: _wtls.VerifyMode.OPTIONAL,
    CERT_REQUIRED: _wtls.VerifyMode.REQUIRED,
}


def _ctx_call(method, *args):
    error = None
    try:
        return method(*args)
    except _Err as e:
        error = e.value
    raise _exc(error)


class _SSLContext:
    """The state of an SSLContext, held by the pysocket host."""

    __module__ = '_ssl'

    def __new__(cls, protocol):
        protocol = _index(protocol)
        if protocol not in (PROTOCOL_TLS, PROTOCOL_TLS_CLIENT, PROTOCOL_TLS_SERVER, PROTOCOL_TLSv1_2):
            if protocol in (PROTOCOL_TLSv1, PROTOCOL_TLSv1_1):
                raise ValueError(f"invalid or unsupported protocol version {protocol} "
                                 "(pysocket's TLS speaks TLS 1.2 and 1.3 only)")
            raise ValueError(f"invalid or unsupported protocol version {protocol}")
        error = None
        try:
            host_ctx = _wtls.Context.create()
        except _Err as e:
            error = e.value
        if error is not None:
            raise _exc(error)
        self = object.__new__(cls)
        self._ctx = host_ctx
        self._protocol = protocol
        self._options = _DEFAULT_OPTIONS
        self._verify_mode = CERT_NONE
        self._check_hostname = False
        self._verify_flags = VERIFY_X509_TRUSTED_FIRST
        self._host_flags = _DEFAULT_HOST_FLAGS
        self._minimum_version = PROTO_TLSv1_2 if protocol != PROTOCOL_TLSv1_2 else PROTO_TLSv1_2
        self._maximum_version = PROTO_MAXIMUM_SUPPORTED if protocol != PROTOCOL_TLSv1_2 else PROTO_TLSv1_2
        self._num_tickets = 2
        self._alpn = []
        self._sent_versions = None
        self._ctx.set_server_cipher_preference(True)  # in _DEFAULT_OPTIONS
        if protocol == PROTOCOL_TLS_CLIENT:
            self._check_hostname = True
            self._set_mode(CERT_REQUIRED)
        self._send_versions()
        return self

    # -- settings -----------------------------------------------------------

    def _set_mode(self, mode):
        self._verify_mode = mode
        self._ctx.set_verify_mode(_VERIFY_MODES[mode])
        self._ctx.set_check_hostname(self._check_hostname)

    def _send_versions(self):
        """The effective version range: minimum/maximum_version narrowed by
        OP_NO_TLSv1_2/OP_NO_TLSv1_3, as OpenSSL applies them."""
        low = self._minimum_version
        high = self._maximum_version
        low = 0 if low in (PROTO_MINIMUM_SUPPORTED,) else max(low, 0)
        high = 0 if high == PROTO_MAXIMUM_SUPPORTED else high
        if self._options & OP_NO_TLSv1_2 and (low == 0 or low <= PROTO_TLSv1_2):
            low = PROTO_TLSv1_3
        if self._options & OP_NO_TLSv1_3 and (high == 0 or high >= PROTO_TLSv1_3):
            high = PROTO_TLSv1_2 if not self._options & OP_NO_TLSv1_2 else 1
        if high and low and high < low:
            high = 1  # an empty range: the host reports "no protocols available"
        if (low, high) != self._sent_versions:
            self._ctx.set_versions(low, high)
            self._sent_versions = (low, high)

    @property
    def protocol(self):
        return self._protocol

    @property
    def verify_mode(self):
        return self._verify_mode

    @verify_mode.setter
    def verify_mode(self, value):
        value = _index(value)
        if value not in _VERIFY_MODES:
            raise ValueError("invalid value for verify_mode")
        if value == CERT_NONE and self._check_hostname:
            raise ValueError("Cannot set verify_mode to CERT_NONE when check_hostname is enabled.")
        self._set_mode(value)

    @property
    def check_hostname(self):
        return self._check_hostname

    @check_hostname.setter
    def check_hostname(self, value):
        value = bool(value)
        self._check_hostname = value
        if value and self._verify_mode == CERT_NONE:
            self._set_mode(CERT_REQUIRED)
        else:
            self._ctx.set_check_hostname(value)

    @property
    def verify_flags(self):
        return self._verify_flags

    @verify_flags.setter
    def verify_flags(self, value):
        value = _index(value)
        if value & ~_SUPPORTED_VERIFY_FLAGS:
            if value & VERIFY_CRL_CHECK_LEAF:
                raise _unsupported("certificate revocation checks (VERIFY_CRL_CHECK_*)")
            raise _unsupported(f"verify flags {value & ~_SUPPORTED_VERIFY_FLAGS:#x}")
        self._verify_flags = value

    @property
    def _host_flags(self):
        return self.__dict__['_host_flags_value']

    @_host_flags.setter
    def _host_flags(self, value):
        value = _index(value)
        if not value & HOSTFLAG_NEVER_CHECK_SUBJECT:
            raise _unsupported("checking a certificate's common name (hostname_checks_common_name)")
        self.__dict__['_host_flags_value'] = value

    @property
    def options(self):
        return self._options

    @options.setter
    def options(self, value):
        value = _index(value)
        if value < 0:
            raise OverflowError("can't convert negative int to unsigned")
        changed = value ^ self._options
        self._options = value
        if changed & (OP_NO_TLSv1_2 | OP_NO_TLSv1_3):
            self._send_versions()
        if changed & OP_NO_TICKET:
            self._ctx.set_num_tickets(0 if value & OP_NO_TICKET else self._num_tickets)
        if changed & OP_CIPHER_SERVER_PREFERENCE:
            self._ctx.set_server_cipher_preference(bool(value & OP_CIPHER_SERVER_PREFERENCE))

    @property
    def minimum_version(self):
        return self._minimum_version

    @minimum_version.setter
    def minimum_version(self, value):
        self._minimum_version = self._version_arg(value)
        self._send_versions()

    @property
    def maximum_version(self):
        return self._maximum_version

    @maximum_version.setter
    def maximum_version(self, value):
        self._maximum_version = self._version_arg(value)
        self._send_versions()

    def _version_arg(self, value):
        value = _index(value)
        if self._protocol != PROTOCOL_TLS and self._protocol not in (PROTOCOL_TLS_CLIENT, PROTOCOL_TLS_SERVER):
            raise ValueError("The context's protocol doesn't support modification of "
                             "highest and lowest version.")
        if value not in (PROTO_MINIMUM_SUPPORTED, PROTO_MAXIMUM_SUPPORTED, PROTO_SSLv3,
                         PROTO_TLSv1, PROTO_TLSv1_1, PROTO_TLSv1_2, PROTO_TLSv1_3):
            raise ValueError(f"Unsupported TLS/SSL version 0x{value:x}")
        return value

    @property
    def num_tickets(self):
        return self._num_tickets

    @num_tickets.setter
    def num_tickets(self, value):
        value = _index(value)
        if value < 0:
            raise ValueError("value must be non-negative")
        if self._protocol != PROTOCOL_TLS_SERVER:
            raise ValueError("SSLContext is not a server context.")
        self._num_tickets = value
        self._ctx.set_num_tickets(0 if self._options & OP_NO_TICKET else value)

    @property
    def security_level(self):
        """Every suite the host offers meets OpenSSL's level 2."""
        return 2

    @property
    def post_handshake_auth(self):
        """None: TLS 1.3 post-handshake authentication is not available."""
        return None

    @post_handshake_auth.setter
    def post_handshake_auth(self, value):
        if value:
            raise _unsupported("TLS 1.3 post-handshake authentication")

    @property
    def keylog_filename(self):
        return None

    @keylog_filename.setter
    def keylog_filename(self, value):
        if value is not None:
            raise _unsupported("key logging (keylog_filename)")

    @property
    def sni_callback(self):
        return None

    @sni_callback.setter
    def sni_callback(self, value):
        if value is not None:
            raise _unsupported("server name callbacks (sni_callback)")

    @property
    def _msg_callback(self):
        return None

    @_msg_callback.setter
    def _msg_callback(self, value):
        if value is not None:
            raise _unsupported("TLS message callbacks (_msg_callback)")

    # -- methods --------------------------------------------------------------

    def set_ciphers(self, cipherlist, /):
        if not isinstance(cipherlist, str):
            raise TypeError(f"set_ciphers() argument must be str, not {cipherlist.__class__.__name__}")
        error = None
        try:
            self._ctx.set_ciphers(cipherlist)
        except _Err as e:
            error = e.value
        if error is not None:
            # CPython's own message, a one-argument SSLError.
            raise SSLError("No cipher can be selected.")

    def get_ciphers(self):
        out = []
        for c in self._ctx.ciphers():
            aead = True
            kx = 'any' if c.protocol == 'TLSv1.3' else 'ECDH'
            au = 'any' if c.protocol == 'TLSv1.3' else c.auth[5:].upper()
            enc = {'aes-128-gcm': 'AESGCM(128)', 'aes-256-gcm': 'AESGCM(256)',
                   'chacha20-poly1305': 'CHACHA20/POLY1305(256)'}[c.symmetric]
            out.append({
                'id': 0x03000000 | c.id,
                'name': c.name,
                'protocol': c.protocol,
                'description': f"{c.name:<30} {c.protocol} Kx={kx:<8} Au={au:<5} Enc={enc:<22} Mac=AEAD",
                'strength_bits': c.bits,
                'alg_bits': c.bits,
                'aead': aead,
                'symmetric': c.symmetric,
                'digest': None,
                'kea': c.kea,
                'auth': c.auth,
            })
        return out

    def _set_alpn_protocols(self, protos, /):
        wire = bytes(memoryview(protos))
        names = []
        i = 0
        while i < len(wire):
            n = wire[i]
            names.append(wire[i + 1:i + 1 + n])
            i += 1 + n
        self._alpn = [str(name, 'latin-1') for name in names]
        _core.context_set_alpn(self._ctx.handle, names)

    def _set_npn_protocols(self, protos, /):
        raise _unsupported("NPN (use ALPN)")

    def load_cert_chain(self, certfile, keyfile=None, password=None):
        if password is not None and not callable(password) and not isinstance(
                password, (str, bytes, bytearray)):
            raise TypeError("password should be a string or callable")
        chain = _read_file(certfile, 'certfile')
        key = chain if keyfile is None else _read_file(keyfile, 'keyfile')
        if b'ENCRYPTED' in key:
            if callable(password):
                password = password()
                if not isinstance(password, (str, bytes, bytearray)):
                    raise TypeError("password callback must return a string")
            if isinstance(password, str):
                password = password.encode('utf-8')
            if password is not None and len(password) > 1023:
                raise ValueError("password cannot be longer than 1023 bytes")
        else:
            password = None
        pw = None if password is None else bytes(password)
        _ctx_call(_core.context_load_cert_chain, self._ctx.handle, chain, key, pw)

    def load_verify_locations(self, cafile=None, capath=None, cadata=None):
        if cafile is None and capath is None and cadata is None:
            raise TypeError("cafile, capath and cadata cannot be all omitted")
        if cafile is not None:
            self._add_pem(_read_file(cafile, 'cafile'), 'cafile')
        if capath is not None:
            self._load_capath(capath)
        if cadata is not None:
            if isinstance(cadata, str):
                try:
                    text = cadata.encode('ascii')
                except UnicodeEncodeError:
                    raise TypeError("cadata should be an ASCII string or a bytes-like object") from None
                self._add_cadata(text, False, "no start line")
            else:
                try:
                    view = memoryview(cadata)
                except TypeError:
                    view = None
                if view is None:
                    raise TypeError("cadata should be an ASCII string or a bytes-like object")
                with view:
                    data = view.tobytes()
                self._add_cadata(data, True, "not enough data")

    def _add_cadata(self, data, der, empty_reason):
        error = None
        try:
            _core.context_add_trust(self._ctx.handle, data, der)
        except _Err as e:
            error = e.value
        if error is not None:
            if error.__class__ is _T_SSL and error.value.reason in ('NO_CERTIFICATE_OR_CRL_FOUND',
                                                                   'NOT_ENOUGH_DATA'):
                raise _ssl_error(SSLError, 0, f"{empty_reason}: cadata does not contain a certificate")
            raise _exc(error)

    def _add_pem(self, data, what):
        _ctx_call(_core.context_add_trust, self._ctx.handle, data, False)

    def _load_capath(self, capath):
        capath = _os.fspath(capath)
        for entry in sorted(_os.listdir(capath)):
            path = _os.path.join(capath, entry)
            if not _os.path.isfile(path):
                continue
            with open(path, 'rb') as f:
                data = f.read()
            if b'-----BEGIN CERTIFICATE-----' in data:
                self._add_pem(data, 'capath')

    def set_default_verify_paths(self):
        """Adds the host's default trust roots (its system store and the
        embedder's CA files)."""
        _ctx_call(self._ctx.load_default_roots)

    def cert_store_stats(self):
        n = len(self._ctx.trust_anchors())
        return {'x509': n, 'crl': 0, 'x509_ca': n}

    def get_ca_certs(self, binary_form=False):
        ders = self._ctx.trust_anchors()
        if binary_form:
            return list(ders)
        return [_decode_der(d) for d in ders]

    def load_dh_params(self, path, /):
        _read_file(path, 'path')
        raise _unsupported("finite-field Diffie-Hellman (load_dh_params; only ECDHE suites exist)")

    def set_ecdh_curve(self, name, /):
        if isinstance(name, bytes):
            name = name.decode('ascii', 'replace')
        if name not in ('prime256v1', 'secp384r1', 'X25519', 'x25519'):
            raise ValueError(f"unknown elliptic curve name '{name}'")
        raise _unsupported("restricting the key-exchange groups (set_ecdh_curve)")

    def session_stats(self):
        raise _unsupported("session statistics (session_stats)")

    def set_psk_client_callback(self, callback, identity_hint=None):
        raise _unsupported("TLS-PSK")

    def set_psk_server_callback(self, callback, identity_hint=None):
        raise _unsupported("TLS-PSK")

    # -- connections ------------------------------------------------------------

    def _check_side(self, server_side):
        if server_side and self._protocol == PROTOCOL_TLS_CLIENT:
            raise _ssl_error(SSLError, 0,
                             "Cannot create a server socket with a PROTOCOL_TLS_CLIENT context")
        if not server_side and self._protocol == PROTOCOL_TLS_SERVER:
            raise _ssl_error(SSLError, 0,
                             "Cannot create a client socket with a PROTOCOL_TLS_SERVER context")

    def _hostname_arg(self, server_hostname):
        if server_hostname is None:
            return None
        if isinstance(server_hostname, bytes):
            server_hostname = server_hostname.decode('ascii')
        if not isinstance(server_hostname, str):
            raise TypeError("server_hostname must be a string")
        if server_hostname.startswith('.'):
            raise ValueError("server_hostname cannot start with a dot")
        if '\0' in server_hostname:
            raise ValueError("server_hostname must not contain null character")
        return server_hostname

    def _wrap_socket(self, sock, server_side, server_hostname=None, *, owner=None, session=None):
        self._check_side(server_side)
        hostname = self._hostname_arg(server_hostname)
        if session is not None:
            raise _unsupported("setting an SSLSession")
        fd = sock.fileno()
        error = None
        try:
            _wtls.attach(fd, self._ctx, bool(server_side), hostname)
        except _Err as e:
            error = e.value
        if error is not None:
            raise _exc(error)
        obj = _SSLSocket._new(self, bool(server_side), hostname, owner)
        obj._fd = fd
        obj._sock = _weakref.ref(sock)
        return obj

    def _wrap_bio(self, incoming, outgoing, server_side, server_hostname=None, *, owner=None,
                  session=None):
        self._check_side(server_side)
        if not isinstance(incoming, MemoryBIO) or not isinstance(outgoing, MemoryBIO):
            raise TypeError("incoming and outgoing must be MemoryBIO objects")
        hostname = self._hostname_arg(server_hostname)
        if session is not None:
            raise _unsupported("setting an SSLSession")
        error = None
        try:
            tls_session = _wtls.Session.open(self._ctx, bool(server_side), hostname)
        except _Err as e:
            error = e.value
        if error is not None:
            raise _exc(error)
        obj = _SSLSocket._new(self, bool(server_side), hostname, owner)
        obj._session = tls_session
        obj._incoming = incoming
        obj._outgoing = outgoing
        return obj


# ---------------------------------------------------------------------------
# _SSLSocket: one TLS connection, on a descriptor or over two MemoryBIOs


class _SSLSocket:
    """A TLS connection (the ``_sslobj`` of ``SSLSocket`` and ``SSLObject``)."""

    __module__ = '_ssl'

    def __init__(self, *args, **kwargs):
        raise TypeError("cannot create '_ssl._SSLSocket' instances")

    @classmethod
    def _new(cls, context, server_side, server_hostname, owner):
        self = object.__new__(cls)
        self._context = context
        self.server_side = server_side
        self.server_hostname = server_hostname
        self._owner = None if owner is None else _weakref.ref(owner)
        self._fd = None
        self._sock = None
        self._session = None
        self._incoming = None
        self._outgoing = None
        self._info = None
        return self

    # -- attributes -------------------------------------------------------------

    @property
    def context(self):
        return self._context

    @context.setter
    def context(self, ctx):
        if not isinstance(ctx, _SSLContext):
            raise TypeError("The value must be a SSLContext")
        if ctx is not self._context:
            raise _unsupported("switching a connection to another SSLContext")

    @property
    def owner(self):
        return None if self._owner is None else self._owner()

    @owner.setter
    def owner(self, value):
        self._owner = None if value is None else _weakref.ref(value)

    @property
    def session(self):
        """None: sessions are resumed by the host per context (see SSLSession)."""
        return None

    @session.setter
    def session(self, value):
        if value is not None:
            raise _unsupported("setting an SSLSession")

    @property
    def session_reused(self):
        info = self._describe()
        return bool(info and info.session_reused)

    # -- host calls ---------------------------------------------------------------

    def _bio_step(self, step):
        """Appends a memory-BIO step's output; returns its failure."""
        outgoing, failure = step
        self._outgoing._append(outgoing)
        return failure

    def do_handshake(self):
        error = None
        if self._session is not None:
            incoming = self._incoming
            error = self._bio_step(_core.session_step(
                self._session.handle, incoming._take(), incoming._eof_written, False))
        else:
            try:
                _wtls.handshake(self._fd)
            except _Err as e:
                error = e.value
        if error is not None:
            raise _exc(error, 'handshake')
        self._info = None

    def read(self, size=1024, buffer=None, /):
        size = _index(size)
        if buffer is not None:
            view = memoryview(buffer)
            if view.readonly:
                view.release()
                raise TypeError("read() argument 2 must be read-write bytes-like object")
            if size <= 0 or size > view.nbytes:
                size = view.nbytes
        elif size < 0:
            raise ValueError("size should not be negative")
        else:
            view = None
        try:
            if size == 0:
                return b'' if view is None else 0
            error = None
            data = b''
            if self._session is not None:
                incoming = self._incoming
                data, outgoing, error = _core.session_read(
                    self._session.handle, incoming._take(), incoming._eof_written, size)
                self._outgoing._append(outgoing)
            else:
                try:
                    data = _core.tls_read(self._fd, size)
                except _Err as e:
                    error = e.value
            if error is not None:
                # A clean close (close_notify) reads as b'', as in CPython;
                # so does a truncated one under OP_IGNORE_UNEXPECTED_EOF.
                kind = error.__class__
                if not (kind is _T_ZERO or (kind is _T_EOF and
                                            self._context._options & OP_IGNORE_UNEXPECTED_EOF)):
                    raise _exc(error, 'read')
                data = b''
            if view is None:
                return data
            n = len(data)
            flat = view if view.format == 'B' and view.ndim == 1 else view.cast('B')
            flat[:n] = data
            return n
        finally:
            if view is not None:
                view.release()

    def write(self, b, /):
        if not _nbytes(b):
            return 0
        error = None
        n = 0
        if self._session is not None:
            n, outgoing, error = _core.session_write(self._session.handle, b)
            self._outgoing._append(outgoing)
        else:
            try:
                n = _core.tls_write(self._fd, b)
            except _Err as e:
                error = e.value
        if error is not None:
            raise _exc(error, 'write')
        return n

    def pending(self):
        if self._session is not None:
            return self._session.pending()
        error = None
        try:
            return _wtls.pending(self._fd)
        except _Err as e:
            error = e.value
        raise _exc(error)

    def shutdown(self):
        """Sends close_notify and waits for the peer's; returns the socket
        (socket mode) or None (memory BIO)."""
        error = None
        if self._session is not None:
            incoming = self._incoming
            error = self._bio_step(_core.session_step(
                self._session.handle, incoming._take(), incoming._eof_written, True))
            if error is not None:
                raise _exc(error, 'read')
            return None
        sock = self._sock() if self._sock is not None else None
        if sock is None or sock.fileno() != self._fd:
            raise ValueError("Underlying socket connection gone")
        try:
            _wtls.unwrap(self._fd)
        except _Err as e:
            error = e.value
        if error is not None:
            raise _exc(error, 'read')
        return sock

    # -- what the handshake agreed on ---------------------------------------------

    def _describe(self):
        info = self._info
        if info is not None:
            return info
        if self._session is not None:
            info = self._session.describe()
        else:
            error = None
            try:
                info = _wtls.describe(self._fd)
            except _Err as e:
                error = e.value
            if error is not None:
                raise _exc(error)
        self._info = info
        return info

    def _peer_chain(self):
        if self._session is not None:
            return self._session.peer_certificates()
        error = None
        try:
            return _wtls.peer_certificates(self._fd)
        except _Err as e:
            error = e.value
        raise _exc(error)

    def getpeercert(self, binary_form=False):
        if self._describe() is None:
            raise ValueError("handshake not done yet")
        chain = self._peer_chain()
        if not chain:
            return None
        if binary_form:
            return chain[0]
        if self._context._verify_mode == CERT_NONE:
            return {}
        return _decode_der(chain[0])

    def get_unverified_chain(self):
        if self._describe() is None:
            return None
        chain = self._peer_chain()
        return [Certificate._from_der(d) for d in chain] if chain else None

    def get_verified_chain(self):
        raise _unsupported("the verified chain (get_verified_chain; "
                           "get_unverified_chain gives the chain the peer sent)")

    def selected_alpn_protocol(self):
        info = self._describe()
        return None if info is None else info.alpn

    def selected_npn_protocol(self):
        return None

    def cipher(self):
        info = self._describe()
        if info is None:
            return None
        return (info.cipher, info.cipher_protocol, info.secret_bits)

    def shared_ciphers(self):
        raise _unsupported("the list of ciphers both sides support (shared_ciphers)")

    def compression(self):
        """None: TLS compression is never used."""
        return None

    def version(self):
        info = self._describe()
        return None if info is None else info.version

    def get_channel_binding(self, cb_type='tls-unique'):
        raise ValueError(f"'{cb_type}' channel binding type not implemented")

    def verify_client_post_handshake(self):
        raise _unsupported("TLS 1.3 post-handshake authentication")
