"""TLS client in a guest against a native TLS echo server:
ssl.create_default_context(cafile=...), wrap_socket, a 15 KB echo."""
import socket
import ssl
import sys

port, ca = int(sys.argv[1]), sys.argv[2]
alpn = sys.argv[3] if len(sys.argv) > 3 else ""
ctx = ssl.create_default_context(cafile=ca)
if alpn:
    ctx.set_alpn_protocols(alpn.split(","))
message = b"hello over tls\n" * 1000
with socket.create_connection(("127.0.0.1", port), timeout=30) as raw:
    with ctx.wrap_socket(raw, server_hostname="localhost") as s:
        print(f"version={s.version()}")
        name, protocol, bits = s.cipher()
        print(f"cipher={name} {protocol} {bits}")
        print(f"alpn={s.selected_alpn_protocol()}")
        cert = s.getpeercert()
        print(f"peer_cn={dict(x[0] for x in cert['subject'])['commonName']}")
        print(f"san={cert['subjectAltName']!r}")
        print(f"der_is_bytes={isinstance(s.getpeercert(True), bytes)}")
        print(f"sslsocket={type(s).__name__} fileno_ok={s.fileno() == raw.fileno() or s.fileno() > 0}")
        s.sendall(message)
        received = b""
        while len(received) < len(message):
            part = s.recv(4096)
            if not part:
                break
            received += part
        print(f"echo_ok={received == message}")
        # Decrypted data the host holds counts as readable for select().
        import select
        s.sendall(b"y" * 100)
        first = s.recv(10)
        while s.pending() + len(first) < 100:
            first += s.recv(10)  # until the whole record is in
        readable, _, _ = select.select([s], [], [], 0)
        print(f"select_sees_buffered={bool(readable)} pending={s.pending()}")
