"""Every use the embedder's policy hook decides about, in order (see
tests/policy_hook.rs): ALLOWED is an echo server, DENIED a port the hook
refuses. Prints key=value lines."""
import errno
import socket
import sys

allowed, denied = int(sys.argv[1]), int(sys.argv[2])


def refused(key, action):
    """Runs `action`, which the policy must refuse; prints how."""
    try:
        action()
    except PermissionError as e:
        print(f"{key}=PermissionError eacces={e.errno == errno.EACCES}")
        print(f"{key}_msg={e.strerror}")
    else:
        print(f"{key}=allowed")


# The built-in rules decide first: this bind is theirs to refuse, the hook
# is not asked.
with socket.socket() as s:
    refused("rules_bind", lambda: s.bind(("127.0.0.3", 0)))

# Connect: the hook refuses DENIED, allows ALLOWED.
with socket.socket() as s:
    s.settimeout(30)
    refused("hook_connect", lambda: s.connect(("127.0.0.1", denied)))
with socket.socket() as s:
    s.settimeout(30)
    s.connect(("127.0.0.1", allowed))
    s.sendall(b"through the hook")
    print(f"echo={s.recv(64).decode()}")

# Bind, listen, accept: a server in this guest, its clients too.
srv = socket.socket()
srv.bind(("127.0.0.1", 0))
srv.listen()
srv.settimeout(30)
port = srv.getsockname()[1]
print(f"server_port={port}")
a = socket.socket()
a.settimeout(30)
a.connect(("127.0.0.1", port))
conn, peer = srv.accept()
print(f"accepted_from={peer[0]}")
conn.close()
a.close()

# The hook refuses connections from 127.0.0.2: accept raises, the
# connection it took is closed, the listener goes on.
b = socket.socket()
b.settimeout(30)
b.bind(("127.0.0.2", 0))
b.connect(("127.0.0.1", port))
refused("hook_accept", srv.accept)
try:
    print(f"refused_peer_got={b.recv(1)!r}")
except ConnectionResetError:
    print("refused_peer_got=reset")
b.close()
c = socket.create_connection(("127.0.0.1", port), timeout=30)
conn, _ = srv.accept()
print("listener_still_accepts=True")
conn.close()
c.close()
srv.close()

# Send with an address (UDP): the hook sees each destination.
with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u:
    u.bind(("127.0.0.1", 0))
    u.sendto(b"to self", u.getsockname())
    print(f"datagram={u.recv(64).decode()}")
    refused("hook_send", lambda: u.sendto(b"x", ("127.0.0.1", denied)))
