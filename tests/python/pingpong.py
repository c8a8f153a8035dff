"""N round trips of 64 bytes with an echo server (PORT N)."""
import socket
import sys

port, n = int(sys.argv[1]), int(sys.argv[2])
msg = b"x" * 64
with socket.create_connection(("127.0.0.1", port)) as s:
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    for _ in range(n):
        s.sendall(msg)
        got = 0
        while got < 64:
            got += len(s.recv(64 - got))
print(f"done={n}")
