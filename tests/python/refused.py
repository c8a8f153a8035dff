"""Connects to a loopback port where nothing listens (PORT)."""
import errno
import socket
import sys

s = socket.socket()
try:
    s.connect(("127.0.0.1", int(sys.argv[1])))
    print("exc=none")
except OSError as e:
    print(f"exc={type(e).__name__}")
    print(f"errno_ok={e.errno == errno.ECONNREFUSED}")
    print(f"strerror={e.strerror}")
print(f"connect_ex_ok={s.connect_ex(('127.0.0.1', int(sys.argv[1]))) == errno.ECONNREFUSED}")
s.close()
