"""Entry point of the benchmark's *stock* Python component.

The same as guest/python/pysocket_main.py but without pysocket: `socket`
here is CPython's built-in `_socket` (wasi-libc over wasmtime-wasi's
`wasi:sockets`), so `pysocket python --wasi-sockets --python-wasm
build/stock-python.wasm SCRIPT.py` runs a script the stock way. It exports
the same `script.run(argv)`. `selectors` is not preloaded: it probes poll
at import time, which must not happen while the snapshot is taken.
"""

import sys

# Preloaded into the snapshot, as in pysocket_main (minus selectors).
import socket  # noqa: E402,F401
import select  # noqa: E402,F401
import errno  # noqa: E402,F401
import io  # noqa: E402,F401
import os  # noqa: E402
import runpy  # noqa: E402
import struct  # noqa: E402,F401
import time  # noqa: E402,F401
import traceback  # noqa: E402
import encodings.idna  # noqa: E402,F401

from wit_world import exports  # noqa: E402


def _flush() -> None:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            continue


def _exit_code(exc: SystemExit) -> int:
    code = exc.code
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return 1


class Script(exports.Script):
    def run(self, argv: list[str]) -> int:
        script = argv[0]
        sys.argv = list(argv)
        script_dir = os.path.dirname(script) or "."
        if sys.path[:1] != [script_dir]:
            sys.path.insert(0, script_dir)
        try:
            runpy.run_path(script, run_name="__main__")
            return 0
        except SystemExit as exc:
            return _exit_code(exc)
        except BaseException:
            traceback.print_exc()
            return 1
        finally:
            _flush()
