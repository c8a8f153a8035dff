"""Feeds bad arguments to the socket API; each must be a Python exception
of the right type. Then does a good round trip with an echo server (PORT)."""
import socket
import sys

port = int(sys.argv[1])
results = []


def expect(name, exc_type, fn):
    try:
        fn()
        results.append(f"{name}:no-exception")
    except exc_type:
        results.append(f"{name}:ok")
    except BaseException as e:  # a wrong exception type is a failed check
        results.append(f"{name}:{type(e).__name__}:{e}")


s = socket.socket()
expect("port_range", OverflowError, lambda: s.connect(("127.0.0.1", 70000)))
expect("addr_type", TypeError, lambda: s.connect("127.0.0.1"))
expect("neg_recv", ValueError, lambda: s.recv(-1))
expect("neg_timeout", ValueError, lambda: s.settimeout(-1))
expect("bad_family", OSError, lambda: socket.socket(12345, socket.SOCK_STREAM))
expect("raw_socket", PermissionError, lambda: socket.socket(socket.AF_INET, socket.SOCK_RAW, 1))
expect("bindtodevice", PermissionError, lambda: s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, b"lo"))
expect("unknown_opt", OSError, lambda: s.setsockopt(socket.SOL_SOCKET, 9999, 1))
expect("buflen", OSError, lambda: s.getsockopt(socket.SOL_SOCKET, socket.SO_LINGER, 5000))
expect("recv_unconnected", OSError, lambda: s.recv(10))
expect("bad_fileno", OSError, lambda: socket.socket(fileno=999))
expect("huge_recv", OSError, lambda: s.recv(1 << 31))
s.close()
expect("closed", OSError, lambda: s.send(b"x"))
expect("unresolvable", OSError, lambda: socket.create_connection(("no-such-host.invalid", 80)))

with socket.create_connection(("127.0.0.1", port), timeout=30) as c:
    c.sendall(b"still fine")
    print(f"roundtrip={c.recv(100).decode()}")
print("results=" + ",".join(results))
