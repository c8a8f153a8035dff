"""How a TLS session ends: close_notify from the peer reads as b'' (and
getting it is SSL_ERROR_ZERO_RETURN underneath); a peer that drops the TCP
connection without close_notify is SSLEOFError, or b'' with
suppress_ragged_eofs (the default).

    tls_eof.py CA PORT_CLOSE PORT_ABORT PORT_ABORT2
"""
import socket
import ssl
import sys

ca, close_port, abort_port, abort2_port = sys.argv[1], *map(int, sys.argv[2:5])
ctx = ssl.create_default_context(cafile=ca)


def connect(port, **kw):
    raw = socket.create_connection(("127.0.0.1", port), timeout=30)
    return ctx.wrap_socket(raw, server_hostname="localhost", **kw)


with connect(close_port) as s:
    print(f"close_notify_read={s.recv(100)!r}")
with connect(abort_port, suppress_ragged_eofs=False) as s:
    try:
        s.recv(100)
        print("abort=no error")
    except ssl.SSLEOFError as e:
        print(f"abort={type(e).__name__} errno={e.errno} eof={e.errno == ssl.SSL_ERROR_EOF}")
with connect(abort2_port) as s:
    print(f"abort_suppressed={s.recv(100)!r}")
