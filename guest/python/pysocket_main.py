"""Entry point of pysocket's prebuilt Python component.

componentize-py builds this module into a component that imports the
`pysocket:socket` interfaces and exports `script.run(invocation)`, which
`pysocket python` calls with its parsed command line. Importing it (at build time, when the
interpreter is snapshotted) installs the `_socket` and `select` drop-ins
(and `_ssl`) before anything imports `socket`, then preloads the networking stdlib so
scripts start fast. Other stdlib modules are imported at run time from
/python, where the host mounts the unpacked stdlib.
"""


import pysocket_guest

pysocket_guest.install()

# Preloaded into the snapshot: the modules networking scripts use most.
import socket  # noqa: E402
import select  # noqa: E402
import selectors  # noqa: E402
import errno  # noqa: E402
import io  # noqa: E402
import os  # noqa: E402
import struct  # noqa: E402
import time  # noqa: E402
import encodings.idna  # noqa: E402,F401  (getaddrinfo encodes names with idna)
import code  # noqa: E402,F401  (the interactive console)
import ssl  # noqa: E402,F401  (the _ssl drop-in; imports no WIT at build time)
import base64  # noqa: E402,F401  (PEM <-> DER in _ssl)

from pysocket_script import run_invocation  # noqa: E402
from wit_world import exports  # noqa: E402


class Script(exports.Script):
    def run(self, invocation) -> int:
        return run_invocation(invocation)
