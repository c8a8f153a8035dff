"""A guest that dies with sockets open: `doomed.py HOW PORT`. It opens a
listener, a UDP socket and a connection to PORT, then: `exit` leaves with
os._exit, `trap` aborts (a wasm trap), `block` waits in recv until the
host kills it."""
import os
import socket
import sys

how, port = sys.argv[1], int(sys.argv[2])
listener = socket.socket()
listener.bind(("127.0.0.1", 0))
listener.listen()
udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
udp.bind(("127.0.0.1", 0))
conn = socket.create_connection(("127.0.0.1", port))
if how == "exit":
    os._exit(0)
elif how == "trap":
    os.abort()
else:
    conn.recv(1)
