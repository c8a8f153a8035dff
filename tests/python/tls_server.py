"""TLS server in a guest: accepts one connection from a native client,
echoes what it sends, then closes. Publishes its port in SHARED.

    tls_server.py SHARED CERT KEY [CA_FOR_CLIENT_CERTS]
"""
import socket
import ssl
import sys

import handoff

shared, cert, key = sys.argv[1:4]
ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
ctx.load_cert_chain(cert, key)
ctx.set_alpn_protocols(["h2", "http/1.1"])
if len(sys.argv) > 4:
    ctx.load_verify_locations(sys.argv[4])
    ctx.verify_mode = ssl.CERT_REQUIRED
with socket.create_server(("127.0.0.1", 0)) as listener:
    listener.settimeout(60)
    with ctx.wrap_socket(listener, server_side=True) as tls_listener:
        handoff.publish(shared, tls_listener.getsockname()[1])
        conn, addr = tls_listener.accept()
        with conn:
            print(f"version={conn.version()}")
            print(f"alpn={conn.selected_alpn_protocol()}")
            peer = conn.getpeercert()
            print(f"client_cn={dict(x[0] for x in peer['subject'])['commonName'] if peer else None}")
            data = conn.recv(65536)
            conn.sendall(b"echo:" + data)
            print(f"received={data.decode()}")
