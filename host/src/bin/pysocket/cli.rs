//! The command line's grammar, declared with clap: the subcommands, the
//! options every guest shares ([`GuestOptions`]), and each subcommand's own.
//!
//! Adding a guest option is one field in [`GuestOptions`] (its doc comment
//! is its `--help` text) plus its use in `guest_options.rs`. The program
//! part of `pysocket python` (python3's own command line) is not clap's:
//! it is collected raw and parsed by `python_cmdline.rs`, python3's way.

use clap::{Args, Parser, Subcommand};
use pysocket_host::policy::{NetRule, UnixDir};
use std::num::NonZeroUsize;
use std::path::PathBuf;

/// What `--help` shows after the options of `pysocket python`.
const PYTHON_AFTER_HELP: &str = "\
PYTHON (python3's command line, after pysocket's options; `--` may separate them):
  [OPTIONS] -c CMD [ARG...]    run CMD (sys.argv[0] is '-c', '' first on sys.path)
  [OPTIONS] -m MOD [ARG...]    run module MOD as __main__ (the working directory first on
                               sys.path)
  [OPTIONS] SCRIPT [ARG...]    run a script file, or a directory or zip file with __main__.py
  [OPTIONS] - [ARG...]         run the program read from stdin
  [OPTIONS]                    the interactive console when stdin is a terminal, else read stdin
  --and PYTHON                 start one more guest (repeatable), sharing pysocket's options

  Python options honoured in the guest:
    -u  unbuffered stdout/stderr       -I  isolated (-E and -P)   -E  ignore PYTHON* variables
    -P  nothing prepended to sys.path  -B  no .pyc files written  -i  console after the program
    -q  no console banner              -W ARG  warning filter     -V  the guest's Python version
    -X int_max_str_digits=N | tracemalloc[=N] | pycache_prefix=DIR | utf8
    -s, -R, -t: accepted, no effect (no user site, hashes are randomised, -t is obsolete)
  Refused, with the reason: -b -d -O -OO -S -v -x, other -X options, --check-hash-based-pycs
  (the guest's interpreter is initialised when the component is built, so settings read only
  at start-up cannot change).

FILES (what the guest sees):
  /python                      the standard library, read-only
  sys.path[0]'s directory      shared read-only at its host path: the script's directory, or the
                               working directory for -c, -m, - and the console
  --path DIR, PYTHONPATH       shared read-only at their host paths, put on sys.path
  __pypackages__/3.14/lib      the project's packages (`pysocket pip install` without --target),
                               next to the script or in the working directory: found by itself
  --dir HOST[::GUEST]          shared read-write (at its host path unless GUEST is given)
  A directory inside a --dir share is not shared again: the --dir share stands.

  The guest's working directory is the host's, at its guest path, when the guest can see it;
  otherwise (a script run from a directory that is not shared) the script's directory.

ENVIRONMENT:
  The guest sees only what --env gives it. PYTHONPATH, PYTHONSTARTUP, PYTHONWARNINGS,
  PYTHONUNBUFFERED, PYTHONSAFEPATH, PYTHONINSPECT, PYTHONDONTWRITEBYTECODE, PYTHONINTMAXSTRDIGITS
  work as in python3 (not with -E/-I). `--env PYTHONPATH` alone passes the host's value on.

EXIT STATUS:
  python3's: sys.exit(n) and os._exit(n) give n (0-255), an uncaught exception 1. With --and or
  --instances, the first non-zero status of the guests (--instances also prints a summary line,
  `pysocket: 998 ok, 2 failed`). pysocket's own errors: 2 for usage, 1 otherwise.

EXAMPLES:
  pysocket python -c 'import socket; print(socket.gethostname())'
  pysocket python --allow-net localhost:8000 -m http.client
  pysocket pip install --target pkgs requests && pysocket python --path pkgs app.py";

/// pysocket: Python's socket API for WebAssembly guests, served by real
/// host sockets.
#[derive(Debug, Parser)]
#[command(name = "pysocket", version, propagate_version = false)]
#[command(after_help = "Run `pysocket python --help` for Python's command line.")]
pub struct Cli {
    /// Host diagnostics on stderr: error, warn, info, debug or trace (for
    /// pysocket's own messages), or a full filter such as
    /// `pysocket_host=debug,wasmtime=info`. Default: $RUST_LOG, else warn.
    #[arg(long, global = true, value_name = "LEVEL")]
    pub log: Option<String>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run Python in pysocket's Python 3.14 component, with python3's
    /// command line: `-c`, `-m`, a script, `-`, or the interactive console.
    #[command(override_usage = "pysocket python [OPTIONS] [PYTHON]... [--and PYTHON...]...")]
    #[command(after_help = PYTHON_AFTER_HELP)]
    Python(PythonArgs),
    /// Run a wasi:cli/run component with WASI 0.2 and pysocket linked.
    Run(RunArgs),
    /// Accept TCP connections and run a fresh guest for each, handed the
    /// connection: socket.socket(fileno=int(os.environ["PYSOCKET_CONN_FD"])).
    #[command(
        override_usage = "pysocket serve [OPTIONS] --listen ADDR:PORT (SCRIPT.py | -m MOD | -c CMD | APP.wasm) [ARGS]..."
    )]
    #[command(after_help = SERVE_AFTER_HELP)]
    Serve(ServeArgs),
    /// Install packages from PyPI that a guest can run (pure-Python wheels).
    #[command(override_usage = "pysocket pip install [--target DIR] [PIP OPTIONS] PACKAGE...")]
    #[command(after_help = PIP_AFTER_HELP)]
    Pip(PipArgs),
}

const PIP_AFTER_HELP: &str = "\
Runs the host's pip with `--platform any --only-binary=:all: --python-version 3.14
--implementation py --abi none`, so that only wheels a WebAssembly guest can run are taken:
pure-Python ones. A package that has only wheels with native code, or only a source
distribution, fails with a message saying so. Other pip options pass through
(--find-links, --no-index, --index-url, -r FILE, --upgrade, ...).

Then give the directory to the guest: `pysocket python --path DIR ...`. Without --target,
packages go to ./__pypackages__/3.14/lib, where `pysocket python` finds them by itself (next
to a script, or in the working directory for -c, -m and the console; not with -I).

Which pip: $PYSOCKET_PIP_PYTHON if set (a Python interpreter with pip), else the
`.venv` of pysocket's source tree (made by `make setup`) if there is one, else python3
on PATH; it runs as `PYTHON -m pip`.";

/// Options every guest shares, whatever it runs. The network is denied
/// unless a flag allows it.
#[derive(Debug, Clone, Default, Args)]
pub struct GuestOptions {
    /// May connect/send to HOST (repeatable). HOST is an address, a network
    /// (127.0.0.0/8), a name, *.DOMAIN (names below DOMAIN), a named set
    /// (loopback, private, link-local, special) or *; IPv6 in brackets
    /// ([::1]:8080). PORT is N, N-M or * (default: any port). * means the
    /// PUBLIC internet only: loopback, private, link-local and the other
    /// special-purpose ranges must be named (--allow-net loopback). A name
    /// allows the public addresses it resolves to (localhost: loopback).
    #[arg(long, value_name = "HOST[:PORT]", value_parser = NetRule::parse, help_heading = "Network")]
    pub allow_net: Vec<NetRule>,

    /// Never connect/send to, accept from or hear HOST[:PORT], nor look up
    /// the names it covers (repeatable; same HOST forms as --allow-net).
    /// Wins over every allow rule, checked on the resolved address too.
    #[arg(long, value_name = "HOST[:PORT]", value_parser = NetRule::parse, help_heading = "Network")]
    pub deny_net: Vec<NetRule>,

    /// Peers a listening socket may accept, and senders a bound datagram
    /// socket may hear (repeatable; addresses, networks, named sets).
    /// Others are reset (TCP) or dropped (UDP) before the guest sees them.
    /// Without this option, any peer that --deny-net does not cover.
    #[arg(long, value_name = "HOST[:PORT]", value_parser = NetRule::parse, help_heading = "Network")]
    pub allow_accept: Vec<NetRule>,

    /// Log every network policy decision to stderr, one line each: guest,
    /// operation, HOST:PORT, verdict and the rule that decided.
    #[arg(long, help_heading = "Network")]
    pub log_net: bool,

    /// May bind HOST:PORT (repeatable). Port 0 (ephemeral) needs PORT * or a
    /// range with 0.
    #[arg(long, value_name = "HOST[:PORT]", value_parser = NetRule::parse, help_heading = "Network")]
    pub allow_bind: Vec<NetRule>,

    /// May look up any name (names given in --allow-net may always be
    /// looked up).
    #[arg(long, help_heading = "Network")]
    pub allow_dns: bool,

    /// May bind/connect AF_UNIX sockets under GUEST_DIR, which is HOST_DIR
    /// on the host (repeatable).
    #[arg(long, value_name = "HOST_DIR[::GUEST_DIR]", value_parser = UnixDir::parse, help_heading = "Network")]
    pub allow_unix: Vec<UnixDir>,

    /// May use abstract AF_UNIX names (host-wide).
    #[arg(long, help_heading = "Network")]
    pub allow_abstract_unix: bool,

    /// What gethostname() reports (default: the host's).
    #[arg(long, value_name = "NAME", help_heading = "Network")]
    pub hostname: Option<String>,

    /// Answer every name lookup from FILE (hosts(5) format) alone: the
    /// system resolver is never asked, no DNS query leaves the host, unknown
    /// names fail as unknown; such lookups need no --allow-dns (connects
    /// still follow the rules).
    #[arg(long, value_name = "FILE", help_heading = "Network")]
    pub hosts: Option<PathBuf>,

    /// Also trust the certificates of this PEM file when a guest loads the
    /// default roots (ssl's load_default_certs, create_default_context);
    /// repeatable.
    #[arg(long, value_name = "PEM", help_heading = "TLS")]
    pub ca_file: Vec<PathBuf>,

    /// Leave the host's system trust store out of the default roots (then
    /// only --ca-file counts).
    #[arg(long, help_heading = "TLS")]
    pub no_system_roots: bool,

    /// Also grant the stock wasi:sockets, unrestricted (for comparing with
    /// the stock path; not policy-checked).
    #[arg(long, help_heading = "Network")]
    pub wasi_sockets: bool,

    /// Share a directory read-write (repeatable), at GUEST_DIR, else at its
    /// host path.
    #[arg(
        long,
        value_name = "HOST_DIR[::GUEST_DIR]",
        help_heading = "Files and environment"
    )]
    pub dir: Vec<String>,

    /// Set an environment variable in the guest (repeatable); `--env NAME`
    /// alone passes the host's value on, if it has one.
    #[arg(
        long,
        value_name = "NAME[=VALUE]",
        help_heading = "Files and environment"
    )]
    pub env: Vec<String>,

    /// Open sockets per guest [default: 1024].
    #[arg(long, value_name = "N", help_heading = "Limits")]
    pub max_sockets: Option<usize>,

    /// Linear memory per guest, in MiB (0: no limit) [default: 1024].
    #[arg(long, value_name = "MIB", help_heading = "Limits")]
    pub max_memory: Option<usize>,

    /// Stop each guest after SECONDS of wall-clock time (decimals allowed)
    /// with a message and exit status 124 [default: no limit].
    #[arg(long, value_name = "SECONDS", value_parser = parse_seconds, help_heading = "Limits")]
    pub timeout: Option<std::time::Duration>,

    /// Name lookups in the resolver at once, for all guests [default: 8].
    #[arg(long, value_name = "N", help_heading = "Limits")]
    pub max_lookups: Option<usize>,

    /// Cap of listen() backlogs [default: 128].
    #[arg(long, value_name = "N", help_heading = "Limits")]
    pub max_backlog: Option<i32>,

    /// Cap of SO_SNDBUF/SO_RCVBUF per socket, in KiB [default: 4096].
    #[arg(long, value_name = "KIB", help_heading = "Limits")]
    pub max_buffer: Option<usize>,

    /// Threads the guests are spread over [default: one per guest, at most
    /// one per CPU]. Guests sharing a thread take turns like threads under
    /// CPython's GIL.
    #[arg(long, value_name = "N", help_heading = "Limits")]
    pub workers: Option<NonZeroUsize>,

    /// Print start-up and run times to stderr.
    #[arg(long)]
    pub timings: bool,
}

/// `--timeout SECONDS`: a positive, finite number of seconds.
fn parse_seconds(text: &str) -> Result<std::time::Duration, String> {
    text.parse::<f64>()
        .ok()
        .filter(|s| s.is_finite() && *s > 0.0)
        .and_then(|s| std::time::Duration::try_from_secs_f64(s).ok())
        .ok_or_else(|| format!("{text:?} is not a positive number of seconds"))
}

impl Command {
    /// The guest options of the subcommand, if it runs guests.
    pub fn guest_options(&self) -> Option<&GuestOptions> {
        match self {
            Command::Python(a) => Some(&a.guest),
            Command::Run(a) => Some(&a.guest),
            Command::Serve(a) => Some(&a.guest),
            Command::Pip(_) => None,
        }
    }
}

/// Options of the host process as a whole (not of one guest).
#[derive(Debug, Clone, Args)]
pub struct HostOptions {
    /// How often a running guest is made to yield to the others, in
    /// milliseconds (CPython's switch interval: the guests'
    /// sys.getswitchinterval() reports it).
    #[arg(long, value_name = "MS", default_value_t = 5.0, value_parser = positive_ms, help_heading = "Limits")]
    pub switch_interval: f64,

    /// Where guests' memories and stacks come from: `pooling` (slots made
    /// once and reused, copy-on-write memory images kept mapped) or
    /// `on-demand` (mapped per guest) [default: pooling for more than one
    /// guest, else on-demand].
    #[arg(long, value_name = "KIND", value_parser = ["pooling", "on-demand"], help_heading = "Limits")]
    pub allocator: Option<String>,
}

/// A switch interval: a positive number of milliseconds.
fn positive_ms(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(ms) if ms.is_finite() && ms > 0.0 && ms <= 60_000.0 => Ok(ms),
        _ => Err(format!(
            "{text:?} is not a number of milliseconds in (0, 60000]"
        )),
    }
}

/// Where the Python component, its standard library and extra import
/// directories come from (`pysocket python` and `pysocket serve`).
#[derive(Debug, Clone, Args)]
pub struct PythonComponent {
    /// Share a directory read-only and put it on sys.path, after
    /// PYTHONPATH's entries (repeatable): where `pysocket pip install
    /// --target DIR` put packages.
    #[arg(
        long = "path",
        value_name = "HOST_DIR",
        help_heading = "Files and environment"
    )]
    pub import_paths: Vec<PathBuf>,

    /// The Python component [default: build/pysocket-python.wasm of the
    /// source tree].
    #[arg(
        long,
        value_name = "PATH",
        env = "PYSOCKET_PYTHON_WASM",
        help_heading = "Component"
    )]
    pub python_wasm: Option<PathBuf>,

    /// The unpacked standard library [default: build/stdlib of the source
    /// tree].
    #[arg(
        long,
        value_name = "DIR",
        env = "PYSOCKET_STDLIB",
        help_heading = "Component"
    )]
    pub stdlib: Option<PathBuf>,
}

impl PythonComponent {
    /// The Python component to run (`--python-wasm`, else the source tree's).
    pub fn wasm(&self) -> PathBuf {
        self.python_wasm
            .clone()
            .unwrap_or_else(|| crate::paths::build_file("pysocket-python.wasm"))
    }

    /// The unpacked standard library (`--stdlib`, else the source tree's).
    pub fn stdlib_dir(&self) -> PathBuf {
        self.stdlib
            .clone()
            .unwrap_or_else(|| crate::paths::build_file("stdlib"))
    }
}

#[derive(Debug, Args)]
pub struct PythonArgs {
    #[command(flatten)]
    pub guest: GuestOptions,

    #[command(flatten)]
    pub host: HostOptions,

    /// Run N instances of each program concurrently in this process; each
    /// sees PYSOCKET_INSTANCE=0..N-1. Exit status: non-zero if any failed,
    /// with a summary line on stderr.
    #[arg(long, value_name = "N", help_heading = "Limits")]
    pub instances: Option<NonZeroUsize>,

    #[command(flatten)]
    pub component: PythonComponent,

    /// python3's command line: interpreter options, then `-c CMD`, `-m
    /// MOD`, `-`, or SCRIPT, then the program's arguments (see below).
    #[arg(
        trailing_var_arg = true,
        allow_hyphen_values = true,
        value_name = "PYTHON"
    )]
    pub python: Vec<String>,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    #[command(flatten)]
    pub guest: GuestOptions,

    #[command(flatten)]
    pub host: HostOptions,

    /// Run N instances concurrently in this process; each sees
    /// PYSOCKET_INSTANCE=0..N-1. Exit status: non-zero if any failed, with a
    /// summary line on stderr.
    #[arg(long, value_name = "N", help_heading = "Limits")]
    pub instances: Option<NonZeroUsize>,

    /// The component (`wasi:cli/run`).
    #[arg(value_name = "APP.wasm")]
    pub app: PathBuf,

    /// Its arguments (`APP.wasm` is the first of them in the guest).
    #[arg(
        trailing_var_arg = true,
        allow_hyphen_values = true,
        value_name = "ARGS"
    )]
    pub args: Vec<String>,
}

#[derive(Debug, Args)]
pub struct PipArgs {
    /// `install`, then pip's options and the packages.
    #[arg(
        trailing_var_arg = true,
        allow_hyphen_values = true,
        value_name = "ARGS",
        required = true
    )]
    pub args: Vec<String>,
}

const SERVE_AFTER_HELP: &str = "\
PROGRAM: a Python program as for `pysocket python` (SCRIPT.py, -m MOD or -c CMD, with python3's
options before it), or a wasi:cli/run component (a path ending in .wasm); then its arguments.

Each accepted connection gets a fresh, isolated guest (nothing is shared between guests),
started with the connection as a socket whose descriptor number is in PYSOCKET_CONN_FD:
  conn = socket.socket(fileno=int(os.environ['PYSOCKET_CONN_FD']))
The connection is closed when the guest ends. The guest's network policy is what the --allow-*
options say, as for `pysocket python`; the listening address is the host's, not the guest's.
The listening address is printed on stderr: `pysocket: listening on ADDR:PORT`.

With --max-concurrent N, at most N guests run; further connections wait in the listen backlog
(they are not dropped) until a guest ends. SIGINT or SIGTERM stops accepting; running guests get
--grace seconds to finish, then the process exits (a second signal exits at once).

EXAMPLE:
  pysocket serve --listen 127.0.0.1:7000 echo.py";

#[derive(Debug, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub guest: GuestOptions,

    #[command(flatten)]
    pub host: HostOptions,

    /// The address to accept connections on (port 0: any free port).
    #[arg(long, value_name = "ADDR:PORT", help_heading = "Serve")]
    pub listen: std::net::SocketAddr,

    /// The most guests running at once; further connections wait in the
    /// backlog.
    #[arg(long, value_name = "N", default_value_t = NonZeroUsize::new(1000).unwrap(), help_heading = "Serve")]
    pub max_concurrent: NonZeroUsize,

    /// End a guest that runs longer than this many seconds (its connection
    /// is closed) [default: no limit].
    #[arg(long, value_name = "SECS", value_parser = positive_secs, help_heading = "Serve")]
    pub instance_timeout: Option<f64>,

    /// After SIGINT/SIGTERM, how many seconds running guests get to finish.
    #[arg(long, value_name = "SECS", default_value_t = 10.0, value_parser = positive_secs, help_heading = "Serve")]
    pub grace: f64,

    #[command(flatten)]
    pub component: PythonComponent,

    /// The program each connection runs, and its arguments.
    #[arg(
        trailing_var_arg = true,
        allow_hyphen_values = true,
        required = true,
        value_name = "PROGRAM"
    )]
    pub program: Vec<String>,
}

/// A duration: a non-negative number of seconds.
fn positive_secs(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(s) if s.is_finite() && s >= 0.0 => Ok(s),
        _ => Err(format!("{text:?} is not a number of seconds")),
    }
}
