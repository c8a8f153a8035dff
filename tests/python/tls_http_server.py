"""http.server behind TLS in a guest (SSLContext.wrap_socket on the
listening socket): serves one GET from a native client, then exits.

    tls_http_server.py SHARED CERT KEY
"""
import http.server
import ssl
import sys

import handoff

shared, cert, key = sys.argv[1:4]


class Hello(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = f"hello from a wasm guest over {self.connection.version()}".encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
ctx.load_cert_chain(cert, key)
with http.server.HTTPServer(("127.0.0.1", 0), Hello) as httpd:
    httpd.socket = ctx.wrap_socket(httpd.socket, server_side=True)
    httpd.timeout = 60
    handoff.publish(shared, httpd.server_address[1])
    httpd.handle_request()
print("served=1")
