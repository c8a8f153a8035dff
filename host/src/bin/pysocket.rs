//! `pysocket`: run Python (or any `wasi:cli/run` component) in WebAssembly
//! with CPython's socket API served by real host sockets.
//!
//! ```text
//! pysocket run    [OPTIONS] APP.wasm [ARGS...]
//! pysocket python [OPTIONS] SCRIPT.py [ARGS...] [--and SCRIPT.py [ARGS...]]...
//! ```
//! See `pysocket --help` for the options.

use pysocket_host::policy::{NetRule, PolicyBuilder, UnixDir};
use pysocket_host::runtime::{
    load_component, new_engine, new_linker, run_command, run_on_workers, worker_count, EpochTicker,
    GuestConfig, PythonGuest, PythonRuntime,
};
use pysocket_host::TrustRoots;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

const USAGE: &str = "\
pysocket: Python's socket API for WebAssembly guests, served by real host sockets.

USAGE:
    pysocket run    [OPTIONS] APP.wasm [ARGS...]
    pysocket python [OPTIONS] SCRIPT.py [ARGS...] [--and SCRIPT.py [ARGS...]]...

`run` runs a wasi:cli/run component with WASI 0.2 and pysocket linked.
`python` runs scripts in pysocket's prebuilt Python 3.14 component; each
`--and` starts another script as its own guest in the same host process.
The exit status is the first non-zero status of the guests, else 0.

OPTIONS (the network is denied unless a flag allows it):
    --allow-net HOST[:PORT]   may connect/send to HOST (repeatable). HOST is an
                              address, a network (127.0.0.0/8), a name or *;
                              IPv6 in brackets ([::1]:8080). PORT is N, N-M or *.
    --allow-bind HOST[:PORT]  may bind HOST:PORT (repeatable). Port 0
                              (ephemeral) needs PORT * or a range with 0.
    --allow-dns               may look up any name (names given in --allow-net
                              may always be looked up).
    --allow-unix HOST_DIR[::GUEST_DIR]  may bind/connect AF_UNIX sockets under
                              GUEST_DIR, which is HOST_DIR on the host (repeatable).
    --allow-abstract-unix     may use abstract AF_UNIX names (host-wide).
    --ca-file PEM             also trust the certificates of this PEM file when a
                              guest loads the default roots (ssl's
                              load_default_certs, create_default_context);
                              repeatable.
    --no-system-roots         leave the host's system trust store out of the
                              default roots (then only --ca-file counts).
    --dir HOST_DIR[::GUEST_DIR]  share a directory, read-write (repeatable).
    --env K=V                 set an environment variable (repeatable).
    --max-sockets N           open sockets per guest (default 1024).
    --max-memory MIB          linear memory per guest, in MiB (default: no limit).
    --hostname NAME           what gethostname() reports (default: the host's).
    --python-wasm PATH        the Python component (default: $PYSOCKET_PYTHON_WASM,
                              else build/pysocket-python.wasm of the source tree).
    --stdlib DIR              the unpacked stdlib (default: $PYSOCKET_STDLIB, else
                              build/stdlib of the source tree).
    --wasi-sockets            also grant the stock wasi:sockets, unrestricted (for
                              comparing with the stock path; not policy-checked).
    --workers N               threads the guests are spread over (default: one per
                              guest, at most one per CPU). Guests sharing a thread
                              take turns like threads under CPython's GIL.
    --timings                 print start-up and run times to stderr.
    -h, --help                this text.
";

/// Options shared by both subcommands.
struct Options {
    policy: PolicyBuilder,
    trust: TrustRoots,
    config: GuestConfig,
    python_wasm: Option<PathBuf>,
    stdlib: Option<PathBuf>,
    workers: Option<usize>,
    timings: bool,
}

fn fail(msg: impl std::fmt::Display) -> ! {
    eprintln!("pysocket: {msg}\n(run `pysocket --help` for usage)");
    std::process::exit(2);
}

/// Parses options up to the first positional argument; returns the rest.
fn parse_options(args: &mut std::iter::Peekable<std::vec::IntoIter<String>>) -> Options {
    let mut o = Options {
        policy: PolicyBuilder::new(),
        trust: TrustRoots::new(),
        config: GuestConfig::default(),
        python_wasm: None,
        stdlib: None,
        workers: None,
        timings: false,
    };
    while let Some(arg) = args.peek().cloned() {
        if !arg.starts_with('-') {
            break;
        }
        args.next();
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (arg.clone(), None),
        };
        let mut value = || {
            inline
                .clone()
                .or_else(|| args.next())
                .unwrap_or_else(|| fail(format!("{flag} needs a value")))
        };
        match flag.as_str() {
            "--allow-net" => {
                let rule = NetRule::parse(&value()).unwrap_or_else(|e| fail(e));
                o.policy = o.policy.allow_connect(rule);
            }
            "--allow-bind" => {
                let rule = NetRule::parse(&value()).unwrap_or_else(|e| fail(e));
                o.policy = o.policy.allow_bind(rule);
            }
            "--allow-dns" => o.policy = o.policy.allow_dns(true),
            "--allow-unix" => {
                let dir = UnixDir::parse(&value()).unwrap_or_else(|e| fail(e));
                o.policy = o.policy.allow_unix(dir);
            }
            "--ca-file" => o.trust = std::mem::take(&mut o.trust).ca_file(value()),
            "--no-system-roots" => o.trust = std::mem::take(&mut o.trust).without_system_roots(),
            "--allow-abstract-unix" => o.policy = o.policy.allow_abstract_unix(true),
            "--dir" => {
                let v = value();
                let (host, guest) = match v.split_once("::") {
                    Some((h, g)) => (h.to_string(), g.to_string()),
                    None => (v.clone(), v.clone()),
                };
                o.config = std::mem::take(&mut o.config).dir(host, guest, true);
            }
            "--env" => {
                let v = value();
                let (k, val) = v
                    .split_once('=')
                    .unwrap_or_else(|| fail(format!("--env needs K=V, got {v:?}")));
                o.config.env.push((k.to_string(), val.to_string()));
            }
            "--max-sockets" => {
                let n = value()
                    .parse()
                    .unwrap_or_else(|_| fail("--max-sockets needs a number"));
                o.policy = o.policy.max_sockets(n);
            }
            "--hostname" => o.policy = o.policy.hostname(value()),
            "--max-memory" => {
                let mib: usize = value()
                    .parse()
                    .unwrap_or_else(|_| fail("--max-memory needs a number of MiB"));
                o.config.max_memory = Some(mib << 20);
            }
            "--python-wasm" => o.python_wasm = Some(PathBuf::from(value())),
            "--stdlib" => o.stdlib = Some(PathBuf::from(value())),
            "--workers" => {
                let n: usize = value()
                    .parse()
                    .ok()
                    .filter(|n| *n > 0)
                    .unwrap_or_else(|| fail("--workers needs a number above 0"));
                o.workers = Some(n);
            }
            "--timings" => o.timings = true,
            "--wasi-sockets" => o.config.wasi_sockets = true,
            "-h" | "--help" => {
                print!("{USAGE}");
                std::process::exit(0);
            }
            "--" => break,
            other => fail(format!("unknown option {other}")),
        }
    }
    if !o.trust.ca_files().is_empty() {
        // Report a missing or empty CA file now, not in the guest.
        if let Err(e) = o.trust.check() {
            fail(e);
        }
    }
    o.config.trust_roots = Some(Arc::new(std::mem::take(&mut o.trust)));
    o
}

/// The source tree's `build/` directory, found from the binary's location
/// (`target/release/pysocket` → `build/`).
fn default_build_dir() -> PathBuf {
    let exe = std::env::current_exe().unwrap_or_default();
    exe.ancestors()
        .nth(3)
        .map(|root| root.join("build"))
        .unwrap_or_else(|| PathBuf::from("build"))
}

fn from_env_or(flag: Option<PathBuf>, var: &str, default: &str) -> PathBuf {
    flag.or_else(|| std::env::var_os(var).map(PathBuf::from))
        .unwrap_or_else(|| default_build_dir().join(default))
}

/// A single-threaded runtime: one guest needs no more (see
/// `pysocket_host::runtime::run_on_workers`).
fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap_or_else(|e| fail(format!("starting tokio: {e}")))
}

fn cmd_run(mut args: std::iter::Peekable<std::vec::IntoIter<String>>) -> ExitCode {
    let o = parse_options(&mut args);
    let app = args.next().unwrap_or_else(|| fail("run needs APP.wasm"));
    let mut config = o.config;
    config.policy = Arc::new(o.policy.build());
    config.args = std::iter::once(app.clone()).chain(args).collect();
    let started = Instant::now();
    let engine = new_engine().unwrap_or_else(|e| fail(e));
    let _ticker = EpochTicker::start(&engine);
    let (component, cached) =
        load_component(&engine, Path::new(&app)).unwrap_or_else(|e| fail(format!("{app}: {e:#}")));
    let linker = new_linker(&engine).unwrap_or_else(|e| fail(e));
    if o.timings {
        eprintln!(
            "pysocket: loaded {app} in {:?} ({})",
            started.elapsed(),
            if cached { "cached" } else { "compiled" }
        );
    }
    let status = runtime()
        .block_on(run_command(&engine, &linker, &component, &config))
        .unwrap_or_else(|e| fail(format!("{e:#}")));
    ExitCode::from(status.clamp(0, 255) as u8)
}

fn cmd_python(mut args: std::iter::Peekable<std::vec::IntoIter<String>>) -> ExitCode {
    let o = parse_options(&mut args);
    let rest: Vec<String> = args.collect();
    if rest.is_empty() {
        fail("python needs SCRIPT.py");
    }
    let mut config = o.config;
    config.policy = Arc::new(o.policy.build());
    let guests: Vec<PythonGuest> = rest
        .split(|a| a == "--and")
        .map(|part| {
            let (script, args) = part
                .split_first()
                .unwrap_or_else(|| fail("--and needs SCRIPT.py after it"));
            PythonGuest {
                script: PathBuf::from(script),
                args: args.to_vec(),
                config: config.clone(),
            }
        })
        .collect();
    let wasm = from_env_or(
        o.python_wasm,
        "PYSOCKET_PYTHON_WASM",
        "pysocket-python.wasm",
    );
    let stdlib = from_env_or(o.stdlib, "PYSOCKET_STDLIB", "stdlib");
    if !wasm.is_file() {
        fail(format!(
            "no Python component at {} (build it with `make build`)",
            wasm.display()
        ));
    }
    let started = Instant::now();
    let engine = new_engine().unwrap_or_else(|e| fail(e));
    let _ticker = EpochTicker::start(&engine);
    let python = Arc::new(
        PythonRuntime::new(&engine, &wasm, &stdlib)
            .unwrap_or_else(|e| fail(format!("{}: {e:#}", wasm.display()))),
    );
    if o.timings {
        eprintln!(
            "pysocket: Python component ready in {:.3}s ({})",
            started.elapsed().as_secs_f64(),
            if python.from_cache {
                "from the compile cache"
            } else {
                "compiled, now cached"
            }
        );
    }
    let workers = o.workers.unwrap_or_else(|| worker_count(guests.len()));
    let statuses: Vec<i32> = run_on_workers(guests, workers, move |g| {
        let python = python.clone();
        async move { python.run(&g).await }
    })
    .into_iter()
    .map(|done| match done {
        Ok(Ok((status, _))) => status,
        Ok(Err(e)) => {
            eprintln!("pysocket: {e:#}");
            1
        }
        Err(e) => {
            eprintln!("pysocket: {e}");
            1
        }
    })
    .collect();
    if o.timings {
        eprintln!("pysocket: total {:.3}s", started.elapsed().as_secs_f64());
    }
    let status = statuses.into_iter().find(|s| *s != 0).unwrap_or(0);
    ExitCode::from(status.clamp(0, 255) as u8)
}

/// Keeps freed heap memory for reuse instead of handing it back to the OS
/// on every free. Every socket call that carries data allocates a buffer
/// of up to a few MiB for the payload; with glibc's defaults, freeing one
/// trims the heap (or unmaps it) and the next call faults the pages back
/// in, zeroed: measured at 40% of the time of a bulk send.
fn tune_allocator() {
    // SAFETY: mallopt only adjusts allocator parameters; called before any
    // other thread exists.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 64 << 20);
        libc::mallopt(libc::M_TRIM_THRESHOLD, 256 << 20);
    }
}

fn main() -> ExitCode {
    tune_allocator();
    let mut args = std::env::args()
        .skip(1)
        .collect::<Vec<_>>()
        .into_iter()
        .peekable();
    match args.next().as_deref() {
        Some("run") => cmd_run(args),
        Some("python") => cmd_python(args),
        Some("-h") | Some("--help") | None => {
            print!("{USAGE}");
            ExitCode::SUCCESS
        }
        Some("--version") => {
            println!("pysocket {}", env!("CARGO_PKG_VERSION"));
            ExitCode::SUCCESS
        }
        Some(other) => fail(format!("unknown command {other}")),
    }
}
