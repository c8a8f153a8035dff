"""A `wasi:cli/run` component using pysocket (built for the `command`
world): connects to PORT, sends MESSAGE (its last two arguments), prints the reply.
Exercises `pysocket run`."""
import sys

import pysocket_guest

pysocket_guest.install()

import socket  # noqa: E402

from wit_world import exports  # noqa: E402


class Run(exports.Run):
    def run(self) -> None:
        # componentize-py fills sys.argv from the WASI arguments after the
        # program name: [PORT, MESSAGE].
        port, message = int(sys.argv[-2]), sys.argv[-1].encode()
        with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
            s.sendall(message)
            reply = b""
            while len(reply) < len(message):
                reply += s.recv(1024)
        print(f"reply={reply.decode()}")
