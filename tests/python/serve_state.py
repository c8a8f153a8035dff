"""A guest of `pysocket serve`: its connection is the socket numbered
$PYSOCKET_CONN_FD. Replies to the first line with what it knows of other
guests (a module global and a builtins attribute that a shared interpreter
would have grown), then waits for the client's "bye" before it ends, so
every client holds a live guest until it says bye."""
import builtins
import os
import socket

SERVED = 0

conn = socket.socket(fileno=int(os.environ["PYSOCKET_CONN_FD"]))
f = conn.makefile("rwb")
line = f.readline().strip()
SERVED += 1
before = getattr(builtins, "_pysocket_served", 0)
builtins._pysocket_served = before + 1
peer = conn.getpeername()[0]
f.write(b"served=%d before=%d peer=%s echo=%s\n" % (SERVED, before, peer.encode(), line))
f.flush()
bye = f.readline()
f.write(b"bye\n" if bye == b"bye\n" else b"what\n")
f.flush()
f.close()
conn.close()
