//! pysocket in your own wasmtime host.
//!
//! This program is a wasmtime embedding of its own: its own `Store` data
//! type ([`Guest`]), its own linker, its own tokio runtime. It adds
//! `pysocket-host` to that linker, builds each guest's network policy in
//! code (rules plus an async per-use hook that narrows them per guest), and
//! runs two guests side by side on one thread:
//!
//! - a **Python guest**: pysocket's prebuilt Python component
//!   (`build/pysocket-python.wasm`) running a program given as a string;
//! - a **Rust guest**: `examples/rust-guest` (`build/rust-guest.wasm`), a
//!   `wasi:cli/run` component that uses `pysocket:socket` directly.
//!
//! Both talk to native loopback peers this program starts. It prints what
//! each guest printed and every decision of the hook, then a summary line,
//! and exits with 0 only if both guests did.
//!
//! ```sh
//! make build build/rust-guest.wasm
//! cargo run --release -p pysocket-embed-example -- \
//!     build/pysocket-python.wasm build/stdlib build/rust-guest.wasm
//! ```

use pysocket_host::bindings::exports::pysocket::socket::script;
use pysocket_host::bindings::Python;
use pysocket_host::runtime::{
    load_component, new_engine, EpochTicker, STDLIB_GUEST_PATH, YIELD_INTERVAL,
};
use pysocket_host::{Policy, PysocketCtx, PysocketImpl, PysocketView, SocketUse};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use wasmtime::component::{Component, Linker, ResourceTable};
use wasmtime::{Engine, Store};
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;
use wasmtime_wasi::{FsPerms, I32Exit, WasiCtx, WasiCtxView, WasiView};

/// This host's store data: whatever the embedder needs (here a name), WASI,
/// and pysocket's per-guest context.
struct Guest {
    name: &'static str,
    wasi: WasiCtx,
    table: ResourceTable,
    pysocket: PysocketCtx,
}

impl WasiView for Guest {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

/// What `pysocket_host::add_to_linker` needs: access to the context.
impl PysocketView for Guest {
    fn pysocket(&mut self) -> PysocketImpl<'_> {
        PysocketImpl {
            ctx: &mut self.pysocket,
        }
    }
}

/// The hook's decisions, in the order it made them.
type Decisions = Arc<Mutex<Vec<String>>>;

/// A guest's policy: the rules allow connecting anywhere on 127.0.0.1;
/// the hook narrows that to `ports` for this guest, and logs.
fn policy_for(name: &'static str, ports: Vec<u16>, log: Decisions) -> Policy {
    Policy::builder()
        .allow_net_spec("127.0.0.1")
        .expect("a valid rule")
        .max_sockets(16)
        .policy_hook(move |what: SocketUse, addr: SocketAddr| {
            let allowed = what != SocketUse::Connect || ports.contains(&addr.port());
            log.lock().unwrap().push(format!(
                "hook: {name} {} {addr}: {}",
                what.verb(),
                if allowed { "allowed" } else { "denied" }
            ));
            // The decision may await (a database, a service); here it is
            // already known.
            async move { allowed }
        })
        .build()
}

/// A store for one guest: WASI with `args`, stdout and stderr captured,
/// the stdlib shared if given; pysocket under `policy`.
fn new_store(
    engine: &Engine,
    name: &'static str,
    policy: Policy,
    args: &[String],
    stdlib: Option<&Path>,
) -> wasmtime::Result<(Store<Guest>, MemoryOutputPipe, MemoryOutputPipe)> {
    let (stdout, stderr) = (
        MemoryOutputPipe::new(1 << 20),
        MemoryOutputPipe::new(1 << 20),
    );
    let mut wasi = WasiCtx::builder();
    wasi.stdout(stdout.clone())
        .stderr(stderr.clone())
        .args(args);
    if let Some(dir) = stdlib {
        wasi.preopened_dir(dir, STDLIB_GUEST_PATH, FsPerms::ReadOnly)?;
    }
    let data = Guest {
        name,
        wasi: wasi.build(),
        table: ResourceTable::new(),
        pysocket: PysocketCtx::builder().policy(policy).build(),
    };
    let mut store = Store::new(engine, data);
    // pysocket's engine interrupts guests every epoch tick so that a busy
    // guest yields to the others (see `EpochTicker`).
    store.set_epoch_deadline(1);
    store.epoch_deadline_async_yield_and_update(1);
    Ok((store, stdout, stderr))
}

/// The exit status of a finished guest call.
fn status(result: wasmtime::Result<i32>) -> i32 {
    match result {
        Ok(code) => code,
        Err(e) => match e.downcast_ref::<I32Exit>() {
            Some(exit) => exit.0,
            None => {
                eprintln!("guest trapped: {e:#}");
                1
            }
        },
    }
}

/// Prints a guest's output, each line prefixed with its name.
fn report(store: &Store<Guest>, status: i32, out: &MemoryOutputPipe, err: &MemoryOutputPipe) {
    let name = store.data().name;
    for line in String::from_utf8_lossy(&out.contents()).lines() {
        println!("{name}: {line}");
    }
    for line in String::from_utf8_lossy(&err.contents()).lines() {
        println!("{name} (stderr): {line}");
    }
    println!(
        "{name}: exit status {status}, sockets left open {}",
        store.data().pysocket.open_sockets()
    );
}

/// What the Python guest runs (`python3 -c`): one allowed connect, one
/// the hook denies.
const PYTHON_PROGRAM: &str = r#"
import socket, sys
echo, other = int(sys.argv[1]), int(sys.argv[2])
with socket.create_connection(("127.0.0.1", echo), timeout=10) as s:
    s.sendall(b"hello from Python")
    print("echo=" + s.recv(64).decode())
with socket.socket() as s:
    try:
        s.connect(("127.0.0.1", other))
        print("other=connected")
    except PermissionError as e:
        print(f"other={type(e).__name__}: {e.strerror}")
"#;

/// Native loopback peers for the guests: an echo server, a port that
/// refuses, a peer that accepts and stays silent.
struct Peers {
    echo: SocketAddr,
    refused: SocketAddr,
    silent: SocketAddr,
    _refusing: socket2::Socket,
}

async fn start_peers() -> wasmtime::Result<Peers> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let echo = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let echo_addr = echo.local_addr()?;
    tokio::spawn(async move {
        while let Ok((mut conn, _)) = echo.accept().await {
            tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                while let Ok(n @ 1..) = conn.read(&mut buf).await {
                    if conn.write_all(&buf[..n]).await.is_err() {
                        break;
                    }
                }
            });
        }
    });
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let silent_addr = silent.local_addr()?;
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((conn, _)) = silent.accept().await {
            held.push(conn);
        }
    });
    // Bound but not listening: connections are refused, and the port
    // stays ours.
    let refusing = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None)?;
    refusing.bind(&SocketAddr::from(([127, 0, 0, 1], 0)).into())?;
    let refused = refusing
        .local_addr()?
        .as_socket()
        .ok_or_else(|| wasmtime::format_err!("no address"))?;
    Ok(Peers {
        echo: echo_addr,
        refused,
        silent: silent_addr,
        _refusing: refusing,
    })
}

async fn run_python(
    engine: &Engine,
    linker: &Linker<Guest>,
    component: &Component,
    stdlib: &Path,
    peers: &Peers,
    log: Decisions,
) -> wasmtime::Result<i32> {
    // The Python guest may reach the echo server only.
    let policy = policy_for("python", vec![peers.echo.port()], log);
    let args = vec![
        peers.echo.port().to_string(),
        peers.silent.port().to_string(),
    ];
    // WASI's argv[0] is what python3's would be before the program runs.
    let wasi_args: Vec<String> = std::iter::once("-c".to_string())
        .chain(args.iter().cloned())
        .collect();
    let (mut store, out, err) = new_store(engine, "python", policy, &wasi_args, Some(stdlib))?;
    let python = Python::instantiate_async(&mut store, component, linker).await?;
    let invocation = script::Invocation {
        program: script::Program::Command(PYTHON_PROGRAM.into()),
        args,
        cwd: STDLIB_GUEST_PATH.into(),
        path: Vec::new(),
        options: script::InterpreterOptions {
            unbuffered: false,
            isolated: true,
            ignore_environment: true,
            safe_path: true,
            dont_write_bytecode: true,
            quiet: true,
            inspect: false,
            warn_options: Vec::new(),
            x_options: Vec::new(),
        },
        // The tick `EpochTicker` makes guests yield on.
        switch_interval: YIELD_INTERVAL.as_secs_f64(),
    };
    let result = python
        .pysocket_socket_script()
        .call_run(&mut store, &invocation)
        .await
        .map(i32::from);
    let code = status(result);
    report(&store, code, &out, &err);
    Ok(code)
}

async fn run_rust(
    engine: &Engine,
    linker: &Linker<Guest>,
    component: &Component,
    peers: &Peers,
    log: Decisions,
) -> wasmtime::Result<i32> {
    // The Rust guest may reach all three peers; the rules still refuse
    // 127.0.0.2, which it tries too (`check-denied`).
    let ports = vec![peers.echo.port(), peers.refused.port(), peers.silent.port()];
    let policy = policy_for("rust", ports, log);
    let args: Vec<String> = vec![
        "rust-guest".into(),
        peers.echo.to_string(),
        peers.refused.to_string(),
        peers.silent.to_string(),
        "check-denied".into(),
    ];
    let (mut store, out, err) = new_store(engine, "rust", policy, &args, None)?;
    let command =
        wasmtime_wasi::p2::bindings::Command::instantiate_async(&mut store, component, linker)
            .await?;
    let result =
        command
            .wasi_cli_run()
            .call_run(&mut store)
            .await
            .map(|r| if r.is_ok() { 0 } else { 1 });
    let code = status(result);
    report(&store, code, &out, &err);
    Ok(code)
}

fn main() -> wasmtime::Result<()> {
    let paths: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    let [python_wasm, stdlib, rust_wasm] = paths.as_slice() else {
        wasmtime::bail!("usage: pysocket-embed PYTHON_WASM STDLIB_DIR RUST_GUEST_WASM");
    };

    // One engine and one linker for every guest.
    let engine = new_engine()?;
    let _ticker = EpochTicker::start(&engine);
    let mut linker: Linker<Guest> = Linker::new(&engine);
    wasmtime_wasi::p2::add_to_linker_async(&mut linker)?;
    pysocket_host::add_to_linker(&mut linker)?;
    // Compiled once; later runs load the compiled code from pysocket's
    // disk cache.
    let (python, _) = load_component(&engine, python_wasm)?;
    let (rust, _) = load_component(&engine, rust_wasm)?;

    // Guests wait in host calls without blocking the thread: both run on
    // this one, taking turns.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let log = Decisions::default();
    let (py, rs) = runtime.block_on(async {
        let peers = start_peers().await?;
        let (py, rs) = tokio::join!(
            run_python(&engine, &linker, &python, stdlib, &peers, log.clone()),
            run_rust(&engine, &linker, &rust, &peers, log.clone()),
        );
        Ok::<_, wasmtime::Error>((py?, rs?))
    })?;
    let decisions = log.lock().unwrap();
    for line in decisions.iter() {
        println!("{line}");
    }
    let denied = decisions.iter().filter(|l| l.ends_with("denied")).count();
    println!(
        "summary: python exit {py}, rust exit {rs}, hook asked {} times, denied {denied}",
        decisions.len()
    );
    if py != 0 || rs != 0 {
        std::process::exit(1);
    }
    Ok(())
}
