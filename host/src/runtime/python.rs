//! Python scripts in pysocket's prebuilt Python component
//! (`pysocket python SCRIPT.py`).

use super::cache::load_component;
use super::guest::{exit_status, new_linker, CapturedOutput, GuestConfig, GuestState};
use crate::bindings::{Python, PythonPre};
use std::path::{Path, PathBuf};
use wasmtime::Engine;

/// Where the stdlib is mounted in the guest (componentize-py's PYTHONHOME).
pub const STDLIB_GUEST_PATH: &str = "/python";

/// The prebuilt Python component, compiled and linked once, ready to run
/// any number of scripts, each in its own store.
pub struct PythonRuntime {
    engine: Engine,
    pre: PythonPre<GuestState>,
    stdlib: PathBuf,
    /// Whether the compiled component came from the disk cache.
    pub from_cache: bool,
}

/// One script to run.
#[derive(Debug, Clone)]
pub struct PythonGuest {
    /// Host path of the script.
    pub script: PathBuf,
    /// `sys.argv[1:]`.
    pub args: Vec<String>,
    pub config: GuestConfig,
}

impl PythonRuntime {
    /// Loads (from cache, or compiles) `component` and links it.
    /// `stdlib` is the unpacked CPython standard library.
    pub fn new(engine: &Engine, component: &Path, stdlib: &Path) -> wasmtime::Result<Self> {
        let (component, from_cache) = load_component(engine, component)?;
        let linker = new_linker(engine)?;
        let pre = PythonPre::new(linker.instantiate_pre(&component)?)?;
        Ok(PythonRuntime {
            engine: engine.clone(),
            pre,
            stdlib: stdlib.to_path_buf(),
            from_cache,
        })
    }

    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// Runs a script to completion and returns its exit status and, if
    /// `capture_output` was set, what it printed.
    pub async fn run(&self, guest: &PythonGuest) -> wasmtime::Result<(i32, CapturedOutput)> {
        let script = guest
            .script
            .canonicalize()
            .map_err(|e| wasmtime::Error::msg(format!("{}: {e}", guest.script.display())))?;
        let script_dir = script.parent().unwrap_or(Path::new("/")).to_path_buf();
        let script_guest = script.to_string_lossy().into_owned();
        let mut argv = vec![script_guest.clone()];
        argv.extend(guest.args.iter().cloned());

        let mut config = guest.config.clone();
        config.args = argv.clone();
        config = config.dir(&self.stdlib, STDLIB_GUEST_PATH, false).dir(
            &script_dir,
            script_dir.to_string_lossy().into_owned(),
            false,
        );
        let (mut store, captured) = config.new_store(&self.engine)?;
        let instance: Python = self.pre.instantiate_async(&mut store).await?;
        let result = instance
            .pysocket_socket_script()
            .call_run(&mut store, &argv)
            .await;
        Ok((exit_status(result, &script_guest), captured))
    }
}
