"""Faults a guest must see as CPython does: `faults.py CASE PORT`."""
import socket
import sys

case, port = sys.argv[1], int(sys.argv[2])
s = socket.create_connection(("127.0.0.1", port), timeout=30)
if case == "reset":
    # The peer reads this byte, then resets the connection.
    s.sendall(b"x")
    try:
        print(f"got={s.recv(10)!r}")
    except ConnectionResetError:
        print("got=ConnectionResetError")
elif case == "gone":
    # The peer reads a byte and closes; once its FIN is here, sending
    # provokes a reset, and the next send fails with EPIPE (no SIGPIPE).
    s.sendall(b"x")
    print(f"eof={s.recv(10)!r}")
    try:
        for _ in range(64):
            s.sendall(b"y" * (1 << 20))
        print("sendall=ok")
    except BrokenPipeError:
        print("sendall=BrokenPipeError")
    except ConnectionResetError:
        print("sendall=ConnectionResetError")
elif case == "half_close":
    s.sendall(b"a" * 100000)
    s.shutdown(socket.SHUT_WR)
    got = bytearray()
    while chunk := s.recv(65536):
        got += chunk
    print(f"echoed={len(got)}")
s.close()
