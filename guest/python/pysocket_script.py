"""Runs a Python script the way `python3 SCRIPT ARGS` does, for the
components' exported `script.run(argv)`: `sys.argv` set, the script's
directory first on `sys.path`, the exit status returned (the `SystemExit`
code, 1 after an uncaught exception whose traceback goes to stderr).

Shared by pysocket's component (`pysocket_main`) and the benchmark's stock
component (`bench/stock/stock_main`).
"""

import os
import runpy
import sys
import traceback


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


def run_script(argv: list[str]) -> int:
    """Runs `argv[0]` as `__main__` with `sys.argv = argv`; returns its exit status."""
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
