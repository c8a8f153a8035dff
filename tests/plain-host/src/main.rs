//! A plain WASI 0.2 host (wasmtime-wasi alone, loopback only) for
//! components composed with pysocket's adapter (`make compose`):
//!
//! - `pysocket-plain-host COMPOSED.wasm STDLIB_DIR SCRIPT.py [ARGS...]` runs
//!   a Python script in pysocket's Python component;
//! - `pysocket-plain-host --command COMPOSED.wasm [ARGS...]` runs any other
//!   `wasi:cli/command` component (such as the Rust guest), as `wasmtime run`
//!   would, and prints what it wrote once it has finished.
//!
//! Exits with the program's status.

use pysocket_plain_host::{engine, run_command, run_script, Run};
use std::io::Write;
use std::path::Path;
use wasmtime::component::Component;

const USAGE: &str =
    "usage: pysocket-plain-host COMPOSED.wasm STDLIB_DIR SCRIPT.py [ARGS...]\n       \
                     pysocket-plain-host --command COMPOSED.wasm [ARGS...]";

#[tokio::main(flavor = "current_thread")]
async fn main() -> wasmtime::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let engine = engine()?;
    let status = match args.as_slice() {
        [flag, component, rest @ ..] if flag == "--command" => {
            let component = Component::from_file(&engine, component)?;
            let argv: Vec<String> = std::iter::once("app".to_string())
                .chain(rest.iter().cloned())
                .collect();
            let outcome = run_command(&engine, &component, &argv).await?;
            std::io::stdout().write_all(outcome.stdout.as_bytes())?;
            std::io::stderr().write_all(outcome.stderr.as_bytes())?;
            outcome.status
        }
        [component, stdlib, script, rest @ ..] => {
            let component = Component::from_file(&engine, component)?;
            run_script(
                &engine,
                Run {
                    component: &component,
                    stdlib: Path::new(stdlib),
                    script: Path::new(script),
                    args: rest.to_vec(),
                    capture: false,
                    tmp: None,
                    env: Vec::new(),
                },
            )
            .await?
            .status
        }
        _ => {
            eprintln!("{USAGE}");
            2
        }
    };
    std::process::exit(status);
}
