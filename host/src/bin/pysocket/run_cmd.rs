//! `pysocket run APP.wasm`: any `wasi:cli/run` component, with WASI 0.2 and
//! pysocket linked.

use crate::cli::RunArgs;
use crate::failure::Failure;
use crate::guest_options::guest_config;
use crate::progress::CompileNotice;
use pysocket_host::runtime::{
    load_component_with, new_engine, new_linker, run_command, EpochTicker,
};
use std::process::ExitCode;
use std::time::Instant;

/// Runs the component to completion; its exit status is the process's.
pub fn run(args: &RunArgs) -> Result<ExitCode, Failure> {
    let mut config = guest_config(&args.guest)?;
    let app = &args.app;
    if !app.is_file() {
        return Err(Failure::usage(format!("no component at {}", app.display())));
    }
    config.args = std::iter::once(app.to_string_lossy().into_owned())
        .chain(args.args.iter().cloned())
        .collect();
    let started = Instant::now();
    let engine = new_engine().map_err(|e| Failure::runtime(format!("{e:#}")))?;
    let _ticker = EpochTicker::start(&engine);
    let (component, cached) = load_component_with(&engine, app, &mut CompileNotice::default())
        .map_err(|e| Failure::runtime(format!("{}: {e:#}", app.display())))?;
    let linker = new_linker(&engine).map_err(|e| Failure::runtime(format!("{e:#}")))?;
    if args.guest.timings {
        eprintln!(
            "pysocket: loaded {} in {:?} ({})",
            app.display(),
            started.elapsed(),
            if cached { "cached" } else { "compiled" }
        );
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::runtime(format!("starting tokio: {e}")))?;
    let status = runtime
        .block_on(run_command(&engine, &linker, &component, &config))
        .map_err(|e| Failure::runtime(format!("{e:#}")))?;
    Ok(ExitCode::from((status & 0xFF) as u8))
}
