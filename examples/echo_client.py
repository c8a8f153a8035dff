"""Demo TCP client: runs in its own wasm guest under pysocket.

Waits for the server's port (a file in the shared directory argv[1]),
sends a few lines and prints the replies, then times 1,000 round trips.
"""
import os
import socket
import sys
import time

shared = sys.argv[1]
port_file = os.path.join(shared, "port")
deadline = time.monotonic() + 30
while not os.path.exists(port_file):
    if time.monotonic() > deadline:
        sys.exit("[client] the server never published its port")
    time.sleep(0.005)
port = int(open(port_file).read())

start = time.perf_counter()
with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
    connected = time.perf_counter()
    conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    stream = conn.makefile("rwb")
    for text in ("hello from one wasm guest", "to another, over real loopback TCP", "through pysocket:socket"):
        stream.write(text.encode() + b"\n")
        stream.flush()
        reply = stream.readline().decode().rstrip()
        print(f"[client] -> {text}\n[client] <- {reply}", flush=True)
    exchange = time.perf_counter()
    rounds = 1000
    for i in range(rounds):
        stream.write(b"PING %d\n" % i)
        stream.flush()
        stream.readline()
    pinged = time.perf_counter()
    stream.write(b"BYE\n")
    stream.flush()
    stream.readline()
    stream.close()
print(f"[client] connect: {(connected - start) * 1e3:.2f} ms; 3-line exchange: {(exchange - connected) * 1e3:.2f} ms; "
      f"{rounds} round trips: {(pinged - exchange) * 1e3:.1f} ms ({(pinged - exchange) / rounds * 1e6:.1f} us each)")
