"""xmlrpc.server in one guest: serves two requests, then exits."""
import sys
from xmlrpc.server import SimpleXMLRPCServer

import handoff

with SimpleXMLRPCServer(("127.0.0.1", 0), logRequests=False) as server:
    server.register_function(lambda a, b: a + b, "add")
    server.register_function(lambda s: s[::-1], "reverse")
    handoff.publish(sys.argv[1], server.server_address[1])
    for _ in range(2):
        server.handle_request()
print("served=2")
