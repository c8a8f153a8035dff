"""Sends MIB mebibytes through a socketpair (and reads them back) in 64 KiB
calls of every sending function, from bytes, bytearray and memoryview, then
passes MIB more mebibytes to the TLS write paths (a memory-BIO session and
a descriptor), so the host can check that sending does not grow the guest's
memory."""
import socket
import ssl
import sys

import _pysocket_core

mib = int(sys.argv[1])
chunk = bytes(range(256)) * 256  # 64 KiB, every byte value
forms = [chunk, bytearray(chunk), memoryview(chunk), memoryview(bytearray(chunk))]
a, b = socket.socketpair()
sink = bytearray(len(chunk))
received = 0


def send(i, data):
    how = i % 3
    if how == 0:
        a.sendall(data)
    elif how == 1:
        view = memoryview(data)
        sent = 0
        while sent < len(chunk):
            sent += a.send(view[sent:])
    else:
        sent = a.sendmsg([data])
        if sent < len(chunk):
            a.sendall(memoryview(data)[sent:])


for i in range(mib * 16):
    send(i, forms[i % len(forms)])
    got = 0
    while got < len(chunk):
        if i % 2:
            got += len(b.recv(len(chunk) - got))
        else:
            got += b.recv_into(memoryview(sink)[got:])
    received += got
print(f"received={received}")

# TLS: a client session that has not shaken hands takes no plaintext, and a
# descriptor without TLS refuses it, but each call still carries the bytes.
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
obj = ctx.wrap_bio(ssl.MemoryBIO(), ssl.MemoryBIO(), server_hostname="localhost")
calls = 0
for i in range(mib * 8):
    try:
        obj.write(forms[i % len(forms)])
    except ssl.SSLError:
        pass
    try:
        _pysocket_core.tls_write(a.fileno(), forms[i % len(forms)])
    except Exception:
        pass
    calls += 2
print(f"tls_calls={calls}")
