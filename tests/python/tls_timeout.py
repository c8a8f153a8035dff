"""A TLS handshake against a peer that never answers times out."""
import socket
import ssl
import sys
import time

port = int(sys.argv[1])
ctx = ssl.create_default_context()
raw = socket.create_connection(("127.0.0.1", port), timeout=0.5)
started = time.monotonic()
try:
    ctx.wrap_socket(raw, server_hostname="localhost")
except TimeoutError as e:
    print(f"exc={type(e).__name__}")
    print(f"is_socket_timeout={isinstance(e, socket.timeout)}")
    print(f"message={e}")
print(f"elapsed={time.monotonic() - started:.3f}")
