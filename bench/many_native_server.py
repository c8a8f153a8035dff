"""The echo of `bench/many.py` served by native CPython's socketserver:
`forking` (ForkingTCPServer, a process per connection) or `threading`
(ThreadingTCPServer, a thread per connection). Prints the address it
listens on, then serves until terminated."""
import socketserver
import sys


class Echo(socketserver.BaseRequestHandler):
    def handle(self):
        while data := self.request.recv(65536):
            self.request.sendall(data)


kind = {"forking": socketserver.ForkingTCPServer, "threading": socketserver.ThreadingTCPServer}[sys.argv[1]]
kind.allow_reuse_address = True
kind.request_queue_size = 4096
with kind(("127.0.0.1", 0), Echo) as server:
    print(f"listening on 127.0.0.1:{server.server_address[1]}", flush=True)
    server.serve_forever()
