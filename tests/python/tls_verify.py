"""Certificate verification failures, run both natively (CPython + OpenSSL)
and in a guest: one line per case with the exception CPython raises.

    tls_verify.py CA OTHER_CA NAME=PORT...
Cases: mismatch (certificate for other.example), selfsigned, unknownca
(checked against OTHER_CA), expired; "ok" connects to a good server.
"""
import re
import socket
import ssl
import sys

ca, other_ca = sys.argv[1], sys.argv[2]
for arg in sys.argv[3:]:
    name, port = arg.split("=")
    ctx = ssl.create_default_context(cafile=other_ca if name == "unknownca" else ca)
    try:
        with socket.create_connection(("127.0.0.1", int(port)), timeout=30) as raw:
            with ctx.wrap_socket(raw, server_hostname="localhost") as s:
                print(f"{name}=connected {s.version()}")
    except ssl.SSLCertVerificationError as e:
        text = re.sub(r" \(_ssl\.c:\d+\)$", "", str(e))
        print(f"{name}={type(e).__name__}|{e.verify_code}|{e.verify_message}|{e.library}|{e.reason}|"
              f"{e.args[0]}|{text}|isValueError={isinstance(e, ValueError)}")
