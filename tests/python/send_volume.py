"""Sends MIB mebibytes in 64 KiB sendall calls through a socketpair (and
reads them back), so the host can check that sending does not grow the
guest's memory."""
import socket
import sys

mib = int(sys.argv[1])
chunk = bytes(range(256)) * 256  # 64 KiB, every byte value
a, b = socket.socketpair()
received = 0
for _ in range(mib * 16):
    a.sendall(chunk)
    got = 0
    while got < len(chunk):
        got += len(b.recv(len(chunk) - got))
    received += got
print(f"received={received}")
