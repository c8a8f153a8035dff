"""What each `pysocket serve` guest runs in `bench/many.py`: echoes
its connection ($PYSOCKET_CONN_FD) until the peer hangs up."""
import os
import socket

conn = socket.socket(fileno=int(os.environ["PYSOCKET_CONN_FD"]))
while data := conn.recv(65536):
    conn.sendall(data)
conn.close()
