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

# The native core's data paths: what CPython raises, never a trap.
a, b = socket.socketpair()
strided = memoryview(bytearray(8))[::2]
expect("send_str", TypeError, lambda: a.send("text"))
expect("send_none", TypeError, lambda: a.sendall(None))
expect("send_strided", BufferError, lambda: a.send(strided))
expect("send_bad_flags", TypeError, lambda: a.send(b"x", "0"))
expect("send_huge_flags", OverflowError, lambda: a.send(b"x", 1 << 40))
expect("sendmsg_bad_buffer", TypeError, lambda: a.sendmsg([b"ok", 5]))
expect("sendto_bad_data", TypeError, lambda: a.sendto(3.5, ("127.0.0.1", 9)))
expect("recv_into_bytes", TypeError, lambda: b.recv_into(b"read-only"))
expect("recv_into_strided", TypeError, lambda: b.recv_into(strided))
expect("recv_into_small", ValueError, lambda: b.recv_into(bytearray(2), 10))
expect("recv_into_neg", ValueError, lambda: b.recv_into(bytearray(2), -1))
expect("recv_huge_neg", OverflowError, lambda: b.recv(-(1 << 70)))
expect("recv_huge", OverflowError, lambda: b.recv(1 << 70))
a.close()
expect("sendall_closed", OSError, lambda: a.sendall(bytearray(b"x")))
expect("recv_into_closed", OSError, lambda: a.recv_into(bytearray(4)))
b.close()

with socket.create_connection(("127.0.0.1", port), timeout=30) as c:
    c.sendall(b"still fine")
    print(f"roundtrip={c.recv(100).decode()}")
print("results=" + ",".join(results))
