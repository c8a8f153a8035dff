"""select.poll on a socket whose readiness the host saw and the guest then
consumed directly: the poll must wait out its timeout, not spin or hang.
Prints how long each poll took."""
import select
import socket
import time

a, b = socket.socketpair()
p = select.poll()
p.register(a, select.POLLIN)
start = time.monotonic()
first = p.poll(200)           # nothing to read: waits, registering `a`
waited_first = time.monotonic() - start
b.send(b"x")
assert a.recv(1) == b"x"      # consumed without a poll: stale readiness
start = time.monotonic()
second = p.poll(500)          # nothing to read again: must wait ~0.5 s
waited_second = time.monotonic() - start
print(f"first={first} waited_first={waited_first:.3f}")
print(f"second={second} waited_second={waited_second:.3f}")
