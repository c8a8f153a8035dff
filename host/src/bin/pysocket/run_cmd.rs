//! `pysocket run APP.wasm`: any `wasi:cli/run` component, with WASI 0.2 and
//! pysocket linked; `--instances N` runs N of it at once from one
//! `InstancePre`.

use crate::cli::RunArgs;
use crate::failure::Failure;
use crate::guest_options::guest_config;
use crate::many::{self, first_failure, instance_configs, report_startups, summary};
use crate::progress::CompileNotice;
use pysocket_host::runtime::{
    load_component_with, new_linker, run_on_workers, worker_count, CommandRuntime,
};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

/// Runs the component (each instance) to completion; the exit status is
/// the first non-zero one of the instances, else 0.
pub fn run(args: &RunArgs) -> Result<ExitCode, Failure> {
    let mut config = guest_config(&args.guest)?;
    let app = &args.app;
    if !app.is_file() {
        return Err(Failure::usage(format!("no component at {}", app.display())));
    }
    config.args = std::iter::once(app.to_string_lossy().into_owned())
        .chain(args.args.iter().cloned())
        .collect();
    let configs = match args.instances {
        None => vec![config],
        Some(n) => instance_configs(&config, n.get()),
    };
    let started = Instant::now();
    let host = many::host(&args.host, configs.len())?;
    let (component, cached) = load_component_with(&host.engine, app, &mut CompileNotice::default())
        .map_err(|e| Failure::runtime(format!("{}: {e:#}", app.display())))?;
    let linker = new_linker(&host.engine).map_err(|e| Failure::runtime(format!("{e:#}")))?;
    let runtime = CommandRuntime::new(&host.engine, &linker, &component)
        .map_err(|e| Failure::runtime(format!("{}: {e:#}", app.display())))?;
    if args.guest.timings {
        eprintln!(
            "pysocket: loaded {} in {:?} ({})",
            app.display(),
            started.elapsed(),
            if cached { "cached" } else { "compiled" }
        );
    }
    let runtime = Arc::new(runtime);
    let workers = args
        .guest
        .workers
        .map_or_else(|| worker_count(configs.len()), |n| n.get());
    let mut startups = Vec::new();
    let statuses: Vec<u8> = run_on_workers(configs, workers, move |config| {
        let runtime = runtime.clone();
        async move {
            let began = Instant::now();
            runtime
                .run(&config, None)
                .await
                .map(|(status, out)| (status, out.startup, began.elapsed()))
        }
    })
    .into_iter()
    .map(|done| match done {
        Ok(Ok((status, startup, took))) => {
            startups.push((
                startup,
                took.saturating_sub(startup.store + startup.instantiate),
            ));
            (status & 0xFF) as u8
        }
        Ok(Err(e)) => {
            eprintln!("pysocket: {}: {e:#}", app.display());
            1
        }
        Err(e) => {
            eprintln!("pysocket: {e}");
            1
        }
    })
    .collect();
    if args.guest.timings {
        report_startups(&startups);
    }
    if args.instances.is_some() {
        eprintln!("pysocket: {}", summary(&statuses));
    }
    Ok(ExitCode::from(first_failure(&statuses)))
}
