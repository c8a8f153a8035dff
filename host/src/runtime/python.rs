//! Python programs in pysocket's prebuilt Python component
//! (`pysocket python`): python3's program forms (`SCRIPT.py`, `-c`, `-m`,
//! `-`, the console) and the interpreter options a guest can honour.
//!
//! The host decides what the guest may see ([`super::layout`]) and hands
//! the component an `invocation` (see `script` in `wit/world.wit`); the
//! guest (`guest/python/pysocket_script.py`) sets `sys.argv`, `sys.path`
//! and `__main__` the way python3 does for that form.

use super::cache::{load_component_with, CompileProgress};
use super::guest::{
    exit_status, new_linker, within_timeout, CapturedOutput, GuestConfig, GuestState,
};
use super::layout::{self, Entry, Layout};
use crate::bindings::exports::pysocket::socket::script;
use crate::bindings::{Python, PythonPre};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use wasmtime::Engine;

/// Where the stdlib is mounted in the guest (componentize-py's PYTHONHOME).
pub const STDLIB_GUEST_PATH: &str = "/python";

/// The prebuilt Python component, compiled and linked once, ready to run
/// any number of programs, each in its own store.
pub struct PythonRuntime {
    engine: Engine,
    pre: PythonPre<GuestState>,
    stdlib: PathBuf,
    /// What the guests' `sys.getswitchinterval()` reports: the epoch tick
    /// of the engine's ticker (see [`super::EpochTicker::every`]).
    switch_interval: Duration,
    /// Whether the compiled component came from the disk cache.
    pub from_cache: bool,
}

/// What `__main__` runs: the program forms of python3's command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Program {
    /// `python3 SCRIPT`: a host path, relative to the working directory
    /// unless absolute.
    Script(PathBuf),
    /// `python3 -c COMMAND`.
    Command(String),
    /// `python3 -m MODULE`.
    Module(String),
    /// `python3 -`: the program is read from stdin.
    Stdin,
    /// `python3` alone: the interactive console when stdin is a terminal,
    /// else the program is read from stdin (the guest decides, as python3).
    StdinOrConsole,
}

/// python3's interpreter options that a guest honours (see the `script`
/// interface in `wit/world.wit` for each one's meaning there).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InterpreterOptions {
    /// `-u`
    pub unbuffered: bool,
    /// `-I`
    pub isolated: bool,
    /// `-E`
    pub ignore_environment: bool,
    /// `-P`
    pub safe_path: bool,
    /// `-B`
    pub dont_write_bytecode: bool,
    /// `-q`
    pub quiet: bool,
    /// `-i`
    pub inspect: bool,
    /// `-W` options, in order.
    pub warn_options: Vec<String>,
    /// `-X` options, in order (`NAME` or `NAME=VALUE`).
    pub x_options: Vec<String>,
}

/// One program to run in its own guest.
#[derive(Debug, Clone)]
pub struct PythonGuest {
    pub program: Program,
    /// `sys.argv[1:]`.
    pub args: Vec<String>,
    pub options: InterpreterOptions,
    /// Directories to share read-only and put on `sys.path` (`--path`).
    pub import_paths: Vec<PathBuf>,
    /// The host directory whose guest path is the guest's working
    /// directory when it is visible (default: the process's).
    pub cwd: Option<PathBuf>,
    pub config: GuestConfig,
}

impl PythonGuest {
    /// `python3 SCRIPT ARGS...` with default options.
    pub fn script(script: impl Into<PathBuf>, args: Vec<String>, config: GuestConfig) -> Self {
        PythonGuest::new(Program::Script(script.into()), args, config)
    }

    /// `program` with `args` and default options.
    pub fn new(program: Program, args: Vec<String>, config: GuestConfig) -> Self {
        PythonGuest {
            program,
            args,
            options: InterpreterOptions::default(),
            import_paths: Vec::new(),
            cwd: None,
            config,
        }
    }

    /// The guest's `PYTHONPATH` if the guest will honour it.
    fn pythonpath(&self) -> Option<&str> {
        if self.options.isolated || self.options.ignore_environment {
            return None;
        }
        self.config
            .env
            .iter()
            .rev()
            .find(|(k, _)| k == "PYTHONPATH")
            .map(|(_, v)| v.as_str())
    }

    /// Plans what the guest sees (shares, working directory, paths).
    pub fn layout(&self) -> wasmtime::Result<Layout> {
        let cwd = match &self.cwd {
            Some(dir) => dir.clone(),
            None => std::env::current_dir()
                .map_err(|e| wasmtime::Error::msg(format!("the current directory: {e}")))?,
        };
        let host_cwd = cwd.canonicalize().map_err(|e| {
            wasmtime::Error::msg(format!("the current directory {}: {e}", cwd.display()))
        })?;
        let entry = match &self.program {
            Program::Script(path) => Entry::Script(path),
            _ => Entry::WorkingDirectory,
        };
        let plan = layout::plan(&layout::Request {
            shared: &self.config.dirs,
            host_cwd: &host_cwd,
            entry,
            import_paths: &self.import_paths,
            pythonpath: self.pythonpath(),
            project_packages: !self.options.isolated,
        })?;
        Ok(plan)
    }
}

impl From<&InterpreterOptions> for script::InterpreterOptions {
    fn from(o: &InterpreterOptions) -> Self {
        script::InterpreterOptions {
            unbuffered: o.unbuffered,
            isolated: o.isolated,
            ignore_environment: o.ignore_environment,
            safe_path: o.safe_path,
            dont_write_bytecode: o.dont_write_bytecode,
            quiet: o.quiet,
            inspect: o.inspect,
            warn_options: o.warn_options.clone(),
            x_options: o.x_options.clone(),
        }
    }
}

impl PythonRuntime {
    /// Loads (from cache, or compiles) `component` and links it.
    /// `stdlib` is the unpacked CPython standard library.
    pub fn new(engine: &Engine, component: &Path, stdlib: &Path) -> wasmtime::Result<Self> {
        Self::with_progress(engine, component, stdlib, &mut ())
    }

    /// Like [`PythonRuntime::new`], telling `progress` when a compile starts
    /// and ends (it takes seconds; a cached component loads in milliseconds).
    pub fn with_progress(
        engine: &Engine,
        component: &Path,
        stdlib: &Path,
        progress: &mut dyn CompileProgress,
    ) -> wasmtime::Result<Self> {
        let (component, from_cache) = load_component_with(engine, component, progress)?;
        let linker = new_linker(engine)?;
        let pre = PythonPre::new(linker.instantiate_pre(&component)?)?;
        Ok(PythonRuntime {
            engine: engine.clone(),
            pre,
            stdlib: stdlib.to_path_buf(),
            switch_interval: super::YIELD_INTERVAL,
            from_cache,
        })
    }

    /// Sets what the guests' `sys.getswitchinterval()` reports; the caller
    /// ticks the engine's epoch at that interval.
    pub fn set_switch_interval(&mut self, interval: Duration) {
        self.switch_interval = interval;
    }

    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// Runs a program to completion and returns its exit status (0-255)
    /// and, if `capture_output` was set, what it printed.
    pub async fn run(&self, guest: &PythonGuest) -> wasmtime::Result<(i32, CapturedOutput)> {
        self.run_with(guest, None).await
    }

    /// Like [`PythonRuntime::run`], handing the guest `conn` (a connection
    /// the host accepted) as a socket whose number is in the guest's
    /// environment as `PYSOCKET_CONN_FD` ([`super::CONN_FD_ENV`]).
    pub async fn run_with(
        &self,
        guest: &PythonGuest,
        conn: Option<socket2::Socket>,
    ) -> wasmtime::Result<(i32, CapturedOutput)> {
        let started = Instant::now();
        let layout = guest.layout()?;
        tracing::debug!(?layout, "guest file system");
        let program = match &guest.program {
            Program::Script(_) => {
                script::Program::Script(layout.script.clone().unwrap_or_default())
            }
            Program::Command(code) => script::Program::Command(code.clone()),
            Program::Module(name) => script::Program::Module(name.clone()),
            Program::Stdin => script::Program::Stdin,
            Program::StdinOrConsole => script::Program::StdinOrConsole,
        };
        let invocation = script::Invocation {
            program,
            args: guest.args.clone(),
            cwd: layout.cwd.clone(),
            path: layout.import_paths.clone(),
            options: (&guest.options).into(),
            switch_interval: self.switch_interval.as_secs_f64(),
        };

        let mut config = guest.config.clone();
        config.args = std::iter::once(python_argv0(&guest.program, &layout))
            .chain(guest.args.iter().cloned())
            .collect();
        config.cwd = Some(layout.cwd.clone());
        config = config.dir(&self.stdlib, STDLIB_GUEST_PATH, false);
        config.dirs.extend(layout.shares.iter().cloned());
        let (mut store, mut captured) = config.new_store_with(&self.engine, conn)?;
        captured.startup.store = started.elapsed();
        let instance: Python = self.pre.instantiate_async(&mut store).await?;
        captured.startup.instantiate = started.elapsed() - captured.startup.store;
        let what = match &guest.program {
            Program::Script(path) => path.display().to_string(),
            _ => "the Python program".to_owned(),
        };
        let run = async {
            let result = instance
                .pysocket_socket_script()
                .call_run(&mut store, &invocation)
                .await
                .map(i32::from);
            exit_status(result, &what)
        };
        let status = within_timeout(config.timeout, &what, run).await;
        Ok((status, captured))
    }
}

/// What WASI's `get-arguments` reports first (python3's `sys.argv[0]`
/// before the program runs; the guest sets `sys.argv` itself).
fn python_argv0(program: &Program, layout: &Layout) -> String {
    match program {
        Program::Script(_) => layout.script.clone().unwrap_or_default(),
        Program::Command(_) => "-c".into(),
        Program::Module(_) => "-m".into(),
        Program::Stdin => "-".into(),
        Program::StdinOrConsole => String::new(),
    }
}
