"""Blocks in a TLS read (no timeout) on a peer that stays silent after the
handshake, until the peer goes away."""
import socket
import ssl
import sys

port, ca = int(sys.argv[1]), sys.argv[2]
ctx = ssl.create_default_context(cafile=ca)
with socket.create_connection(("127.0.0.1", port)) as raw:
    raw.settimeout(None)
    with ctx.wrap_socket(raw, server_hostname="localhost") as s:
        print("handshake=done", flush=True)
        try:
            got = s.recv(100)
        except OSError as e:
            got = type(e).__name__
        print(f"got={got!r}")
