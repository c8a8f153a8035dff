"""unwrap(): TLS, then close_notify both ways, then plain text on the same socket."""
import socket
import ssl
import sys

port, ca = int(sys.argv[1]), sys.argv[2]
ctx = ssl.create_default_context(cafile=ca)
raw = socket.create_connection(("127.0.0.1", port), timeout=30)
s = ctx.wrap_socket(raw, server_hostname="localhost")
s.sendall(b"over tls\n")
plain = s.unwrap()
print(f"plain_type={type(plain).__name__} same={plain is s}")
print(f"version_after={s.version() if s._sslobj else None}")
plain.sendall(b"now plain\n")
reply = b""
while not reply.endswith(b"\n") or reply.count(b"\n") < 2:
    part = plain.recv(100)
    if not part:
        break
    reply += part
print(f"reply={reply!r}")
plain.close()
