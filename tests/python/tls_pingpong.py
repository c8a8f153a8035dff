"""N TLS round trips of 64 bytes with a native echo server."""
import socket
import ssl
import sys

port, ca, n = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
ctx = ssl.create_default_context(cafile=ca)
msg = b"p" * 64
with socket.create_connection(("127.0.0.1", port), timeout=60) as raw:
    with ctx.wrap_socket(raw, server_hostname="localhost") as s:
        for _ in range(n):
            s.sendall(msg)
            got = b""
            while len(got) < 64:
                got += s.recv(64 - len(got))
            assert got == msg
print(f"done={n}")
