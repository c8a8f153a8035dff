"""Waits for data from a silent peer (PORT) with a timeout (SECONDS)."""
import socket
import sys
import time

s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.settimeout(float(sys.argv[2]))
start = time.monotonic()
try:
    s.recv(10)
    print("exc=none")
except OSError as e:
    print(f"elapsed={time.monotonic() - start:.3f}")
    print(f"exc={type(e).__name__}")
    print(f"is_socket_timeout={isinstance(e, socket.timeout)}")
    print(f"args={e.args!r}")
    print(f"errno={e.errno}")
s.close()
