"""Entry point of pysocket's prebuilt Python component.

componentize-py builds this module into a component that imports the
`pysocket:socket` interfaces and exports `script.run(argv)`, which
`pysocket python SCRIPT.py` calls. Importing it (at build time, when the
interpreter is snapshotted) installs the `_socket` and `select` drop-ins
before anything imports `socket`, then preloads the networking stdlib so
scripts start fast. Other stdlib modules are imported at run time from
/python, where the host mounts the unpacked stdlib.
"""

import sys

import pysocket_guest

pysocket_guest.install()

# Preloaded into the snapshot: the modules networking scripts use most.
import socket  # noqa: E402
import select  # noqa: E402
import selectors  # noqa: E402
import errno  # noqa: E402
import io  # noqa: E402
import os  # noqa: E402
import runpy  # noqa: E402
import struct  # noqa: E402
import time  # noqa: E402
import traceback  # noqa: E402
import encodings.idna  # noqa: E402,F401  (getaddrinfo encodes names with idna)

from wit_world import exports  # noqa: E402


def _flush() -> None:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            # A closed or broken stream cannot be flushed; the status stands.
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
