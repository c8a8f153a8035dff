"""Bad input to the TLS layer is a Python exception in this guest, never a
trap: the guest goes on and makes a good TLS connection afterwards."""
import socket
import ssl
import sys

import _pysocket_core as core
from pysocket_guest import _ssl
from wit_world.imports import tls as wtls
from componentize_py_types import Err

port, ca, junk = int(sys.argv[1]), sys.argv[2], sys.argv[3]
results = []


def attempt(name, fn):
    try:
        fn()
        results.append(f"{name}:no error")
    except Err as e:  # a raw binding call: turn it into what _ssl raises
        error = e.value
        results.append(f"{name}:{type(_ssl._exc(error)).__name__}")
    except Exception as e:
        results.append(f"{name}:{type(e).__name__}")


attempt("read_unknown_fd", lambda: wtls.read(999, 10))
attempt("handshake_plain_socket", lambda: wtls.handshake(socket.socket().fileno()))
attempt("write_not_bytes", lambda: core.tls_write(999, "\u0100"))
attempt("write_unknown_fd", lambda: core.tls_write(999, b"x"))
attempt("decode_junk", lambda: _ssl._test_decode_cert(junk))
attempt("tlsv1_context", lambda: ssl.SSLContext(ssl.PROTOCOL_TLSv1))
attempt("cert_chain_junk", lambda: ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER).load_cert_chain(junk))
attempt("udp_wrap", lambda: ssl.create_default_context().wrap_socket(
    socket.socket(socket.AF_INET, socket.SOCK_DGRAM), server_hostname="localhost"))
attempt("sni_callback", lambda: setattr(ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER), "sni_callback",
                                        lambda *a: None))
ctx = ssl.create_default_context(cafile=ca)
raw = socket.create_connection(("127.0.0.1", port), timeout=30)
attempt("attach_twice", lambda: wtls.attach(raw.fileno(), ctx._ctx, False, "localhost") or
        wtls.attach(raw.fileno(), ctx._ctx, False, "localhost"))
raw.close()
session = wtls.Session.open(ctx._ctx, False, "localhost")
attempt("bio_not_bytes", lambda: core.session_step(session.handle, "\u0100", False, False))
_, failure = core.session_step(session.handle, b"\x16\x03\x01junk", False, False)
results.append(f"bio_junk:{type(_ssl._exc(failure)).__name__}")
held = []
try:
    while len(held) < 5000:
        held.append(ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT))
    results.append("context_limit:no error")
except OSError as e:
    results.append(f"context_limit:{type(e).__name__}")
print(f"contexts_held={len(held)}")
held.clear()
print("results=" + ",".join(results))
with socket.create_connection(("127.0.0.1", port), timeout=30) as raw:
    with ctx.wrap_socket(raw, server_hostname="localhost") as s:
        s.sendall(b"ok")
        print(f"afterwards={s.recv(2).decode()} {s.version()}")
