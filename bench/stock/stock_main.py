"""Entry point of the benchmark's *stock* Python component.

The same as guest/python/pysocket_main.py but without pysocket: `socket`
here is CPython's built-in `_socket` (wasi-libc over wasmtime-wasi's
`wasi:sockets`), so `pysocket python --wasi-sockets --python-wasm
build/stock-python.wasm SCRIPT.py` runs a script the stock way. It exports
the same `script.run(invocation)`. `selectors` is not preloaded: it probes poll
at import time, which must not happen while the snapshot is taken.
"""

import sys

# Preloaded into the snapshot, as in pysocket_main (minus selectors).
import socket  # noqa: E402,F401
import select  # noqa: E402,F401
import errno  # noqa: E402,F401
import io  # noqa: E402,F401
import os  # noqa: E402
import struct  # noqa: E402,F401
import time  # noqa: E402,F401
import encodings.idna  # noqa: E402,F401

from pysocket_script import run_invocation  # noqa: E402
from wit_world import exports  # noqa: E402


class Script(exports.Script):
    def run(self, invocation) -> int:
        return run_invocation(invocation)
