"""Demo TCP server: runs in its own wasm guest under pysocket.

Listens on an ephemeral loopback port, tells the client where (a file in
the shared directory given as argv[1]), then echoes each line back in
upper case until the client says BYE.
"""
import os
import socket
import sys

shared = sys.argv[1]
with socket.create_server(("127.0.0.1", 0)) as server:
    host, port = server.getsockname()
    print(f"[server] listening on {host}:{port}", flush=True)
    tmp = os.path.join(shared, "port.tmp")
    with open(tmp, "w") as f:
        f.write(str(port))
    os.rename(tmp, os.path.join(shared, "port"))
    conn, peer = server.accept()
    print(f"[server] accepted a connection from {peer[0]}:{peer[1]}", flush=True)
    with conn, conn.makefile("rwb") as stream:
        pings = 0
        for line in stream:
            if line == b"BYE\n":
                stream.write(b"BYE\n")
                stream.flush()
                break
            if line.startswith(b"PING"):
                pings += 1
            else:
                print(f"[server] <- {line.decode().rstrip()}", flush=True)
            stream.write(line.upper())
            stream.flush()
    print(f"[server] answered {pings} pings; connection closed", flush=True)
