//! A plain WASI 0.2 host: wasmtime and wasmtime-wasi only, with TCP, UDP
//! and name lookups turned on (wasmtime-wasi 48 has them off by default)
//! and every socket address checked to be loopback (binds may also use the
//! wildcard address). It runs pysocket's Python component *composed with
//! the adapter* (`make compose`), whose only imports are WASI 0.2: the
//! proof that a pysocket guest runs on a stock host.
//!
//! The component exports `pysocket:socket/script` (see `wit/world.wit`);
//! [`run_script`] calls its `run` the way `pysocket python SCRIPT` does,
//! with the stdlib at `/python` and the script's directory shared read-only
//! at its own path. [`run_command`] runs any other composed component that
//! is a `wasi:cli/command` (the Rust guest of `examples/rust-guest`, say),
//! as `wasmtime run` would.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use wasmtime::component::{Component, Linker, ResourceTable};
use wasmtime::{Config, Engine, Store};
use wasmtime_wasi::p2::bindings::Command;
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;
use wasmtime_wasi::sockets::SocketAddrUse;
use wasmtime_wasi::{FsPerms, I32Exit, WasiCtx, WasiCtxBuilder, WasiCtxView, WasiView};

wasmtime::component::bindgen!({
    path: "../../wit",
    inline: "
        package pysocket:plain-host;
        /// What the composed Python component exports (its imports are WASI).
        world composed {
            export pysocket:socket/script@0.2.0;
        }
    ",
    world: "pysocket:plain-host/composed",
    exports: { default: async },
});

use exports::pysocket::socket::script::{InterpreterOptions, Invocation, Program};

/// Where componentize-py's interpreter finds its stdlib.
pub const STDLIB_GUEST_PATH: &str = "/python";

/// Captured output is cut at this many bytes.
const CAPTURE_LIMIT: usize = 16 << 20;

/// The store data: WASI and its resource table, nothing else.
pub struct PlainState {
    wasi: WasiCtx,
    table: ResourceTable,
}

impl WasiView for PlainState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

/// What a run printed and its exit status.
#[derive(Debug)]
pub struct Outcome {
    pub status: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Outcome {
    /// `status` and what the pipes captured (empty if output was inherited).
    fn of(status: i32, out: &MemoryOutputPipe, err: &MemoryOutputPipe) -> Outcome {
        let text = |p: &MemoryOutputPipe| String::from_utf8_lossy(&p.contents()).into_owned();
        Outcome {
            status,
            stdout: text(out),
            stderr: text(err),
        }
    }
}

/// Loopback for every use; the wildcard address for binds (and for a
/// listen on a socket bound to it) too.
fn loopback_only(addr: SocketAddr, usage: SocketAddrUse) -> bool {
    let ip = addr.ip();
    let bind = matches!(
        usage,
        SocketAddrUse::TcpBind | SocketAddrUse::TcpListen | SocketAddrUse::UdpBind
    );
    ip.is_loopback() || (bind && ip.is_unspecified())
}

/// TCP, UDP and name lookups on, every address checked by [`loopback_only`].
fn loopback_network(wasi: &mut WasiCtxBuilder) -> &mut WasiCtxBuilder {
    wasi.allow_tcp(true)
        .allow_udp(true)
        .allow_ip_name_lookup(true)
        .socket_addr_check(|addr, usage| Box::pin(async move { loopback_only(addr, usage) }))
}

/// An engine for the component (component model, optimised code).
pub fn engine() -> wasmtime::Result<Engine> {
    let mut config = Config::new();
    config.wasm_component_model(true);
    config.cranelift_opt_level(wasmtime::OptLevel::Speed);
    Engine::new(&config)
}

/// The names a component imports (`wasi:sockets/tcp@0.2.12`, ...).
pub fn imports(engine: &Engine, component: &Component) -> Vec<String> {
    component
        .component_type()
        .imports(engine)
        .map(|(name, _)| name.to_string())
        .collect()
}

/// What composition must give: a component that imports `wasi:sockets`
/// and nothing but `wasi:*` (so any WASI 0.2 host can run it). The error
/// says which imports break that.
pub fn check_imports_only_wasi(engine: &Engine, component: &Component) -> Result<(), String> {
    let names = imports(engine, component);
    if !names.iter().any(|n| n.starts_with("wasi:sockets/tcp@")) {
        return Err(format!("no wasi:sockets import: {names:?}"));
    }
    let foreign: Vec<_> = names.iter().filter(|n| !n.starts_with("wasi:")).collect();
    if !foreign.is_empty() {
        return Err(format!("non-WASI imports: {foreign:?}"));
    }
    Ok(())
}

/// One Python program for the composed component.
pub struct Run<'a> {
    pub component: &'a Component,
    /// The unpacked stdlib (`build/stdlib`).
    pub stdlib: &'a Path,
    /// The script, an absolute host path (shared with its directory).
    pub script: &'a Path,
    /// `sys.argv[1:]`.
    pub args: Vec<String>,
    /// Capture stdout/stderr instead of inheriting them.
    pub capture: bool,
    /// A host directory shared read-write at `/tmp`, if any.
    pub tmp: Option<&'a Path>,
    /// The guest's environment.
    pub env: Vec<(String, String)>,
}

/// Runs `run.script` in a fresh instance; `Outcome::status` is python3's
/// exit status.
pub async fn run_script(engine: &Engine, run: Run<'_>) -> wasmtime::Result<Outcome> {
    let script = run.script.canonicalize()?;
    let dir: PathBuf = script
        .parent()
        .ok_or_else(|| wasmtime::Error::msg(format!("{} has no directory", script.display())))?
        .to_path_buf();
    let script_text = script.to_string_lossy().into_owned();
    let dir_text = dir.to_string_lossy().into_owned();

    let mut wasi = WasiCtxBuilder::new();
    let (out, err) = (
        MemoryOutputPipe::new(CAPTURE_LIMIT),
        MemoryOutputPipe::new(CAPTURE_LIMIT),
    );
    if run.capture {
        wasi.stdout(out.clone()).stderr(err.clone());
    } else {
        wasi.inherit_stdout().inherit_stderr();
    }
    wasi.args(
        &std::iter::once(script_text.clone())
            .chain(run.args.iter().cloned())
            .collect::<Vec<_>>(),
    );
    loopback_network(&mut wasi)
        .preopened_dir(run.stdlib, STDLIB_GUEST_PATH, FsPerms::ReadOnly)?
        .preopened_dir(&dir, &dir_text, FsPerms::ReadOnly)?;
    if let Some(tmp) = run.tmp {
        wasi.preopened_dir(tmp, "/tmp", FsPerms::ReadWrite)?;
    }
    for (k, v) in &run.env {
        wasi.env(k, v);
    }
    let (mut store, linker) = store_and_linker(engine, &mut wasi)?;
    let instance = Composed::instantiate_async(&mut store, run.component, &linker).await?;
    let invocation = Invocation {
        program: Program::Script(script_text),
        args: run.args,
        cwd: dir_text,
        path: Vec::new(),
        options: InterpreterOptions {
            unbuffered: false,
            isolated: false,
            ignore_environment: false,
            safe_path: false,
            dont_write_bytecode: true,
            quiet: true,
            inspect: false,
            warn_options: Vec::new(),
            x_options: Vec::new(),
        },
        // CPython's default, what sys.getswitchinterval() reports (this host
        // does not preempt guests: one guest per run).
        switch_interval: 0.005,
    };
    let result = instance
        .pysocket_socket_script()
        .call_run(&mut store, &invocation)
        .await;
    let status = exit_status(result.map(i32::from))?;
    Ok(Outcome::of(status, &out, &err))
}

/// Runs a composed `wasi:cli/command` component in a fresh instance with
/// `args` as its argv (`args[0]` is the program's name) and its output
/// captured; no directory is shared. `Outcome::status` is 0 when `run`
/// returns `ok`, 1 when it returns `err`, or the status the guest exited
/// with.
pub async fn run_command(
    engine: &Engine,
    component: &Component,
    args: &[String],
) -> wasmtime::Result<Outcome> {
    let (out, err) = (
        MemoryOutputPipe::new(CAPTURE_LIMIT),
        MemoryOutputPipe::new(CAPTURE_LIMIT),
    );
    let mut wasi = WasiCtxBuilder::new();
    wasi.stdout(out.clone()).stderr(err.clone()).args(args);
    loopback_network(&mut wasi);
    let (mut store, linker) = store_and_linker(engine, &mut wasi)?;
    let command = Command::instantiate_async(&mut store, component, &linker).await?;
    let result = command.wasi_cli_run().call_run(&mut store).await;
    let status = exit_status(result.map(|r| if r.is_ok() { 0 } else { 1 }))?;
    Ok(Outcome::of(status, &out, &err))
}

/// A store holding `wasi` and a linker with WASI 0.2 alone.
fn store_and_linker(
    engine: &Engine,
    wasi: &mut WasiCtxBuilder,
) -> wasmtime::Result<(Store<PlainState>, Linker<PlainState>)> {
    let store = Store::new(
        engine,
        PlainState {
            wasi: wasi.build(),
            table: ResourceTable::new(),
        },
    );
    let mut linker: Linker<PlainState> = Linker::new(engine);
    wasmtime_wasi::p2::add_to_linker_async(&mut linker)?;
    Ok((store, linker))
}

/// The process status of a run: what the export returned, or the status
/// the guest exited with (`wasi:cli/exit`); other traps are errors.
fn exit_status(result: wasmtime::Result<i32>) -> wasmtime::Result<i32> {
    match result {
        Ok(status) => Ok(status),
        Err(e) => match e.downcast_ref::<I32Exit>() {
            Some(exit) => Ok(exit.0),
            None => Err(e),
        },
    }
}
