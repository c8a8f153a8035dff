"""Non-blocking sockets: recv and accept that would block (PORT of a silent peer)."""
import errno
import socket
import sys

s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.settimeout(0)
print(f"timeout={s.gettimeout()} blocking={s.getblocking()}")
try:
    s.recv(10)
except BlockingIOError as e:
    print(f"recv_exc={type(e).__name__} eagain={e.errno == errno.EAGAIN}")
s.setblocking(True)
print(f"after_setblocking={s.gettimeout()}")
srv = socket.create_server(("127.0.0.1", 0))
srv.setblocking(False)
try:
    srv.accept()
except BlockingIOError:
    print("accept_exc=BlockingIOError")
c = socket.socket()
c.setblocking(False)
rc = c.connect_ex(srv.getsockname())
print(f"connect_ex_inprogress={rc in (0, errno.EINPROGRESS)}")
srv.close()
c.close()
s.close()
