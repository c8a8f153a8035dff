"""Policy probes: `policy_probe.py CASE ARGS...`. Each case tries what the
policy must allow or refuse and prints KEY=value lines for the test."""
import errno
import socket
import ssl
import sys


def attempt(key, action):
    """Runs action; prints KEY=ok (and its result) or the exception's class."""
    try:
        result = action()
        print(f"{key}=ok")
        return result
    except OSError as e:
        print(f"{key}={type(e).__name__}")
        print(f"{key}_msg={e.strerror}")
        return None


def connect_to(host, port, family=socket.AF_INET):
    def go():
        with socket.socket(family) as s:
            s.settimeout(30)
            s.connect((host, port))
            s.sendall(b"ping")
            return s.recv(4)
    return go


def case_connect(args):
    """connect KEY HOST PORT ...: one connect per triple."""
    while args:
        key, host, port = args[:3]
        args = args[3:]
        attempt(key, connect_to(host, int(port)))


def case_lookup_then_numeric(args):
    """The name resolves, but the address it gave is not pinned."""
    name, port = args[0], int(args[1])
    infos = attempt("lookup", lambda: socket.getaddrinfo(name, port, socket.AF_INET, socket.SOCK_STREAM))
    if infos:
        addr = infos[0][4][0]
        print(f"resolved={addr}")
        attempt("numeric", connect_to(addr, port))
    attempt("by_name", connect_to(name, port))


def case_sendto(args):
    """UDP sendto and sendmsg to HOST PORT."""
    host, port = args[0], int(args[1])
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        attempt("sendto", lambda: s.sendto(b"x", (host, port)))
        attempt("sendmsg", lambda: s.sendmsg([b"x"], [], 0, (host, port)))
    with socket.socket() as s:
        s.settimeout(30)
        attempt("tcp_sendmsg", lambda: s.sendmsg([b"x"], [], 0, (host, port)))


def case_implicit_bind(args):
    """listen without bind; UDP sendto from an unbound socket, then only the
    reply of the peer it sent to is heard."""
    peer_port = int(args[0])
    with socket.socket() as s:
        attempt("listen", lambda: s.listen())
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(30)
        s.sendto(b"hello", ("127.0.0.1", peer_port))
        data, frm = s.recvfrom(100)
        print(f"reply={data.decode()} from_port={frm[1] == peer_port}")
        s.settimeout(0)
        attempt("more", lambda: s.recvfrom(100))


def case_tls(args):
    """ssl on a socket whose connect is denied: refused before any byte."""
    host, port = args[0], int(args[1])
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE

    def go():
        with ctx.wrap_socket(socket.socket(), server_hostname="trap.test") as s:
            s.settimeout(30)
            s.connect((host, port))
    attempt("tls_connect", go)
    attempt("create_connection", lambda: ssl.create_default_context().wrap_socket(
        socket.create_connection((host, port), timeout=30), server_hostname="trap.test"))


def case_ports(args):
    """A rule with a port allows that port only; port 0 needs * or a range."""
    good, other = int(args[0]), int(args[1])
    attempt("good_port", connect_to("127.0.0.1", good))
    attempt("other_port", connect_to("127.0.0.1", other))
    with socket.socket() as s:
        attempt("bind_ephemeral", lambda: s.bind(("127.0.0.1", 0)))
    with socket.socket() as s:
        attempt("bind_named", lambda: s.bind(("127.0.0.1", other)))


def case_accept(args):
    """A listener on 127.0.0.1 with --allow-accept 127.0.0.2: a client from
    127.0.0.3 is reset, one from 127.0.0.2 is accepted."""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen()
    srv.settimeout(30)
    port = srv.getsockname()[1]
    denied = socket.socket()
    denied.bind(("127.0.0.3", 0))
    denied.settimeout(30)
    denied.connect(("127.0.0.1", port))
    allowed = socket.socket()
    allowed.bind(("127.0.0.2", 0))
    allowed.settimeout(30)
    allowed.connect(("127.0.0.1", port))
    conn, peer = srv.accept()
    print(f"accepted={peer[0]}")
    conn.sendall(b"hi")
    print(f"allowed_got={allowed.recv(2).decode()}")
    attempt("denied_recv", lambda: denied.recv(10))
    srv.settimeout(0)
    attempt("second_accept", lambda: srv.accept())


def case_udp_receive(args):
    """A datagram socket bound to 127.0.0.1 hears 127.0.0.2 but not 127.0.0.3."""
    rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    rx.bind(("127.0.0.1", 0))
    port = rx.getsockname()[1]
    for src in ("127.0.0.3", "127.0.0.2"):
        tx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        tx.bind((src, 0))
        tx.sendto(src.encode(), ("127.0.0.1", port))
        tx.close()
    rx.settimeout(30)
    data, frm = rx.recvfrom(100)
    print(f"first={data.decode()} from={frm[0]}")
    rx.settimeout(0)
    attempt("more", lambda: rx.recv(100))


def case_limits(args):
    """SO_RCVBUF is capped; memory is limited by default."""
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 64 << 20)
        print(f"rcvbuf={s.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF)}")
    try:
        block = bytearray(1536 << 20)
        print(f"memory=allocated {len(block)}")
    except MemoryError:
        print("memory=MemoryError")


def case_dns_failure(args):
    try:
        socket.getaddrinfo(args[0], 80)
        print("gai=ok")
    except socket.gaierror as e:
        print(f"gai=gaierror {e.errno == socket.EAI_NONAME}")


CASES = {name[5:]: fn for name, fn in globals().items() if name.startswith("case_")}
CASES[sys.argv[1]](sys.argv[2:])
print(f"eacces={errno.EACCES}")
