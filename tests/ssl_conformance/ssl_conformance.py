#!/usr/bin/env python3
"""Conformance checks for CPython's ssl module.

The same file runs unchanged under native CPython (OpenSSL) and inside a
pysocket guest (rustls in the host); the test suite (tests/ssl_conformance.rs)
compares the outcome of every check. Each check asserts what CPython with
OpenSSL does.

Rules: single-threaded; no network beyond socketpair() and memory BIOs (the
two ends of every TLS connection run here, pumped by hand); every wait is
bounded; certificates come from --pki DIR (the files tests/support/tls.rs
makes: ca.pem, server.pem/.key, wrong-name, expired, self-signed,
other-ca.pem, client.pem/.key, server-encrypted.key with password "secret").

Usage:
  python3 ssl_conformance.py --pki DIR

Prints "PASS id" / "FAIL id: reason" per check, then "N passed, M failed".
"""

import argparse
import os
import re
import select
import socket
import ssl
import sys
import traceback

CHECKS = []
PKI = {"dir": None}


def check(cid):
    def deco(fn):
        CHECKS.append((cid, fn))
        return fn
    return deco


def pki(name):
    return os.path.join(PKI["dir"], name)


def eq(got, want, what=""):
    if got != want:
        raise AssertionError(f"{what}: got {got!r}, want {want!r}")


def ok(cond, what):
    if not cond:
        raise AssertionError(what)


def raises(exc_type, fn, *args, **kwargs):
    try:
        fn(*args, **kwargs)
    except exc_type as e:
        return e
    except BaseException as e:
        raise AssertionError(f"raised {type(e).__name__}: {e}, want {exc_type.__name__}")
    raise AssertionError(f"did not raise {exc_type.__name__}")


def strip_location(text):
    """CPython appends "(_ssl.c:NNNN)"; pysocket has no C file to name."""
    return re.sub(r" \(_ssl\.c:\d+\)$", "", text)


def client_ctx(ca="ca.pem"):
    return ssl.create_default_context(cafile=pki(ca))


def server_ctx(cert="server", **kw):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(pki(cert + ".pem"), pki(cert + ".key"))
    for k, v in kw.items():
        setattr(ctx, k, v)
    return ctx


class Pair:
    """A client and a server SSLObject joined by memory BIOs."""

    def __init__(self, cctx, sctx, hostname="localhost"):
        self.c_in, self.c_out = ssl.MemoryBIO(), ssl.MemoryBIO()
        self.s_in, self.s_out = ssl.MemoryBIO(), ssl.MemoryBIO()
        self.client = cctx.wrap_bio(self.c_in, self.c_out, server_hostname=hostname)
        self.server = sctx.wrap_bio(self.s_in, self.s_out, server_side=True)

    def pump(self):
        moved = 0
        data = self.c_out.read()
        if data:
            self.s_in.write(data)
            moved += len(data)
        data = self.s_out.read()
        if data:
            self.c_in.write(data)
            moved += len(data)
        return moved

    def handshake(self):
        """Runs both handshakes; returns (client error, server error)."""
        errors = [None, None]
        done = [False, False]
        for _ in range(50):
            for i, obj in enumerate((self.client, self.server)):
                if done[i] or errors[i]:
                    continue
                try:
                    obj.do_handshake()
                    done[i] = True
                except ssl.SSLWantReadError:
                    pass
                except ssl.SSLError as e:
                    errors[i] = e
            moved = self.pump()
            if (done[0] or errors[0]) and (done[1] or errors[1]) and not moved:
                break
        return errors[0], errors[1]

    def connected(self):
        c, s = self.handshake()
        if c or s:
            raise AssertionError(f"handshake failed: client {c!r}, server {s!r}")
        return self

    def send(self, sender, receiver, data):
        sender.write(data)
        self.pump()
        got = b""
        while len(got) < len(data):
            try:
                part = receiver.read(len(data) - len(got))
            except ssl.SSLWantReadError:
                self.pump()
                continue
            got += part
        return got


def verify_error(cctx, sctx, hostname="localhost"):
    c, _ = Pair(cctx, sctx, hostname).handshake()
    ok(isinstance(c, ssl.SSLCertVerificationError), f"want SSLCertVerificationError, got {c!r}")
    return c


# ---------------------------------------------------------------------------
# Module surface

@check("module.constants")
def _():
    eq((ssl.CERT_NONE, ssl.CERT_OPTIONAL, ssl.CERT_REQUIRED), (0, 1, 2), "CERT_*")
    eq((ssl.PROTOCOL_TLS_CLIENT, ssl.PROTOCOL_TLS_SERVER), (16, 17), "PROTOCOL_*")
    eq((int(ssl.TLSVersion.TLSv1_2), int(ssl.TLSVersion.TLSv1_3)), (0x303, 0x304), "TLSVersion")
    eq((ssl.SSL_ERROR_WANT_READ, ssl.SSL_ERROR_WANT_WRITE, ssl.SSL_ERROR_ZERO_RETURN,
        ssl.SSL_ERROR_EOF, ssl.SSL_ERROR_SSL), (2, 3, 6, 8, 1), "SSL_ERROR_*")
    eq(int(ssl.OP_NO_TLSv1_3), 0x20000000, "OP_NO_TLSv1_3")
    eq(int(ssl.AlertDescription.ALERT_DESCRIPTION_UNKNOWN_CA), 48, "alert")
    eq(int(ssl.VERIFY_X509_STRICT), 0x20, "VERIFY_X509_STRICT")


@check("module.has_flags")
def _():
    eq((ssl.HAS_SNI, ssl.HAS_ALPN, ssl.HAS_ECDH, ssl.HAS_TLSv1_2, ssl.HAS_TLSv1_3),
       (True,) * 5, "HAS_*")
    eq((ssl.HAS_SSLv2, ssl.HAS_SSLv3, ssl.HAS_NPN), (False,) * 3, "HAS_ old")


@check("module.exception_hierarchy")
def _():
    ok(issubclass(ssl.SSLError, OSError), "SSLError is an OSError")
    for cls in (ssl.SSLZeroReturnError, ssl.SSLWantReadError, ssl.SSLWantWriteError,
                ssl.SSLSyscallError, ssl.SSLEOFError, ssl.SSLCertVerificationError):
        ok(issubclass(cls, ssl.SSLError), cls.__name__)
    ok(issubclass(ssl.SSLCertVerificationError, ValueError), "verification is a ValueError")
    ok(ssl.CertificateError is ssl.SSLCertVerificationError, "CertificateError alias")
    eq(ssl.SSLError.__module__, "ssl", "module")


@check("module.sslerror_str")
def _():
    eq(str(ssl.SSLError(1, "boom")), "boom", "two args")
    eq(str(ssl.SSLError("x")), "('x',)", "one arg")
    eq(ssl.SSLError(1, "boom").errno, 1, "errno")


@check("module.rand")
def _():
    eq(len(ssl.RAND_bytes(16)), 16, "length")
    ok(ssl.RAND_bytes(16) != ssl.RAND_bytes(16), "random")
    eq(ssl.RAND_status(), True, "status")
    raises(ValueError, ssl.RAND_bytes, -1)


@check("module.purpose")
def _():
    eq(ssl.Purpose.SERVER_AUTH.oid, "1.3.6.1.5.5.7.3.1", "oid")
    eq(ssl.Purpose.SERVER_AUTH.shortname, "serverAuth", "shortname")
    eq(ssl.Purpose.CLIENT_AUTH.nid, 130, "nid")


@check("module.version_strings")
def _():
    ok(isinstance(ssl.OPENSSL_VERSION, str) and ssl.OPENSSL_VERSION, "OPENSSL_VERSION")
    eq(len(ssl.OPENSSL_VERSION_INFO), 5, "OPENSSL_VERSION_INFO")
    ok(isinstance(ssl.OPENSSL_VERSION_NUMBER, int), "OPENSSL_VERSION_NUMBER")


@check("module.default_verify_paths")
def _():
    p = ssl.get_default_verify_paths()
    eq((p.openssl_cafile_env, p.openssl_capath_env), ("SSL_CERT_FILE", "SSL_CERT_DIR"), "env names")


@check("module.sslsession_not_constructible")
def _():
    raises(TypeError, ssl.SSLSession)


@check("module.sslobject_not_constructible")
def _():
    raises(TypeError, ssl.SSLObject)
    raises(TypeError, ssl.SSLSocket)


@check("module.decode_cert")
def _():
    info = ssl._ssl._test_decode_cert(pki("server.pem"))
    eq(info["subject"], ((("commonName", "localhost"),), (("organizationName", "pysocket tests"),)),
       "subject")
    eq(info["subjectAltName"], (("DNS", "localhost"), ("IP Address", "127.0.0.1")), "SAN")
    eq(info["version"], 3, "version")
    ok(re.fullmatch(r"[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \d{4} GMT", info["notAfter"]), "date format")
    ok(re.fullmatch(r"[0-9A-F]+", info["serialNumber"]), "serial")


@check("module.pem_der_roundtrip")
def _():
    pem = open(pki("ca.pem")).read()
    der = ssl.PEM_cert_to_DER_cert(pem)
    eq(ssl.DER_cert_to_PEM_cert(der).strip(), pem.strip(), "roundtrip")

# ---------------------------------------------------------------------------
# MemoryBIO


@check("bio.memorybio_basics")
def _():
    b = ssl.MemoryBIO()
    eq((b.pending, b.eof), (0, False), "empty")
    eq(b.write(b"hello"), 5, "write")
    eq(b.pending, 5, "pending")
    eq(b.read(2), b"he", "read 2")
    eq(b.read(), b"llo", "read rest")
    eq(b.read(), b"", "read empty")
    b.write(bytearray(b"x"))
    b.write(memoryview(b"y"))
    b.write_eof()
    eq(b.eof, False, "eof with data pending")
    eq(b.read(), b"xy", "read")
    eq(b.eof, True, "eof")


@check("bio.memorybio_errors")
def _():
    b = ssl.MemoryBIO()
    raises(TypeError, b.write, "text")
    b.write_eof()
    e = raises(ssl.SSLError, b.write, b"x")
    eq(e.args, ("cannot write() after write_eof()",), "args")

# ---------------------------------------------------------------------------
# SSLContext


@check("context.client_defaults")
def _():
    c = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    eq((c.verify_mode, c.check_hostname), (ssl.CERT_REQUIRED, True), "verify")
    eq(c.minimum_version, ssl.TLSVersion.TLSv1_2, "minimum")
    eq(c.maximum_version, ssl.TLSVersion.MAXIMUM_SUPPORTED, "maximum")
    eq(c.protocol, ssl.PROTOCOL_TLS_CLIENT, "protocol")
    ok(c.options & ssl.OP_NO_SSLv3 and c.options & ssl.OP_NO_COMPRESSION, "options")
    eq(c.num_tickets, 2, "num_tickets")
    eq(c.sni_callback, None, "sni_callback")


@check("context.server_defaults")
def _():
    c = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    eq((c.verify_mode, c.check_hostname), (ssl.CERT_NONE, False), "verify")


@check("context.create_default_context")
def _():
    c = ssl.create_default_context()
    eq((c.verify_mode, c.check_hostname, c.protocol),
       (ssl.CERT_REQUIRED, True, ssl.PROTOCOL_TLS_CLIENT), "client")
    s = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    eq((s.verify_mode, s.protocol), (ssl.CERT_NONE, ssl.PROTOCOL_TLS_SERVER), "server")


@check("context.check_hostname_rules")
def _():
    c = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    e = raises(ValueError, setattr, c, "verify_mode", ssl.CERT_NONE)
    eq(str(e), "Cannot set verify_mode to CERT_NONE when check_hostname is enabled.", "message")
    c.check_hostname = False
    c.verify_mode = ssl.CERT_NONE
    c.check_hostname = True
    eq(c.verify_mode, ssl.CERT_REQUIRED, "check_hostname turns verification on")


@check("context.num_tickets_server_only")
def _():
    e = raises(ValueError, setattr, ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT), "num_tickets", 1)
    eq(str(e), "SSLContext is not a server context.", "message")
    s = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    s.num_tickets = 0
    eq(s.num_tickets, 0, "set")
    raises(ValueError, setattr, s, "num_tickets", -1)


@check("context.versions")
def _():
    c = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    c.minimum_version = ssl.TLSVersion.TLSv1_3
    eq(c.minimum_version, ssl.TLSVersion.TLSv1_3, "minimum")
    c.maximum_version = ssl.TLSVersion.TLSv1_3
    eq(c.maximum_version, ssl.TLSVersion.TLSv1_3, "maximum")


@check("context.load_verify_cafile")
def _():
    c = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    c.load_verify_locations(pki("ca.pem"))
    eq(c.cert_store_stats()["x509_ca"], 1, "one CA")
    (info,) = c.get_ca_certs()
    eq(info["subject"], ((("commonName", "pysocket test CA"),),), "subject")
    eq(c.get_ca_certs(True)[0], ssl.PEM_cert_to_DER_cert(open(pki("ca.pem")).read()), "DER")


@check("context.load_verify_cadata")
def _():
    pem = open(pki("ca.pem")).read()
    c = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    c.load_verify_locations(cadata=pem)
    c.load_verify_locations(cadata=ssl.PEM_cert_to_DER_cert(open(pki("other-ca.pem")).read()))
    eq(c.cert_store_stats()["x509_ca"], 2, "two CAs")


@check("context.load_verify_errors")
def _():
    c = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    raises(TypeError, c.load_verify_locations)
    raises(FileNotFoundError, c.load_verify_locations, "/nonexistent/ca.pem")
    e = raises(ssl.SSLError, c.load_verify_locations, cadata="junk")
    eq(strip_location(e.args[1]), "no start line: cadata does not contain a certificate", "str")
    e = raises(ssl.SSLError, c.load_verify_locations, cadata=b"junk")
    eq(strip_location(e.args[1]), "not enough data: cadata does not contain a certificate", "bytes")
    raises(TypeError, c.load_verify_locations, cadata=42)


@check("context.load_cert_chain")
def _():
    s = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    s.load_cert_chain(pki("server.pem"), pki("server.key"))
    raises(FileNotFoundError, s.load_cert_chain, "/nonexistent.pem")
    e = raises(ssl.SSLError, s.load_cert_chain, pki("server.pem"), pki("client.key"))
    ok("KEY_VALUES_MISMATCH" in str(e) or e.reason == "KEY_VALUES_MISMATCH", f"mismatch: {e}")


@check("context.encrypted_key")
def _():
    s = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    s.load_cert_chain(pki("server.pem"), pki("server-encrypted.key"), password="secret")
    s.load_cert_chain(pki("server.pem"), pki("server-encrypted.key"), password=b"secret")
    s.load_cert_chain(pki("server.pem"), pki("server-encrypted.key"), password=lambda: "secret")
    raises(ssl.SSLError, s.load_cert_chain, pki("server.pem"), pki("server-encrypted.key"),
           password="wrong")
    raises(TypeError, s.load_cert_chain, pki("server.pem"), pki("server-encrypted.key"), password=3)


@check("context.ciphers")
def _():
    c = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    names = {x["name"] for x in c.get_ciphers()}
    ok({"TLS_AES_256_GCM_SHA384", "ECDHE-ECDSA-AES128-GCM-SHA256"} <= names, f"names {names}")
    c.set_ciphers("ECDHE+AESGCM")
    e = raises(ssl.SSLError, c.set_ciphers, "NO-SUCH-CIPHER")
    eq(e.args, ("No cipher can be selected.",), "args")
    first = c.get_ciphers()[0]
    eq(set(first) >= {"id", "name", "protocol", "strength_bits", "aead"}, True, "keys")


@check("context.alpn_length")
def _():
    c = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    raises(ssl.SSLError, c.set_alpn_protocols, ["x" * 256])
    c.set_alpn_protocols(["h2", "http/1.1"])


@check("context.wrong_side")
def _():
    c = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    e = raises(ssl.SSLError, c.wrap_bio, ssl.MemoryBIO(), ssl.MemoryBIO(), server_side=True)
    eq(strip_location(e.args[1]), "Cannot create a server socket with a PROTOCOL_TLS_CLIENT context",
       "message")

# ---------------------------------------------------------------------------
# Memory-BIO connections (SSLObject)


@check("conn.handshake_tls13")
def _():
    p = Pair(client_ctx(), server_ctx()).connected()
    eq((p.client.version(), p.server.version()), ("TLSv1.3", "TLSv1.3"), "versions")
    name, proto, bits = p.client.cipher()
    eq((proto, bits), ("TLSv1.3", 256), "cipher")
    eq(name, p.server.cipher()[0], "same cipher")
    eq(p.client.server_hostname, "localhost", "server_hostname")
    eq((p.client.server_side, p.server.server_side), (False, True), "sides")
    eq(p.client.compression(), None, "compression")


@check("conn.handshake_tls12")
def _():
    p = Pair(client_ctx(), server_ctx(maximum_version=ssl.TLSVersion.TLSv1_2)).connected()
    eq(p.client.version(), "TLSv1.2", "version")
    eq(p.client.cipher()[1], "TLSv1.2", "cipher protocol")


@check("conn.no_common_version")
def _():
    c = client_ctx()
    c.minimum_version = ssl.TLSVersion.TLSv1_3
    ce, se = Pair(c, server_ctx(maximum_version=ssl.TLSVersion.TLSv1_2)).handshake()
    ok(isinstance(ce, ssl.SSLError) or isinstance(se, ssl.SSLError), f"{ce!r} {se!r}")


@check("conn.before_handshake")
def _():
    p = Pair(client_ctx(), server_ctx())
    eq((p.client.version(), p.client.cipher(), p.client.selected_alpn_protocol()),
       (None, None, None), "nothing yet")
    raises(ValueError, p.client.getpeercert)
    e = raises(ssl.SSLWantReadError, p.client.do_handshake)
    eq(e.args[0], ssl.SSL_ERROR_WANT_READ, "errno")
    ok(p.c_out.pending > 0, "client hello written")


@check("conn.alpn")
def _():
    c = client_ctx()
    c.set_alpn_protocols(["h2", "http/1.1"])
    s = server_ctx()
    s.set_alpn_protocols(["http/1.1", "h2"])
    p = Pair(c, s).connected()
    eq((p.client.selected_alpn_protocol(), p.server.selected_alpn_protocol()),
       ("http/1.1", "http/1.1"), "server's preference")


@check("conn.alpn_client_only")
def _():
    c = client_ctx()
    c.set_alpn_protocols(["h2"])
    p = Pair(c, server_ctx()).connected()
    eq(p.client.selected_alpn_protocol(), None, "none")


@check("conn.alpn_no_overlap_continues")
def _():
    c = client_ctx()
    c.set_alpn_protocols(["h2"])
    s = server_ctx()
    s.set_alpn_protocols(["http/1.1"])
    p = Pair(c, s).connected()
    eq(p.client.selected_alpn_protocol(), None, "none")


@check("conn.getpeercert")
def _():
    p = Pair(client_ctx(), server_ctx()).connected()
    cert = p.client.getpeercert()
    eq(cert["subject"], ((("commonName", "localhost"),), (("organizationName", "pysocket tests"),)),
       "subject")
    eq(cert["issuer"], ((("commonName", "pysocket test CA"),),), "issuer")
    eq(cert["subjectAltName"], (("DNS", "localhost"), ("IP Address", "127.0.0.1")), "SAN")
    der = p.client.getpeercert(binary_form=True)
    eq(der, ssl.PEM_cert_to_DER_cert(open(pki("server.pem")).read()), "DER")
    eq(p.server.getpeercert(), None, "no client certificate")


@check("conn.getpeercert_cert_none")
def _():
    c = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    c.check_hostname = False
    c.verify_mode = ssl.CERT_NONE
    p = Pair(c, server_ctx("self-signed")).connected()
    eq(p.client.getpeercert(), {}, "not validated: empty dict")
    ok(len(p.client.getpeercert(True)) > 100, "DER still there")


@check("conn.unverified_chain")
def _():
    if not hasattr(ssl.SSLObject, "get_unverified_chain"):
        return  # Python < 3.13
    p = Pair(client_ctx(), server_ctx()).connected()
    chain = p.client.get_unverified_chain()
    eq(len(chain), 1, "leaf only")


@check("verify.hostname_mismatch")
def _():
    e = verify_error(client_ctx(), server_ctx("wrong-name"))
    eq((e.verify_code, e.verify_message),
       (62, "Hostname mismatch, certificate is not valid for 'localhost'."), "verify")
    eq((e.library, e.reason, e.args[0]), ("SSL", "CERTIFICATE_VERIFY_FAILED", 1), "reason")
    eq(strip_location(str(e)), "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: "
       "Hostname mismatch, certificate is not valid for 'localhost'.", "str")


@check("verify.ip_mismatch")
def _():
    e = verify_error(client_ctx(), server_ctx(), hostname="127.0.0.2")
    eq((e.verify_code, e.verify_message),
       (64, "IP address mismatch, certificate is not valid for '127.0.0.2'."), "verify")


@check("verify.ip_match")
def _():
    Pair(client_ctx(), server_ctx(), hostname="127.0.0.1").connected()


@check("verify.self_signed")
def _():
    e = verify_error(client_ctx(), server_ctx("self-signed"))
    eq((e.verify_code, e.verify_message), (18, "self-signed certificate"), "verify")


@check("verify.unknown_ca")
def _():
    e = verify_error(client_ctx("other-ca.pem"), server_ctx())
    eq((e.verify_code, e.verify_message), (20, "unable to get local issuer certificate"), "verify")


@check("verify.expired")
def _():
    e = verify_error(client_ctx(), server_ctx("expired"))
    eq((e.verify_code, e.verify_message), (10, "certificate has expired"), "verify")


@check("verify.no_roots")
def _():
    e = verify_error(ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT), server_ctx())
    eq(e.verify_code, 20, "verify_code")


@check("verify.check_hostname_off")
def _():
    c = client_ctx()
    c.check_hostname = False
    Pair(c, server_ctx("wrong-name")).connected()


@check("verify.server_alert_to_client")
def _():
    c = client_ctx("other-ca.pem")
    p = Pair(c, server_ctx())
    ce, se = p.handshake()
    ok(isinstance(ce, ssl.SSLCertVerificationError), f"client {ce!r}")
    ok(isinstance(se, ssl.SSLError), f"server {se!r}")


@check("verify.client_certificate")
def _():
    s = server_ctx()
    s.load_verify_locations(pki("ca.pem"))
    s.verify_mode = ssl.CERT_REQUIRED
    c = client_ctx()
    c.load_cert_chain(pki("client.pem"), pki("client.key"))
    p = Pair(c, s).connected()
    subject = dict(x[0] for x in p.server.getpeercert()["subject"])
    eq(subject["commonName"], "test client", "client CN")


@check("verify.client_certificate_missing")
def _():
    s = server_ctx()
    s.load_verify_locations(pki("ca.pem"))
    s.verify_mode = ssl.CERT_REQUIRED
    p = Pair(client_ctx(), s)
    ce, se = p.handshake()
    ok(isinstance(se, ssl.SSLError), f"server error {se!r}")


@check("data.both_directions")
def _():
    p = Pair(client_ctx(), server_ctx()).connected()
    eq(p.send(p.client, p.server, b"ping" * 1000), b"ping" * 1000, "client to server")
    eq(p.send(p.server, p.client, b"pong" * 5000), b"pong" * 5000, "server to client")


@check("data.read_size_and_pending")
def _():
    p = Pair(client_ctx(), server_ctx()).connected()
    p.client.write(b"0123456789")
    p.pump()
    eq(p.server.read(4), b"0123", "first 4")
    eq(p.server.pending(), 6, "pending")
    eq(p.server.read(100), b"456789", "rest")
    raises(ssl.SSLWantReadError, p.server.read, 10)


@check("data.read_into_buffer")
def _():
    p = Pair(client_ctx(), server_ctx()).connected()
    p.client.write(b"abcdef")
    p.pump()
    buf = bytearray(10)
    eq(p.server.read(10, buf), 6, "count")
    eq(bytes(buf[:6]), b"abcdef", "data")


@check("close.close_notify_reads_empty")
def _():
    p = Pair(client_ctx(), server_ctx()).connected()
    raises(ssl.SSLWantReadError, p.server.unwrap)
    p.pump()
    eq(p.client.read(10), b"", "zero return reads b''")


@check("close.unwrap_both")
def _():
    p = Pair(client_ctx(), server_ctx()).connected()
    raises(ssl.SSLWantReadError, p.client.unwrap)
    p.pump()
    p.server.unwrap()
    p.pump()
    p.client.unwrap()


@check("close.eof_without_close_notify")
def _():
    p = Pair(client_ctx(), server_ctx()).connected()
    p.c_in.write_eof()
    e = raises(ssl.SSLEOFError, p.client.read, 10)
    eq(e.args[0], ssl.SSL_ERROR_EOF, "errno")


@check("session.not_reused_without_session")
def _():
    c = client_ctx()
    s = server_ctx()
    first = Pair(c, s).connected()
    first.send(first.server, first.client, b"x")
    second = Pair(c, s).connected()
    eq(second.client.session_reused, False, "session_reused")

# ---------------------------------------------------------------------------
# TLS on sockets (SSLSocket) over a socketpair


def socket_pair(cctx=None, sctx=None, timeout=5.0):
    a, b = socket.socketpair()
    client = (cctx or client_ctx()).wrap_socket(a, server_hostname="localhost",
                                                do_handshake_on_connect=False)
    server = (sctx or server_ctx()).wrap_socket(b, server_side=True,
                                                do_handshake_on_connect=False)
    for s in (client, server):
        s.setblocking(False)
    pending = {client, server}
    for _ in range(100):
        for s in list(pending):
            try:
                s.do_handshake()
                pending.discard(s)
            except ssl.SSLWantReadError:
                pass
        if not pending:
            break
        select.select(list(pending), [], [], timeout)
    ok(not pending, "handshake over a socketpair")
    for s in (client, server):
        s.settimeout(timeout)
    return client, server


@check("sock.nonblocking_handshake")
def _():
    client, server = socket_pair()
    eq(client.version(), "TLSv1.3", "version")
    ok(isinstance(client, ssl.SSLSocket) and isinstance(client, socket.socket), "types")
    client.close()
    server.close()


@check("sock.sendall_recv")
def _():
    client, server = socket_pair()
    client.sendall(b"x" * 20000)
    got = b""
    while len(got) < 20000:
        got += server.recv(65536)
    eq(got, b"x" * 20000, "data")
    client.close()
    server.close()


@check("sock.recv_into_and_makefile")
def _():
    client, server = socket_pair()
    client.sendall(b"line one\nline two\n")
    f = server.makefile("rb")
    eq(f.readline(), b"line one\n", "readline")
    eq(f.readline(), b"line two\n", "readline 2")
    f.close()
    client.sendall(b"abcdef")
    buf = bytearray(20)
    n = server.recv_into(buf)
    eq(bytes(buf[:n]), b"abcdef", "recv_into")
    client.close()
    server.close()


@check("sock.read_timeout")
def _():
    client, server = socket_pair()
    client.settimeout(0.05)
    e = raises(TimeoutError, client.recv, 10)
    eq(strip_location(str(e)).split(": ")[-1], "The read operation timed out", "message")
    client.close()
    server.close()


@check("sock.nonblocking_read")
def _():
    client, server = socket_pair()
    client.setblocking(False)
    e = raises(ssl.SSLWantReadError, client.recv, 10)
    eq(e.errno, ssl.SSL_ERROR_WANT_READ, "errno")
    client.close()
    server.close()


@check("sock.nonblocking_write_retry")
def _():
    client, server = socket_pair()
    client.setblocking(False)
    server.setblocking(False)
    block = b"w" * 65536
    sent = 0
    blocked = None
    for _ in range(1000):  # fill the socket buffers until a write must wait
        try:
            sent += client.send(block)
        except ssl.SSLWantWriteError as e:
            blocked = e
            break
    ok(blocked is not None, "a write eventually wants to write")
    eq(blocked.errno, ssl.SSL_ERROR_WANT_WRITE, "errno")
    received = 0
    total = sent + len(block)
    done = False
    for _ in range(10000):
        try:
            received += len(server.recv(65536))
        except (ssl.SSLWantReadError, TimeoutError):
            pass
        if not done:
            try:
                eq(client.send(block), len(block), "the retried write completes")
                done = True
            except ssl.SSLWantWriteError:
                pass
        if done and received >= total:
            break
    eq((done, received), (True, total), "everything arrives once")
    client.close()
    server.close()


@check("sock.pending")
def _():
    client, server = socket_pair()
    client.sendall(b"0123456789")
    eq(server.recv(3), b"012", "first")
    eq(server.pending(), 7, "pending")
    client.close()
    server.close()


@check("sock.dup_refused")
def _():
    client, server = socket_pair()
    raises(NotImplementedError, client.dup)
    client.close()
    server.close()


@check("sock.attributes")
def _():
    client, server = socket_pair()
    eq((client.server_side, server.server_side), (False, True), "sides")
    eq(client.server_hostname, "localhost", "hostname")
    eq(client.context.verify_mode, ssl.CERT_REQUIRED, "context")
    client.close()
    server.close()


@check("sock.peer_close_reads_empty")
def _():
    client, server = socket_pair()
    server.close()
    eq(client.recv(10), b"", "suppress_ragged_eofs")
    client.close()


@check("sock.closed_socket")
def _():
    client, server = socket_pair()
    client.close()
    raises(OSError, client.recv, 10)
    server.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pki", required=True)
    ap.add_argument("--only", default="")
    args = ap.parse_args()
    PKI["dir"] = args.pki
    passed = failed = 0
    for cid, fn in CHECKS:
        if args.only and not cid.startswith(args.only):
            continue
        try:
            fn()
        except Exception as e:
            failed += 1
            reason = f"{type(e).__name__}: {e}".replace("\n", " ")
            print(f"FAIL {cid}: {reason}")
            if os.environ.get("SSL_CONFORMANCE_TRACE"):
                traceback.print_exc()
        else:
            passed += 1
            print(f"PASS {cid}")
    print(f"{passed} passed, {failed} failed")
    return 0 if not failed else 1


if __name__ == "__main__":
    sys.exit(main())
