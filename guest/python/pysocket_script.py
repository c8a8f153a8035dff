"""Runs a Python program the way python3's command line does, for the
components' exported `script.run(invocation)` (see `script` in
wit/world.wit; the host parses the command line into the invocation).

For each program form it sets what CPython 3.14 sets:

| form            | sys.argv[0]            | sys.path[0]                 | __main__                      |
|-----------------|------------------------|-----------------------------|-------------------------------|
| SCRIPT          | the path as given      | script's dir (realpath)     | __file__ absolute, SourceFileLoader |
| DIR or ZIP      | the path as given      | the path, absolute          | its __main__ module (runpy)   |
| -c CMD          | '-c'                   | ''                          | code named '<string>'         |
| -m MOD          | the module's file      | the working directory       | runpy's, __spec__ set         |
| - (or no program, stdin not a terminal) | '-' (or '') | ''                | __file__ '<stdin>'            |
| no program, stdin a terminal | ''        | ''                          | the interactive console       |

then `PYTHONPATH`'s entries (made absolute, as CPython's getpath does)
and the `--path` directories follow `sys.path[0]`, ahead of the stdlib.
`-I`/`-P`/`PYTHONSAFEPATH` leave `sys.path[0]` out; `-E`/`-I` ignore the
`PYTHON*` variables. The exit status is python3's: the `SystemExit` code
masked to 8 bits (a non-integer code is printed and gives 1), 1 after an
uncaught exception (reported by `sys.excepthook`), after the `atexit`
handlers ran. `os._exit(n)` leaves at once with status `n & 0xff`
through `wasi:cli/exit.exit-with-code`.

What cannot follow: the interpreter was initialised when the component
was built, so `sys.flags` keeps its build-time values and options CPython
reads only at start-up are refused by the host (`pysocket python --help`).

Shared by pysocket's component (`pysocket_main`) and the benchmark's stock
component (`bench/stock/stock_main`).
"""

import builtins
import io
import os
import runpy
import sys
import types
import warnings
from importlib.machinery import BuiltinImporter, SourceFileLoader

from wit_world.exports.script import (
    Invocation,
    Program_Command,
    Program_Module,
    Program_Script,
    Program_Stdin,
    Program_StdinOrConsole,
)
from wit_world.imports.exit import exit_with_code

#: How the runner names itself in its own messages.
_PROG = "pysocket python"

#: The console's greeting, as python3 prints it (to stderr).
_BANNER = (
    f"Python {sys.version} on {sys.platform}\n"
    'Type "help", "copyright", "credits" or "license" for more information.'
)


def _os_exit(status: int) -> None:
    """`os._exit(n)`: ends the guest at once with status n & 0xff (no
    cleanup, no flush), as the OS does with `_exit(2)`."""
    exit_with_code(int(status) & 0xFF)


def _python_env(invocation: Invocation) -> dict:
    """The `PYTHON*` variables the interpreter honours (none with -E/-I)."""
    options = invocation.options
    if options.isolated or options.ignore_environment:
        return {}
    return {k: v for k, v in os.environ.items() if k.startswith("PYTHON") and v}


#: The streams the interpreter was built with, kept alive: dropping them
#: could close the descriptors they share with the ones made per run.
_BUILT_STREAMS = (sys.stdout, sys.stderr)


def _configure_streams(unbuffered: bool) -> None:
    """stdout and stderr as CPython makes them at start-up (the component's
    were made when it was built, unbuffered): block-buffered stdout, line-
    buffered on a terminal; line-buffered stderr; with -u both unbuffered
    and written through."""
    for fd, name in ((1, "stdout"), (2, "stderr")):
        current = getattr(sys, name)
        try:
            current.flush()
            raw = io.FileIO(fd, "w", closefd=False)
            fresh = io.TextIOWrapper(
                raw if unbuffered else io.BufferedWriter(raw),
                encoding=current.encoding,
                errors=current.errors,
                line_buffering=not unbuffered and (name == "stderr" or raw.isatty()),
                write_through=unbuffered,
            )
            fresh.mode = "w"
        except (AttributeError, OSError, ValueError):
            # A stream that cannot be remade keeps its own settings.
            continue
        setattr(sys, name, fresh)
        setattr(sys, f"__{name}__", fresh)


def _apply_x_options(x_options: list, env: dict) -> None:
    """`-X` options (the host passes only those a guest can honour) and
    their environment-variable spellings."""
    for option in x_options:
        name, sep, value = option.partition("=")
        sys._xoptions[name] = value if sep else True
    xopts = sys._xoptions
    digits = xopts.get("int_max_str_digits", env.get("PYTHONINTMAXSTRDIGITS"))
    if digits not in (None, True):
        sys.set_int_max_str_digits(int(digits))
    prefix = xopts.get("pycache_prefix", env.get("PYTHONPYCACHEPREFIX"))
    if isinstance(prefix, str) and prefix:
        sys.pycache_prefix = os.path.abspath(prefix)
    frames = xopts.get("tracemalloc", env.get("PYTHONTRACEMALLOC"))
    if frames is not None:
        import tracemalloc

        tracemalloc.start(1 if frames is True else int(frames))


def _apply_warn_options(warn_options: list, env: dict) -> None:
    """`PYTHONWARNINGS` then `-W`, later ones taking precedence, as CPython
    builds `sys.warnoptions` and the warnings filters from them."""
    options = [o for o in env.get("PYTHONWARNINGS", "").split(",") if o]
    options += list(warn_options)
    if options:
        sys.warnoptions.extend(options)
        warnings._processoptions(options)


def _fresh_main() -> types.ModuleType:
    """A new `__main__`, as the interpreter creates it at start-up."""
    main = types.ModuleType("__main__")
    main.__dict__.update(__builtins__=builtins, __loader__=BuiltinImporter)
    sys.modules["__main__"] = main
    return main


def _set_path(first: str | None, invocation: Invocation, env: dict) -> None:
    """`sys.path`: `first` (unless None), then PYTHONPATH's entries, then
    the `--path` directories, then what was there (the stdlib)."""
    front = [] if first is None else [first]
    front += [os.path.abspath(p) for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]
    front += list(invocation.path)
    sys.path[0:0] = front


def _exit_code(exc: SystemExit) -> int:
    code = exc.code
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    try:
        print(code, file=sys.stderr)
    except Exception:  # noqa: BLE001 - python3 reports what it can and exits 1
        pass
    return 1


def _own_frames_removed(tb):
    """The traceback without this module's frames (python3's tracebacks
    start at the program's first frame)."""
    while tb is not None and tb.tb_frame.f_code.co_filename == __file__:
        tb = tb.tb_next
    return tb


def _report(exc: BaseException) -> int:
    """The exit status for an exception that ended the program, reported
    the way python3 reports it."""
    if isinstance(exc, SystemExit):
        return _exit_code(exc)
    exc.__traceback__ = _own_frames_removed(exc.__traceback__)
    try:
        sys.excepthook(type(exc), exc, exc.__traceback__)
    except Exception:  # noqa: BLE001 - a broken excepthook: fall back like CPython
        sys.__excepthook__(type(exc), exc, exc.__traceback__)
    return 1


def _exec(main: types.ModuleType, source, filename: str) -> None:
    exec(compile(source, filename, "exec", dont_inherit=True), main.__dict__)


def _is_zipfile(path: str) -> bool:
    """Whether `path` is a zip file (a zipapp), as python3 would run it.
    A `.py` file is not looked into: importing zipfile costs ~0.4 s in a
    guest, so only other files that start like a zip or a zipapp are."""
    if path.endswith(".py"):
        return False
    try:
        with open(path, "rb") as f:
            head = f.read(4)
    except OSError:
        return False
    if not head.startswith((b"PK", b"#!")):
        return False
    import zipfile

    return zipfile.is_zipfile(path)


def _run_script(main, path: str, safe_path: bool) -> None:
    if os.path.isdir(path) or _is_zipfile(path):
        # python3 DIR or ZIP: the path (made absolute) goes first on
        # sys.path and its __main__ module runs, as runpy does for it.
        if not safe_path:
            sys.path.insert(0, os.path.abspath(path))
        runpy._run_module_as_main("__main__", alter_argv=False)
        return
    filename = os.path.abspath(path)
    if not safe_path:
        sys.path.insert(0, os.path.dirname(os.path.realpath(filename)))
    with open(filename, "rb") as f:
        source = f.read()
    main.__dict__.update(
        __file__=filename,
        __cached__=None,
        __loader__=SourceFileLoader("__main__", filename),
    )
    _exec(main, source, filename)


class _ModuleNotRunnable(Exception):
    """What runpy raises when `-m NAME` names nothing it can run."""


def _run_module(name: str) -> int | None:
    """`-m NAME`, as python3 runs it through runpy; returns 1 (after
    python3's message) if there is no such module."""
    try:
        _, spec, code = runpy._get_module_details(name, _ModuleNotRunnable)
    except _ModuleNotRunnable as exc:
        print(f"{_PROG}: {exc}", file=sys.stderr)
        return 1
    sys.argv[0] = spec.origin
    runpy._run_code(code, sys.modules["__main__"].__dict__, None, "__main__", spec)
    return None


def _run_stdin(main) -> None:
    source = sys.stdin.buffer.read()
    main.__dict__.update(__file__="<stdin>", __cached__=None)
    _exec(main, source, "<stdin>")


def _console(main, banner: bool, startup: str | None) -> int:
    """The interactive console (python3's basic REPL, on `code`): prompts
    `sys.ps1`/`sys.ps2` on stderr, lines from stdin, to end of input or
    `exit()`. Returns the exit status.

    Not `_pyrepl` (3.14's REPL needs `termios`, absent in WASI) nor
    `sys._baserepl()` (CPython's C loop: it works on a WASI terminal, but
    on `SystemExit` it finalises the interpreter and calls C `exit()`,
    which WASI 0.2's libc can only report as 0 or 1)."""
    import code

    class Console(code.InteractiveConsole):
        def raw_input(self, prompt: str = "") -> str:
            sys.stderr.write(prompt)
            sys.stderr.flush()
            line = sys.stdin.readline()
            if not line:
                raise EOFError
            return line.rstrip("\n")

    if banner:
        print(_BANNER, file=sys.stderr)
    if startup:
        try:
            with open(startup, "rb") as f:
                _exec(main, f.read(), startup)
        except BaseException as exc:  # noqa: BLE001 - reported, the console goes on
            if isinstance(exc, SystemExit):
                return _exit_code(exc)
            _report(exc)
    for name, prompt in (("ps1", ">>> "), ("ps2", "... ")):
        if not hasattr(sys, name):
            setattr(sys, name, prompt)
    try:
        Console(main.__dict__, filename="<stdin>").interact(banner="", exitmsg="")
    except SystemExit as exc:
        return _exit_code(exc)
    return 0


def _flush() -> None:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            # A closed or broken stream cannot be flushed; the status stands.
            continue


def _finish(status: int) -> int:
    """What the interpreter does on its way out: `atexit` handlers, then
    the streams are flushed."""
    import atexit

    atexit._run_exitfuncs()
    _flush()
    return status & 0xFF


def run_invocation(invocation: Invocation) -> int:
    """Runs the invocation's program in `__main__`; returns its exit status."""
    os._exit = _os_exit
    if invocation.switch_interval > 0:
        sys.setswitchinterval(invocation.switch_interval)
    env = _python_env(invocation)
    options = invocation.options
    try:
        os.chdir(invocation.cwd)
    except OSError as exc:
        print(f"{_PROG}: cannot enter the working directory: {exc}", file=sys.stderr)
        return 1
    _configure_streams(options.unbuffered or "PYTHONUNBUFFERED" in env)
    if options.dont_write_bytecode or "PYTHONDONTWRITEBYTECODE" in env:
        sys.dont_write_bytecode = True
    safe_path = options.isolated or options.safe_path or "PYTHONSAFEPATH" in env
    program = invocation.program
    console = isinstance(program, Program_StdinOrConsole) and sys.stdin.isatty()
    # -i, or PYTHONINSPECT when stdin is a terminal: the console follows
    # the program (python3's rule).
    inspect = options.inspect or ("PYTHONINSPECT" in env and sys.stdin.isatty())
    main = _fresh_main()
    status = 0
    try:
        _apply_x_options(invocation.options.x_options, env)
        _apply_warn_options(invocation.options.warn_options, env)
        if isinstance(program, Program_Script):
            _set_path(None, invocation, env)
            sys.argv = [program.value, *invocation.args]
            _run_script(main, program.value, safe_path)
        elif isinstance(program, Program_Module):
            _set_path(None if safe_path else os.getcwd(), invocation, env)
            sys.argv = ["-m", *invocation.args]
            status = _run_module(program.value) or 0
        else:
            _set_path(None if safe_path else "", invocation, env)
            if isinstance(program, Program_Command):
                sys.argv = ["-c", *invocation.args]
                _exec(main, program.value, "<string>")
            elif isinstance(program, Program_Stdin):
                sys.argv = ["-", *invocation.args]
                _run_stdin(main)
            else:
                sys.argv = ["", *invocation.args]
                if not (console or options.inspect):
                    _run_stdin(main)
    except BaseException as exc:  # noqa: BLE001 - python3 reports every exception
        if inspect and isinstance(exc, SystemExit):
            # Before the console, python3 shows a SystemExit as a traceback.
            import traceback

            exc.__traceback__ = _own_frames_removed(exc.__traceback__)
            traceback.print_exception(exc)
        else:
            status = _report(exc)
    if isinstance(program, Program_StdinOrConsole) and (console or options.inspect):
        startup = env.get("PYTHONSTARTUP")
        status = _console(main, banner=not options.quiet, startup=startup)
    elif inspect:
        status = _console(main, banner=False, startup=None)
    return _finish(status)
