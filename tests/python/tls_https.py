"""urllib.request and http.client over HTTPS against a native server: the
first trusts the host's default roots (the embedder's --ca-file), the
second a cafile= given to create_default_context."""
import http.client
import ssl
import sys
import urllib.request

port, ca = int(sys.argv[1]), sys.argv[2]
with urllib.request.urlopen(f"https://localhost:{port}/", timeout=30) as r:
    print(f"urllib={r.status} {r.read().decode()}")
conn = http.client.HTTPSConnection("localhost", port, timeout=30,
                                   context=ssl.create_default_context(cafile=ca))
conn.request("GET", "/")
print(f"offered_alpn_server_chose={conn.sock.selected_alpn_protocol()}")
r = conn.getresponse()
print(f"http_client={r.status} {r.read().decode()}")
conn.close()
try:
    urllib.request.urlopen(f"https://127.0.0.1:{port}/",
                           context=ssl.create_default_context(cafile=sys.argv[3]), timeout=30)
except urllib.error.URLError as e:
    print(f"untrusted={type(e.reason).__name__} {e.reason.verify_code}")
