"""Sends MIB mebibytes of the test pattern (byte i = i % 251) with one
sendall, then reads the sink's verdict (PORT MIB)."""
import socket
import sys

port, mib = int(sys.argv[1]), int(sys.argv[2])
size = mib << 20
unit = bytes(range(251))
payload = (unit * (size // 251 + 1))[:size]
with socket.create_connection(("127.0.0.1", port)) as s:
    s.settimeout(60)
    s.sendall(payload)
    s.shutdown(socket.SHUT_WR)
    verdict = b""
    while chunk := s.recv(100):
        verdict += chunk
print(f"verdict={verdict.decode()}")
