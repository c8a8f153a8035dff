//! The store data of one guest and how it is set up.

use crate::policy::Policy;
use crate::tls::TrustRoots;
use crate::{PysocketCtx, PysocketImpl, PysocketView};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Instant;
use wasmtime::component::{Component, Linker, ResourceTable};
use wasmtime::{Engine, ResourceLimiter, Store};
use wasmtime_wasi::p2::bindings::CommandPre;
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;
use wasmtime_wasi::{FsPerms, I32Exit, WasiCtx, WasiCtxBuilder, WasiCtxView, WasiView};

/// Everything a guest's store holds: WASI, pysocket, the shared resource
/// table and the memory meter. Dropping it closes every socket the guest had.
pub struct GuestState {
    wasi: WasiCtx,
    pysocket: PysocketCtx,
    table: ResourceTable,
    memory: MemoryMeter,
}

/// Counts a guest's linear memory (all its memories together), keeps the
/// peak, and refuses growth past an optional limit (the guest then sees an
/// allocation failure, Python a `MemoryError`).
#[derive(Debug, Clone, Default)]
pub struct MemoryMeter {
    limit: Option<usize>,
    current: usize,
    peak: Arc<AtomicUsize>,
}

impl MemoryMeter {
    /// The largest total linear memory the guest has had, in bytes.
    pub fn peak(&self) -> usize {
        self.peak.load(Ordering::Relaxed)
    }
}

impl ResourceLimiter for MemoryMeter {
    fn memory_growing(
        &mut self,
        current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        let total = self.current - current.min(self.current) + desired;
        if self.limit.is_some_and(|limit| total > limit) {
            return Ok(false);
        }
        self.current = total;
        self.peak.fetch_max(total, Ordering::Relaxed);
        Ok(true)
    }

    fn table_growing(
        &mut self,
        _current: usize,
        _desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        Ok(true)
    }
}

impl WasiView for GuestState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

impl PysocketView for GuestState {
    fn pysocket(&mut self) -> PysocketImpl<'_> {
        PysocketImpl {
            ctx: &mut self.pysocket,
        }
    }
}

impl GuestState {
    /// The guest's pysocket context (open sockets, policy).
    pub fn pysocket_ctx(&self) -> &PysocketCtx {
        &self.pysocket
    }
}

/// The environment variable that holds the descriptor number of the
/// connection a guest of `pysocket serve` was started for (a contract:
/// `socket.socket(fileno=int(os.environ["PYSOCKET_CONN_FD"]))`).
pub const CONN_FD_ENV: &str = "PYSOCKET_CONN_FD";

/// A directory shared with a guest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SharedDir {
    pub host: PathBuf,
    pub guest: String,
    pub writable: bool,
}

/// The default limit of a guest's linear memory: 1 GiB. (Without one, a
/// guest in runaway recursion was measured at 3.5 GB of host memory.)
pub const DEFAULT_MAX_MEMORY: usize = 1 << 30;

/// The exit status of a guest stopped by its wall-clock limit (coreutils'
/// `timeout` uses the same).
pub const TIMEOUT_STATUS: i32 = 124;

/// How to set up one guest: policy, files, environment, arguments, output.
#[derive(Debug, Clone)]
pub struct GuestConfig {
    pub policy: Arc<Policy>,
    pub dirs: Vec<SharedDir>,
    pub env: Vec<(String, String)>,
    pub args: Vec<String>,
    /// Capture stdout/stderr in memory (tests) instead of inheriting them.
    pub capture_output: bool,
    /// Also grant the stock `wasi:sockets` (all of the host's network, as
    /// wasmtime offers it). Off by default: pysocket's own API is the
    /// supported path; this exists to compare against the stock path.
    pub wasi_sockets: bool,
    /// The most linear memory the guest may have, in bytes (none: no
    /// limit; default [`DEFAULT_MAX_MEMORY`]).
    pub max_memory: Option<usize>,
    /// The wall-clock time the guest may run (none: no limit, the
    /// default). Past it the guest is stopped wherever it is (running
    /// Python, which yields every epoch tick, or waiting in a host call),
    /// its store dropped (every socket closed), a message printed and
    /// [`TIMEOUT_STATUS`] returned.
    pub timeout: Option<std::time::Duration>,
    /// What `wasi:cli/environment.initial-cwd` reports (a guest path).
    pub cwd: Option<String>,
    /// The trust roots the guest's `load_default_certs()` adds (none: the
    /// host's system trust store, shared by every guest).
    pub trust_roots: Option<Arc<TrustRoots>>,
}

impl Default for GuestConfig {
    fn default() -> Self {
        GuestConfig {
            policy: Arc::default(),
            dirs: Vec::new(),
            env: Vec::new(),
            args: Vec::new(),
            capture_output: false,
            wasi_sockets: false,
            max_memory: Some(DEFAULT_MAX_MEMORY),
            timeout: None,
            cwd: None,
            trust_roots: None,
        }
    }
}

/// Runs `call` within the guest's wall-clock limit; past it, says so on
/// stderr and gives [`TIMEOUT_STATUS`].
pub(crate) async fn within_timeout(
    timeout: Option<std::time::Duration>,
    what: &str,
    call: impl std::future::Future<Output = i32>,
) -> i32 {
    let Some(limit) = timeout else {
        return call.await;
    };
    match tokio::time::timeout(limit, call).await {
        Ok(status) => status,
        Err(_) => {
            eprintln!(
                "pysocket: {what} was stopped: it ran longer than --timeout {}s",
                limit.as_secs_f64()
            );
            TIMEOUT_STATUS
        }
    }
}

/// What can be read of a guest after its run: its output (with
/// `capture_output`), its peak memory and how long its start took.
#[derive(Debug, Clone, Default)]
pub struct CapturedOutput {
    pub stdout: Option<MemoryOutputPipe>,
    pub stderr: Option<MemoryOutputPipe>,
    pub memory: MemoryMeter,
    pub startup: StartupTimes,
}

/// Where a guest's start went, in a host that is already running (the
/// component compiled and linked): setting up its store (WASI context,
/// shared directories, pysocket context) and instantiating the component
/// (memory images mapped, tables, start functions).
#[derive(Debug, Clone, Copy, Default)]
pub struct StartupTimes {
    pub store: std::time::Duration,
    pub instantiate: std::time::Duration,
}

impl CapturedOutput {
    pub fn stdout_text(&self) -> String {
        self.stdout
            .as_ref()
            .map(|p| String::from_utf8_lossy(&p.contents()).into_owned())
            .unwrap_or_default()
    }

    pub fn stderr_text(&self) -> String {
        self.stderr
            .as_ref()
            .map(|p| String::from_utf8_lossy(&p.contents()).into_owned())
            .unwrap_or_default()
    }
}

/// Largest amount of output captured per stream.
const CAPTURE_LIMIT: usize = 64 << 20;

impl GuestConfig {
    /// Shares `host` with the guest at `guest`.
    pub fn dir(
        mut self,
        host: impl Into<PathBuf>,
        guest: impl Into<String>,
        writable: bool,
    ) -> Self {
        self.dirs.push(SharedDir {
            host: host.into(),
            guest: guest.into(),
            writable,
        });
        self
    }

    /// A store for a new guest of `engine`, yielding every epoch tick.
    pub fn new_store(
        &self,
        engine: &Engine,
    ) -> wasmtime::Result<(Store<GuestState>, CapturedOutput)> {
        self.new_store_with(engine, None)
    }

    /// Like [`GuestConfig::new_store`], handing the guest `conn` (a
    /// connection the host accepted) as its first socket, whose number is
    /// in the guest's environment as [`CONN_FD_ENV`].
    pub fn new_store_with(
        &self,
        engine: &Engine,
        conn: Option<socket2::Socket>,
    ) -> wasmtime::Result<(Store<GuestState>, CapturedOutput)> {
        let mut pysocket = PysocketCtx::new(self.policy.clone()).with_trust_roots(
            self.trust_roots
                .clone()
                .unwrap_or_else(TrustRoots::shared_default),
        );
        let mut wasi = WasiCtxBuilder::new();
        let mut captured = CapturedOutput::default();
        if self.capture_output {
            let (out, err) = (
                MemoryOutputPipe::new(CAPTURE_LIMIT),
                MemoryOutputPipe::new(CAPTURE_LIMIT),
            );
            wasi.stdout(out.clone()).stderr(err.clone()).inherit_stdin();
            captured.stdout = Some(out);
            captured.stderr = Some(err);
        } else {
            wasi.inherit_stdio();
        }
        wasi.args(&self.args);
        if let Some(cwd) = &self.cwd {
            wasi.initial_cwd(cwd);
        }
        if self.wasi_sockets {
            wasi.inherit_network()
                .allow_tcp(true)
                .allow_udp(true)
                .allow_ip_name_lookup(true);
        }
        for (k, v) in &self.env {
            wasi.env(k, v);
        }
        if let Some(conn) = conn {
            let fd = pysocket
                .adopt_socket(conn)
                .map_err(|e| wasmtime::Error::msg(format!("handing over the connection: {e}")))?;
            wasi.env(CONN_FD_ENV, fd.to_string());
        }
        for d in &self.dirs {
            let perms = if d.writable {
                FsPerms::ReadWrite
            } else {
                FsPerms::ReadOnly
            };
            tracing::debug!(host = %d.host.display(), guest = %d.guest, writable = d.writable, "sharing a directory");
            wasi.preopened_dir(&d.host, &d.guest, perms).map_err(|e| {
                wasmtime::Error::msg(format!("sharing directory {}: {e}", d.host.display()))
            })?;
        }
        captured.memory.limit = self.max_memory;
        let state = GuestState {
            wasi: wasi.build(),
            pysocket,
            table: ResourceTable::new(),
            memory: captured.memory.clone(),
        };
        let mut store = Store::new(engine, state);
        store.limiter(|state| &mut state.memory);
        store.set_epoch_deadline(1);
        store.epoch_deadline_async_yield_and_update(1);
        Ok((store, captured))
    }
}

/// A linker with WASI p2 and pysocket.
pub fn new_linker(engine: &Engine) -> wasmtime::Result<Linker<GuestState>> {
    let mut linker = Linker::new(engine);
    wasmtime_wasi::p2::add_to_linker_async(&mut linker)?;
    crate::add_to_linker(&mut linker)?;
    Ok(linker)
}

/// The exit status a finished or failed guest call stands for: its
/// `exit(n)`, or 1 after a trap (reported on stderr in one line, not a
/// backtrace dump).
pub(crate) fn exit_status(result: wasmtime::Result<i32>, what: &str) -> i32 {
    match result {
        Ok(status) => status,
        Err(e) => match e.downcast_ref::<I32Exit>() {
            Some(exit) => exit.0,
            None => {
                eprintln!("pysocket: {what} failed: {}", e.root_cause());
                1
            }
        },
    }
}

/// Runs a `wasi:cli/run` component (`pysocket run`). Returns its exit status.
pub async fn run_command(
    engine: &Engine,
    linker: &Linker<GuestState>,
    component: &Component,
    config: &GuestConfig,
) -> wasmtime::Result<i32> {
    let runtime = CommandRuntime::new(engine, linker, component)?;
    Ok(runtime.run(config, None).await?.0)
}

/// A `wasi:cli/run` component, linked once, ready to run in any number of
/// stores (`pysocket run --instances`, `pysocket serve APP.wasm`).
pub struct CommandRuntime {
    engine: Engine,
    pre: CommandPre<GuestState>,
}

impl CommandRuntime {
    pub fn new(
        engine: &Engine,
        linker: &Linker<GuestState>,
        component: &Component,
    ) -> wasmtime::Result<Self> {
        Ok(CommandRuntime {
            engine: engine.clone(),
            pre: CommandPre::new(linker.instantiate_pre(component)?)?,
        })
    }

    /// Runs the component once in a new store under `config` (handing it
    /// `conn`, see [`GuestConfig::new_store_with`]); returns its exit
    /// status and what can be read of the run.
    pub async fn run(
        &self,
        config: &GuestConfig,
        conn: Option<socket2::Socket>,
    ) -> wasmtime::Result<(i32, CapturedOutput)> {
        let started = Instant::now();
        let (mut store, mut captured) = config.new_store_with(&self.engine, conn)?;
        captured.startup.store = started.elapsed();
        let command = self.pre.instantiate_async(&mut store).await?;
        captured.startup.instantiate = started.elapsed() - captured.startup.store;
        let run = async move {
            let result = command.wasi_cli_run().call_run(&mut store).await.map(|r| {
                if r.is_ok() {
                    0
                } else {
                    1
                }
            });
            exit_status(result, "the component")
        };
        let status = within_timeout(config.timeout, "the component", run).await;
        Ok((status, captured))
    }
}
