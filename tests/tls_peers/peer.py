"""Native TLS peers for pysocket's TLS tests: host CPython with OpenSSL.

    python3 peer.py MODE [OPTIONS]

Servers listen on 127.0.0.1, port 0, and print "PORT <n>" as their first
line; clients print what they saw as KEY=value lines. Every peer gives up
after --deadline seconds (default 120), so no test can hang on it.

Modes:
  serve     TLS server for --count connections, one after another; after
            the handshake each connection does --then:
              echo      echo until the client closes (default)
              close     send close_notify (unwrap) and close
              abort     close the TCP connection without close_notify
              silent    say nothing until the client goes away
              unwrap    read one line, unwrap both ways, then answer one plain
                        message with "plain:" + the line + the message upper-cased
  https     http.server over TLS answering GET with "hello over https"
  client    connect to --port (or the port a guest writes to --port-file), verify with --ca and --hostname, send --send,
            print version/cipher/alpn/peer subject and the reply
"""

import argparse
import http.server
import os
import signal
import socket
import ssl
import sys
import time


def server_context(args):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(args.cert, args.key)
    if args.tls12:
        ctx.maximum_version = ssl.TLSVersion.TLSv1_2
    if args.alpn:
        ctx.set_alpn_protocols(args.alpn.split(","))
    if args.ca:
        ctx.load_verify_locations(args.ca)
        ctx.verify_mode = ssl.CERT_REQUIRED if args.require_client_cert else ssl.CERT_OPTIONAL
    return ctx


def listen():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(64)
    print("PORT", s.getsockname()[1], flush=True)
    return s


def echo(conn):
    while True:
        data = conn.recv(65536)
        if not data:
            return
        conn.sendall(data)


def serve(args):
    ctx = server_context(args)
    listener = listen()
    for _ in range(args.count):
        raw, _ = listener.accept()
        raw.settimeout(args.deadline)
        try:
            conn = ctx.wrap_socket(raw, server_side=True)
        except (ssl.SSLError, OSError) as e:
            print("HANDSHAKE_ERROR", type(e).__name__, e, flush=True)
            raw.close()
            continue
        print("ALPN", conn.selected_alpn_protocol(), "VERSION", conn.version(),
              "CLIENT_CERT", bool(conn.getpeercert()), flush=True)
        try:
            if args.then == "echo":
                echo(conn)
            elif args.then == "close":
                conn.unwrap().close()
            elif args.then == "abort":
                conn.close()  # CPython's close() sends no close_notify
            elif args.then == "silent":
                conn.recv(1)
            elif args.then == "unwrap":
                line = conn.recv(100)
                plain = conn.unwrap()
                # Answer only once the client speaks plain text, so nothing
                # of ours follows our close_notify on the wire before the
                # client has finished its unwrap.
                message = plain.recv(100)
                plain.sendall(b"plain:" + line + message.upper())
                plain.close()
        except (ssl.SSLError, OSError) as e:
            print("CONN_ERROR", type(e).__name__, e, flush=True)
        finally:
            try:
                conn.close()
            except OSError:
                pass


class Hello(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = b"hello over https"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def https(args):
    ctx = server_context(args)
    httpd = http.server.HTTPServer(("127.0.0.1", 0), Hello)
    httpd.socket = ctx.wrap_socket(httpd.socket, server_side=True)
    print("PORT", httpd.server_address[1], flush=True)
    for _ in range(args.count):
        httpd.handle_request()


def wait_for_port_file(path, bound):
    deadline = time.monotonic() + bound
    while not os.path.exists(path):
        if time.monotonic() > deadline:
            raise TimeoutError("the guest server never published its port")
        time.sleep(0.005)
    with open(path) as f:
        return int(f.read())


def client(args):
    if args.port_file:
        args.port = wait_for_port_file(args.port_file, args.deadline)
    ctx = ssl.create_default_context(cafile=args.ca)
    if args.cert:
        ctx.load_cert_chain(args.cert, args.key)
    if args.alpn:
        ctx.set_alpn_protocols(args.alpn.split(","))
    if args.tls12:
        ctx.maximum_version = ssl.TLSVersion.TLSv1_2
    try:
        with socket.create_connection(("127.0.0.1", args.port), timeout=args.deadline) as raw:
            with ctx.wrap_socket(raw, server_hostname=args.hostname) as s:
                print("version=" + s.version())
                print("cipher=" + s.cipher()[0])
                print("alpn=" + str(s.selected_alpn_protocol()))
                print("peer_cn=" + dict(x[0] for x in s.getpeercert()["subject"])["commonName"])
                s.sendall(args.send.encode())
                reply = b""
                while True:
                    part = s.recv(65536)
                    if not part:
                        break
                    reply += part
                print("reply=" + reply.decode())
    except (ssl.SSLError, OSError) as e:
        print("error=" + type(e).__name__)
        print("error_text=" + str(e))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["serve", "https", "client"])
    ap.add_argument("--cert")
    ap.add_argument("--key")
    ap.add_argument("--ca")
    ap.add_argument("--require-client-cert", action="store_true")
    ap.add_argument("--tls12", action="store_true")
    ap.add_argument("--alpn", default="")
    ap.add_argument("--count", type=int, default=1)
    ap.add_argument("--then", default="echo")
    ap.add_argument("--port", type=int)
    ap.add_argument("--port-file", help="wait for a guest to write its port here (handoff.py)")
    ap.add_argument("--hostname", default="localhost")
    ap.add_argument("--send", default="hello")
    ap.add_argument("--deadline", type=float, default=120)
    args = ap.parse_args()
    signal.alarm(int(args.deadline) + 5)
    {"serve": serve, "https": https, "client": client}[args.mode](args)


if __name__ == "__main__":
    sys.exit(main())
