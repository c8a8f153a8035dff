"""Blocks in recv() with no timeout until the peer (PORT) hangs up."""
import socket
import sys

s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
print(f"timeout={s.gettimeout()}", flush=True)
data = s.recv(10)
print(f"got={data!r}")
s.close()
