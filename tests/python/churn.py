"""A short-lived guest that leaves its sockets open (a listener and both
ends of a connection): the host must close them when the guest ends."""
import socket

s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen()
c = socket.create_connection(s.getsockname())
a, _ = s.accept()
c.sendall(b"x")
assert a.recv(1) == b"x"
