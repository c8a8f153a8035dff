"""xmlrpc.client in another guest, against xmlrpc_server.py."""
import sys
import xmlrpc.client

import handoff

port = handoff.wait_for_port(sys.argv[1])
proxy = xmlrpc.client.ServerProxy(f"http://127.0.0.1:{port}/")
print(f"add={proxy.add(2, 40)}")
print(f"reverse={proxy.reverse('pysocket')}")
