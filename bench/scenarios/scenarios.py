"""pysocket's benchmark scenarios: one script that runs unchanged under
native CPython, the stock WASI guest and the pysocket guest.

    python3 scenarios.py SCENARIO PORT [--quick]
    python3 scenarios.py about        (prints the Python version and platform)

Each scenario times its own work with time.perf_counter() and prints one
JSON line: {"scenario", "value", "unit", "better", "n", "seconds"}. PORT is
the port of bench-peer (bench/peer) on 127.0.0.1, in the mode SCENARIOS
names. Only TCP and UDP over 127.0.0.1 are used, which the stock path has
too. Every socket has a timeout, so no wait is unbounded.

The `tls-*` scenarios verify bench-peer's certificate (PEM in the
environment variable BENCH_TLS_CA) for `localhost` and use TLS 1.3.

`coldstart` is timed from outside (bench/run.py): it connects and sends one
byte as soon as it can, and prints nothing.
"""

import socket
import sys
import time

HOST = "127.0.0.1"
TIMEOUT = 30.0  # seconds, for every socket
MiB = 1 << 20

# name: (peer mode, unit, which is better, full size, --quick size)
SCENARIOS = {
    "pingpong": ("echo", "µs/round trip", "lower", 20_000, 2_000),
    "bulk-send": ("sink", "MB/s", "higher", 1024 * MiB, 16 * MiB),
    "bulk-recv": ("source", "MB/s", "higher", 1024 * MiB, 16 * MiB),
    "connect-close": ("accept-close", "conn/s", "higher", 3_000, 300),
    "udp": ("udp-echo", "round trips/s", "higher", 20_000, 2_000),
    "getaddrinfo": (None, "lookups/s", "higher", 5_000, 500),
    "socket-create": (None, "sockets/s", "higher", 20_000, 2_000),
    "coldstart": ("first-byte", "ms", "lower", 1, 1),
    "asyncio-echo": ("echo", "msgs/s", "higher", 200, 20),  # per connection
    "tls-handshake": ("tls-handshake", "handshakes/s", "higher", 1_000, 100),
    "tls-bulk-send": ("tls-sink", "MB/s", "higher", 1024 * MiB, 16 * MiB),
    "tls-bulk-recv": ("tls-source", "MB/s", "higher", 1024 * MiB, 16 * MiB),
}
# TLS scenarios need `ssl`, which the stock component lacks (no _ssl). Their
# peer's self-signed certificate arrives in PEM in this environment variable.
TLS_CA_ENV = "BENCH_TLS_CA"
ASYNCIO_CONNS = 100
ASYNCIO_TIMEOUT = 20.0  # seconds for the whole asyncio scenario
CHUNK = 64 * 1024


def size(name: str, quick: bool) -> int:
    """The work size of scenario `name` (count or bytes)."""
    return SCENARIOS[name][4 if quick else 3]


def tcp(port: int) -> socket.socket:
    s = socket.create_connection((HOST, port), timeout=TIMEOUT)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


def recv_exact(s: socket.socket, n: int) -> bytes:
    parts, got = [], 0
    while got < n:
        part = s.recv(n - got)
        if not part:
            raise ConnectionError("peer closed early")
        parts.append(part)
        got += len(part)
    return b"".join(parts)


def pingpong(port: int, n: int) -> tuple[float, float]:
    """64-byte round trips with `echo`: µs per round trip."""
    msg = b"p" * 64
    with tcp(port) as s:
        t0 = time.perf_counter()
        for _ in range(n):
            s.sendall(msg)
            if recv_exact(s, 64) != msg:
                raise ValueError("echo mismatch")
        dt = time.perf_counter() - t0
    return dt / n * 1e6, dt


def bulk_send(port: int, total: int) -> tuple[float, float]:
    """`total` bytes in 64 KiB writes to `sink`, until it acknowledges the count."""
    chunk = b"\x5a" * CHUNK
    with tcp(port) as s:
        t0 = time.perf_counter()
        for _ in range(total // CHUNK):
            s.sendall(chunk)
        s.shutdown(socket.SHUT_WR)
        reply = b""
        while part := s.recv(64):
            reply += part
        dt = time.perf_counter() - t0
    if int(reply or b"-1") != total:
        raise ValueError(f"sink counted {reply!r}, sent {total}")
    return total / dt / 1e6, dt


def bulk_recv(port: int, total: int) -> tuple[float, float]:
    """`total` bytes from `source`, recv_into a preallocated 64 KiB bytearray."""
    buf = bytearray(CHUNK)
    got = 0
    with tcp(port) as s:
        t0 = time.perf_counter()
        while n := s.recv_into(buf):
            got += n
        dt = time.perf_counter() - t0
    if got != total:
        raise ValueError(f"received {got} of {total} bytes")
    return total / dt / 1e6, dt


def connect_close(port: int, n: int) -> tuple[float, float]:
    """connect + close against `accept-close`: connections per second."""
    t0 = time.perf_counter()
    for _ in range(n):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.settimeout(TIMEOUT)
        s.connect((HOST, port))
        s.close()
    dt = time.perf_counter() - t0
    return n / dt, dt


def udp(port: int, n: int) -> tuple[float, float]:
    """64-byte datagram sendto + recvfrom against `udp-echo`: round trips/s."""
    msg = b"u" * 64
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(TIMEOUT)
        t0 = time.perf_counter()
        for _ in range(n):
            s.sendto(msg, (HOST, port))
            data, _ = s.recvfrom(2048)
            if data != msg:
                raise ValueError("udp echo mismatch")
        dt = time.perf_counter() - t0
    return n / dt, dt


def getaddrinfo(port: int, n: int) -> tuple[float, float]:
    """getaddrinfo('localhost', port): lookups per second."""
    t0 = time.perf_counter()
    for _ in range(n):
        if not socket.getaddrinfo("localhost", port):
            raise ValueError("no addresses for localhost")
    dt = time.perf_counter() - t0
    return n / dt, dt


def socket_create(port: int, n: int) -> tuple[float, float]:
    """socket() + close(): sockets per second."""
    t0 = time.perf_counter()
    for _ in range(n):
        socket.socket(socket.AF_INET, socket.SOCK_STREAM).close()
    dt = time.perf_counter() - t0
    return n / dt, dt


def asyncio_echo(port: int, per_conn: int) -> tuple[float, float]:
    """100 asyncio connections to `echo`, each doing `per_conn` 64-byte
    round trips at once: total messages per second (after connecting)."""
    import asyncio

    msg = b"a" * 64
    done = 0

    async def client(reader, writer):
        nonlocal done
        for _ in range(per_conn):
            writer.write(msg)
            await writer.drain()
            if await reader.readexactly(64) != msg:
                raise ValueError("echo mismatch")
            done += 1
        writer.close()
        await writer.wait_closed()

    async def main():
        t_connect = time.perf_counter()
        conns = await asyncio.gather(*(asyncio.open_connection(HOST, port) for _ in range(ASYNCIO_CONNS)))
        t0 = time.perf_counter()
        if t0 - t_connect > 1:
            print(f"asyncio-echo: connecting took {t0 - t_connect:.1f} s", file=sys.stderr)
        await asyncio.gather(*(client(r, w) for r, w in conns))
        return time.perf_counter() - t0

    total = ASYNCIO_CONNS * per_conn
    try:
        dt = asyncio.run(asyncio.wait_for(main(), ASYNCIO_TIMEOUT))
    except TimeoutError:
        raise TimeoutError(f"stalled: {done} of {total} messages echoed in {ASYNCIO_TIMEOUT:.0f} s") from None
    return ASYNCIO_CONNS * per_conn / dt, dt


def tls_context():
    import os
    import ssl

    return ssl.create_default_context(cadata=os.environ[TLS_CA_ENV])


def tls_connect(ctx, port: int):
    return ctx.wrap_socket(tcp(port), server_hostname="localhost")


def tls_handshake(port: int, n: int) -> tuple[float, float]:
    """TCP connect + full TLS 1.3 handshake (ECDHE, ECDSA P-256, certificate
    verified) + close against `tls-handshake`: handshakes per second."""
    ctx = tls_context()
    t0 = time.perf_counter()
    for _ in range(n):
        with tls_connect(ctx, port) as s:
            if s.version() != "TLSv1.3":
                raise ValueError(f"negotiated {s.version()}")
    dt = time.perf_counter() - t0
    return n / dt, dt


def tls_bulk_send(port: int, total: int) -> tuple[float, float]:
    """`total` bytes over TLS in 64 KiB `sendall`s to `tls-sink`, until it
    acknowledges the count (handshake excluded)."""
    chunk = b"\x5a" * CHUNK
    with tls_connect(tls_context(), port) as s:
        t0 = time.perf_counter()
        s.sendall(total.to_bytes(8, "big"))
        for _ in range(total // CHUNK):
            s.sendall(chunk)
        reply = b""
        while part := s.recv(64):
            reply += part
        dt = time.perf_counter() - t0
    if int(reply or b"-1") != total:
        raise ValueError(f"sink counted {reply!r}, sent {total}")
    return total / dt / 1e6, dt


def tls_bulk_recv(port: int, total: int) -> tuple[float, float]:
    """`total` bytes over TLS from `tls-source`, recv_into a preallocated
    64 KiB bytearray until close_notify (handshake excluded)."""
    buf = bytearray(CHUNK)
    got = 0
    with tls_connect(tls_context(), port) as s:
        t0 = time.perf_counter()
        while n := s.recv_into(buf):
            got += n
        dt = time.perf_counter() - t0
    if got != total:
        raise ValueError(f"received {got} of {total} bytes")
    return total / dt / 1e6, dt


def coldstart(port: int, _n: int) -> None:
    with socket.create_connection((HOST, port), timeout=TIMEOUT) as s:
        s.sendall(b"!")


def main(argv: list[str]) -> int:
    quick = "--quick" in argv
    args = [a for a in argv if a != "--quick"]
    if args == ["about"]:
        print(sys.version.split()[0], sys.platform)
        return 0
    if len(args) != 2 or args[0] not in SCENARIOS:
        print(f"usage: scenarios.py {{{'|'.join(SCENARIOS)}}} PORT [--quick]", file=sys.stderr)
        return 2
    name, port = args[0], int(args[1])
    n = size(name, quick)
    result = globals()[name.replace("-", "_")](port, n)
    if result is None:
        return 0
    import json

    value, seconds = result
    _, unit, better, _, _ = SCENARIOS[name]
    print(json.dumps({"scenario": name, "value": value, "unit": unit, "better": better, "n": n, "seconds": seconds}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
