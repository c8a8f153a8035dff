"""One of many guests blocked at once: connects to PORT, says it is ready
(one byte), then blocks in recv() with no timeout until the peer speaks."""
import socket
import sys

s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"r")
data = s.recv(16)
print(f"got={data!r}")
s.close()
