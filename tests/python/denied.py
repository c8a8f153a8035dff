"""Tries what a deny-by-default policy must refuse (PORT of a live server)."""
import errno
import socket
import sys

port = int(sys.argv[1])
for name, action in [
    ("connect", lambda s: s.connect(("127.0.0.1", port))),
    ("bind", lambda s: s.bind(("127.0.0.1", 0))),
    ("lookup", lambda s: socket.getaddrinfo("localhost", port)),
]:
    with socket.socket() as s:
        try:
            action(s)
            print(f"{name}=allowed")
        except PermissionError as e:
            print(f"{name}=PermissionError eacces={e.errno == errno.EACCES}")
            print(f"{name}_msg={e.strerror}")
