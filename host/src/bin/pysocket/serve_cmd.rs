//! `pysocket serve`: the host accepts TCP connections and runs a fresh
//! guest for each, handed the connection as a socket whose number is in
//! `PYSOCKET_CONN_FD` (like `wasmtime serve` for HTTP, for any protocol).
//!
//! One thread accepts; guests run on worker threads (a single-threaded
//! tokio runtime each, as for `pysocket python`). A semaphore of
//! `--max-concurrent` permits is taken *before* each accept, so at the
//! limit the host stops accepting and further connections wait in the
//! kernel's backlog instead of being accepted and dropped. SIGINT and
//! SIGTERM are taken by a thread of their own (`sigwait`, with the signals
//! blocked in every thread): the first closes the listener and gives the
//! running guests `--grace` seconds, a second ends the process at once.

use crate::cli::ServeArgs;
use crate::failure::Failure;
use crate::guest_options::guest_config;
use crate::many;
use crate::progress::CompileNotice;
use crate::python_cmdline::{self, Request};
use pysocket_host::runtime::{
    load_component_with, new_linker, CommandRuntime, GuestConfig, Program, PythonGuest,
    PythonRuntime, StartupTimes,
};
use socket2::{Domain, Socket, Type};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{mpsc, OwnedSemaphorePermit, Semaphore};

/// How many connections may wait in the kernel's accept queue.
const BACKLOG: i32 = 4096;

/// What each connection runs. (One per process: the size of its variants
/// does not matter.)
#[allow(clippy::large_enum_variant)]
enum Served {
    Python(PythonRuntime, PythonGuest),
    Component(CommandRuntime, GuestConfig),
}

impl Served {
    /// Runs one guest for `conn` to its end; its exit status and how long
    /// its start took.
    async fn run(&self, conn: Socket) -> wasmtime::Result<(i32, StartupTimes)> {
        let (status, out) = match self {
            Served::Python(python, guest) => python.run_with(guest, Some(conn)).await?,
            Served::Component(runtime, config) => runtime.run(config, Some(conn)).await?,
        };
        Ok((status, out.startup))
    }
}

/// A connection accepted for a guest, with its place among the running ones.
struct Job {
    conn: Socket,
    peer: SocketAddr,
    permit: OwnedSemaphorePermit,
}

/// The program part of the command line, checked before anything starts.
/// (One per process.)
#[allow(clippy::large_enum_variant)]
enum Plan {
    Python(PythonGuest),
    Component(PathBuf, Vec<String>),
}

fn plan(args: &ServeArgs, config: GuestConfig) -> Result<Plan, Failure> {
    let first = &args.program[0];
    if first.ends_with(".wasm") && !first.starts_with('-') {
        let app = PathBuf::from(first);
        if !app.is_file() {
            return Err(Failure::usage(format!("no component at {first}")));
        }
        return Ok(Plan::Component(app, args.program[1..].to_vec()));
    }
    let (program, program_args, options) =
        match python_cmdline::parse(&args.program).map_err(Failure::usage)? {
            Request::Run {
                program,
                args,
                options,
            } => (program, args, options),
            Request::Help | Request::Version(_) => {
                return Err(Failure::usage(
                    "serve needs a program: SCRIPT.py, -m MOD, -c CMD or APP.wasm",
                ))
            }
        };
    match &program {
        Program::Stdin | Program::StdinOrConsole => {
            return Err(Failure::usage(
                "serve needs a program: SCRIPT.py, -m MOD, -c CMD or APP.wasm",
            ))
        }
        Program::Script(path) => {
            if let Err(e) = std::fs::metadata(path) {
                return Err(Failure::usage(format!(
                    "can't open file '{}': {e}",
                    path.display()
                )));
            }
        }
        Program::Command(_) | Program::Module(_) => {}
    }
    let guest = PythonGuest {
        options,
        import_paths: args.component.import_paths.clone(),
        ..PythonGuest::new(program, program_args, config)
    };
    guest
        .layout()
        .map_err(|e| Failure::usage(format!("{e:#}")))?;
    Ok(Plan::Python(guest))
}

/// Serves until a signal says stop; 0 when every guest ended in time.
pub fn run(args: &ServeArgs) -> Result<ExitCode, Failure> {
    // Before any other thread exists, so that every thread inherits the mask.
    let signals = block_stop_signals()?;
    let config = guest_config(&args.guest)?;
    let plan = plan(args, config)?;
    let host = many::host(&args.host, args.max_concurrent.get())?;
    let served = match plan {
        Plan::Python(guest) => {
            let wasm = args.component.wasm();
            let stdlib = args.component.stdlib_dir();
            if !wasm.is_file() || !stdlib.is_dir() {
                return Err(Failure::runtime(format!(
                    "no Python component at {} or no standard library at {} (build them with \
                     `make build`, or give --python-wasm and --stdlib)",
                    wasm.display(),
                    stdlib.display()
                )));
            }
            let mut python = PythonRuntime::with_progress(
                &host.engine,
                &wasm,
                &stdlib,
                &mut CompileNotice::default(),
            )
            .map_err(|e| Failure::runtime(format!("{}: {e:#}", wasm.display())))?;
            python.set_switch_interval(host.switch_interval);
            Served::Python(python, guest)
        }
        Plan::Component(app, app_args) => {
            let (component, _) =
                load_component_with(&host.engine, &app, &mut CompileNotice::default())
                    .map_err(|e| Failure::runtime(format!("{}: {e:#}", app.display())))?;
            let linker =
                new_linker(&host.engine).map_err(|e| Failure::runtime(format!("{e:#}")))?;
            let runtime = CommandRuntime::new(&host.engine, &linker, &component)
                .map_err(|e| Failure::runtime(format!("{}: {e:#}", app.display())))?;
            let mut config = guest_config(&args.guest)?;
            config.args = std::iter::once(app.to_string_lossy().into_owned())
                .chain(app_args)
                .collect();
            Served::Component(runtime, config)
        }
    };
    let listener = listen(args.listen)
        .map_err(|e| Failure::runtime(format!("cannot listen on {}: {e}", args.listen)))?;
    let local = listener
        .local_addr()
        .ok()
        .and_then(|a| a.as_socket())
        .unwrap_or(args.listen);
    eprintln!("pysocket: listening on {local}");

    let served = Arc::new(served);
    let timeout = args.instance_timeout.map(Duration::from_secs_f64);
    let workers = args.guest.workers.map_or_else(
        || std::thread::available_parallelism().map_or(1, |n| n.get()),
        |n| n.get(),
    );
    let mut queues = Vec::with_capacity(workers);
    for n in 0..workers {
        let (tx, rx) = mpsc::unbounded_channel::<Job>();
        let served = served.clone();
        std::thread::Builder::new()
            .name(format!("pysocket-worker-{n}"))
            .spawn(move || worker(rx, served, timeout))
            .map_err(|e| Failure::runtime(format!("starting a worker thread: {e}")))?;
        queues.push(tx);
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::runtime(format!("starting tokio: {e}")))?;
    let limit = args.max_concurrent.get();
    let grace = Duration::from_secs_f64(args.grace);
    runtime.block_on(accept_loop(listener, queues, limit, grace, signals))
}

/// Accepts while permits last, hands each connection to the next worker;
/// on the first stop signal closes the listener and waits (at most `grace`,
/// or until a second signal) for the running guests.
async fn accept_loop(
    listener: Socket,
    queues: Vec<mpsc::UnboundedSender<Job>>,
    limit: usize,
    grace: Duration,
    mut signals: mpsc::UnboundedReceiver<i32>,
) -> Result<ExitCode, Failure> {
    let listener = tokio::net::TcpListener::from_std(listener.into())
        .map_err(|e| Failure::runtime(format!("listening: {e}")))?;
    let permits = Arc::new(Semaphore::new(limit));
    let mut next = 0usize;
    loop {
        let permit = tokio::select! {
            permit = permits.clone().acquire_owned() => match permit {
                Ok(p) => p,
                Err(_) => break,
            },
            Some(_) = signals.recv() => break,
        };
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            Some(_) = signals.recv() => break,
        };
        let (stream, peer) = match accepted {
            Ok(a) => a,
            Err(e) => {
                // Out of descriptors or memory: say so, and let guests end
                // before trying again (the connection stays in the backlog).
                tracing::warn!("accept: {e}");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let conn = match stream.into_std() {
            Ok(s) => Socket::from(s),
            Err(e) => {
                tracing::warn!("taking over a connection from {peer}: {e}");
                continue;
            }
        };
        tracing::debug!(%peer, "connection");
        let job = Job { conn, peer, permit };
        if queues[next % queues.len()].send(job).is_err() {
            return Err(Failure::runtime("a worker thread has ended"));
        }
        next = next.wrapping_add(1);
    }
    drop(listener);
    drop(queues);
    let running = limit - permits.available_permits();
    if running > 0 {
        eprintln!(
            "pysocket: stopping; {running} guest(s) still running get {:.1}s to finish",
            grace.as_secs_f64()
        );
    }
    let all = u32::try_from(limit).unwrap_or(u32::MAX);
    tokio::select! {
        done = tokio::time::timeout(grace, permits.acquire_many(all)) => {
            if done.is_err() {
                let left = limit - permits.available_permits();
                eprintln!("pysocket: {left} guest(s) did not finish within the grace period");
                return Ok(ExitCode::from(1));
            }
        }
        Some(_) = signals.recv() => {
            eprintln!("pysocket: second signal, exiting now");
            return Ok(ExitCode::from(1));
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// A worker thread: runs the guests of the jobs it is handed, concurrently,
/// until its queue closes and they have all ended.
fn worker(mut jobs: mpsc::UnboundedReceiver<Job>, served: Arc<Served>, timeout: Option<Duration>) {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("pysocket: starting tokio: {e}");
            return;
        }
    };
    runtime.block_on(async move {
        let mut running = tokio::task::JoinSet::new();
        loop {
            tokio::select! {
                job = jobs.recv() => match job {
                    Some(job) => {
                        running.spawn(serve_one(served.clone(), job, timeout));
                    }
                    None => break,
                },
                Some(_) = running.join_next(), if !running.is_empty() => {}
            }
        }
        while running.join_next().await.is_some() {}
    });
}

/// Runs one guest for one connection; the permit is given back when it ends.
async fn serve_one(served: Arc<Served>, job: Job, timeout: Option<Duration>) {
    let Job { conn, peer, permit } = job;
    let began = std::time::Instant::now();
    let run = served.run(conn);
    let result = match timeout {
        Some(limit) => tokio::time::timeout(limit, run).await,
        None => Ok(run.await),
    };
    match result {
        Ok(Ok((status, startup))) => tracing::debug!(
            %peer,
            status,
            store_us = startup.store.as_micros() as u64,
            instantiate_us = startup.instantiate.as_micros() as u64,
            total_us = began.elapsed().as_micros() as u64,
            "guest ended"
        ),
        Ok(Err(e)) => eprintln!("pysocket: the guest for {peer}: {e:#}"),
        Err(_) => eprintln!(
            "pysocket: the guest for {peer} ran longer than --instance-timeout and was stopped"
        ),
    }
    drop(permit);
}

/// A non-blocking listening socket on `addr` (SO_REUSEADDR, a deep
/// backlog).
fn listen(addr: SocketAddr) -> std::io::Result<Socket> {
    let socket = Socket::new(Domain::for_address(addr), Type::STREAM, None)?;
    socket.set_reuse_address(true)?;
    socket.bind(&addr.into())?;
    socket.listen(BACKLOG)?;
    socket.set_nonblocking(true)?;
    Ok(socket)
}

/// Blocks SIGINT and SIGTERM in this thread (and so in every thread it
/// starts later) and starts a thread that waits for them; each one that
/// arrives is sent on the returned channel.
fn block_stop_signals() -> Result<mpsc::UnboundedReceiver<i32>, Failure> {
    // SAFETY: sigset_t is plain data, initialised by sigemptyset before use.
    let mut set: libc::sigset_t = unsafe { std::mem::zeroed() };
    // SAFETY: `set` is a valid sigset_t; the signal numbers are valid; the
    // old mask is not asked for (null).
    let rc = unsafe {
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, libc::SIGINT);
        libc::sigaddset(&mut set, libc::SIGTERM);
        libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut())
    };
    if rc != 0 {
        return Err(Failure::runtime(format!(
            "blocking SIGINT/SIGTERM: {}",
            std::io::Error::from_raw_os_error(rc)
        )));
    }
    let (tx, rx) = mpsc::unbounded_channel();
    std::thread::Builder::new()
        .name("pysocket-signals".into())
        .spawn(move || loop {
            let mut signal: libc::c_int = 0;
            // SAFETY: `set` holds the blocked signals; `signal` is a valid
            // out-pointer.
            if unsafe { libc::sigwait(&set, &mut signal) } != 0 {
                return;
            }
            tracing::debug!(signal, "stop signal");
            if tx.send(signal).is_err() {
                return;
            }
        })
        .map_err(|e| Failure::runtime(format!("starting the signal thread: {e}")))?;
    Ok(rx)
}
