//! Running guests: the engine (async, epoch-based yielding), the on-disk
//! cache of compiled components, the store data of one guest, the two
//! runners behind the CLI (`run` for any `wasi:cli/run` component, `python`
//! for programs in the prebuilt Python component, with `layout` deciding
//! what such a guest sees of the file system), and the worker threads
//! guests are spread over.

mod cache;
mod engine;
mod guest;
pub mod layout;
mod python;
mod workers;

pub use cache::{cache_dir, load_component, load_component_with, CompileProgress};
pub use engine::{
    new_engine, new_engine_with, Allocator, EngineOptions, EpochTicker, YIELD_INTERVAL,
};
pub use guest::{
    new_linker, run_command, CapturedOutput, CommandRuntime, GuestConfig, GuestState, SharedDir,
    StartupTimes, CONN_FD_ENV, DEFAULT_MAX_MEMORY, TIMEOUT_STATUS,
};
pub use layout::PROJECT_PACKAGES;
pub use python::{InterpreterOptions, Program, PythonGuest, PythonRuntime, STDLIB_GUEST_PATH};
pub use workers::{run_on_workers, worker_count};
