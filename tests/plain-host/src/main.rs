//! `pysocket-plain-host COMPOSED.wasm STDLIB_DIR SCRIPT.py [ARGS...]`: runs
//! a Python script in pysocket's Python component composed with the adapter
//! (`make compose`), on wasmtime-wasi alone, loopback only. Exits with the
//! script's status.

use pysocket_plain_host::{engine, run_script, Run};
use std::path::Path;
use wasmtime::component::Component;

#[tokio::main(flavor = "current_thread")]
async fn main() -> wasmtime::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [component, stdlib, script, rest @ ..] = args.as_slice() else {
        eprintln!("usage: pysocket-plain-host COMPOSED.wasm STDLIB_DIR SCRIPT.py [ARGS...]");
        std::process::exit(2);
    };
    let engine = engine()?;
    let component = Component::from_file(&engine, component)?;
    let outcome = run_script(
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
    .await?;
    std::process::exit(outcome.status);
}
