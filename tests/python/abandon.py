"""Connects to PORT, then leaves without closing anything: os._exit skips
every Python-level cleanup, so only the host can close the socket."""
import os
import socket
import sys

s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"bye")
os._exit(3)
