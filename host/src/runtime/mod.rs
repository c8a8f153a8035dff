//! Running guests: the engine (async, epoch-based yielding), the on-disk
//! cache of compiled components, the store data of one guest, the two
//! runners behind the CLI (`run` for any `wasi:cli/run` component, `python`
//! for scripts in the prebuilt Python component), and the worker threads
//! guests are spread over.

mod cache;
mod engine;
mod guest;
mod python;
mod workers;

pub use cache::{cache_dir, load_component};
pub use engine::{new_engine, EpochTicker, YIELD_INTERVAL};
pub use guest::{new_linker, run_command, GuestConfig, GuestState};
pub use python::{PythonGuest, PythonRuntime};
pub use workers::{run_on_workers, worker_count};
