"""Connects to an echo server (HOST PORT) with socket.create_connection and
checks a round trip through makefile() too. Prints KEY=value lines."""
import socket
import sys

host, port = sys.argv[1], int(sys.argv[2])
with socket.create_connection((host, port), timeout=30) as s:
    s.sendall(b"hello over pysocket")
    data = b""
    while len(data) < 19:
        data += s.recv(100)
    print(f"echo={data.decode()}")
    print(f"family={s.family.name}")
    print(f"peer_port={s.getpeername()[1]}")
    print(f"peer_len={len(s.getpeername())}")
    f = s.makefile("rwb")
    f.write(b"line one\n")
    f.flush()
    print(f"line={f.readline().decode().strip()}")
    f.close()
