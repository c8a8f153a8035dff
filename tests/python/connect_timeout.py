"""Connects with a timeout to a listener whose backlog is full (PORT)."""
import socket
import sys
import time

s = socket.socket()
s.settimeout(0.5)
start = time.monotonic()
try:
    s.connect(("127.0.0.1", int(sys.argv[1])))
    print("exc=none")
except OSError as e:
    print(f"elapsed={time.monotonic() - start:.3f}")
    print(f"exc={type(e).__name__}")
    print(f"args={e.args!r}")
s.close()
