//! `pysocket python`: one guest per program on the command line (`--and`
//! separates them), all in pysocket's prebuilt Python component.

use crate::cli::PythonArgs;
use crate::failure::Failure;
use crate::guest_options::guest_config;
use crate::many::{self, first_failure, instance_configs, report_startups, summary};
use crate::progress::CompileNotice;
use crate::python_cmdline::{self, Request};
use pysocket_host::runtime::{run_on_workers, worker_count, Program, PythonGuest, PythonRuntime};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

/// The separator between guests' command lines.
const AND: &str = "--and";

/// What to do for the command line: run the guests, or print `python`'s
/// help (asked for with python3's `-h` after pysocket's options).
pub enum Plan {
    Guests(Vec<PythonGuest>),
    Help,
}

/// Turns the command line into guests (checking every part before anything
/// is compiled or run).
pub fn plan(args: &PythonArgs) -> Result<Plan, Failure> {
    let config = guest_config(&args.guest)?;
    let mut guests = Vec::new();
    for (index, part) in args.python.split(|a| a == AND).enumerate() {
        if part.is_empty() && index > 0 {
            return Err(Failure::usage(format!(
                "{AND} needs a program after it (a script, -c CMD, -m MOD or -)"
            )));
        }
        let (program, program_args, options) =
            match python_cmdline::parse(part).map_err(Failure::usage)? {
                Request::Help => return Ok(Plan::Help),
                Request::Version(level) => {
                    let version = if level > 1 {
                        "sys.version"
                    } else {
                        "sys.version.split()[0]"
                    };
                    let code = format!("import sys; print('Python', {version})");
                    (Program::Command(code), vec![], Default::default())
                }
                Request::Run {
                    program,
                    args,
                    options,
                } => (program, args, options),
            };
        let guest = PythonGuest {
            options,
            import_paths: args.component.import_paths.clone(),
            ..PythonGuest::new(program, program_args, config.clone())
        };
        if let Program::Script(path) = &guest.program {
            if let Err(e) = std::fs::metadata(path) {
                return Err(Failure::usage(format!(
                    "can't open file '{}': {e}",
                    path.display()
                )));
            }
        }
        guest
            .layout()
            .map_err(|e| Failure::usage(format!("{e:#}")))?;
        guests.push(guest);
    }
    Ok(Plan::Guests(guests))
}

/// Runs the guests; the exit status is the first non-zero one, else 0.
pub fn run(args: &PythonArgs, guests: Vec<PythonGuest>) -> Result<ExitCode, Failure> {
    let wasm = args.component.wasm();
    let stdlib = args.component.stdlib_dir();
    if !wasm.is_file() {
        return Err(Failure::runtime(format!(
            "no Python component at {} (build it with `make build`, or give \
             --python-wasm PATH)",
            wasm.display()
        )));
    }
    if !stdlib.is_dir() {
        return Err(Failure::runtime(format!(
            "no standard library at {} (build it with `make build`, or give \
             --stdlib DIR)",
            stdlib.display()
        )));
    }
    let guests: Vec<PythonGuest> = match args.instances {
        None => guests,
        Some(n) => guests
            .iter()
            .flat_map(|g| {
                instance_configs(&g.config, n.get())
                    .into_iter()
                    .map(|config| PythonGuest {
                        config,
                        ..g.clone()
                    })
            })
            .collect(),
    };
    let timings = args.guest.timings;
    let started = Instant::now();
    let host = many::host(&args.host, guests.len())?;
    let mut python =
        PythonRuntime::with_progress(&host.engine, &wasm, &stdlib, &mut CompileNotice::default())
            .map_err(|e| Failure::runtime(format!("{}: {e:#}", wasm.display())))?;
    python.set_switch_interval(host.switch_interval);
    if timings {
        eprintln!(
            "pysocket: Python component ready in {:.3}s ({})",
            started.elapsed().as_secs_f64(),
            if python.from_cache {
                "from the compile cache"
            } else {
                "compiled, now cached"
            }
        );
    }
    let python = Arc::new(python);
    let workers = args
        .guest
        .workers
        .map_or_else(|| worker_count(guests.len()), |n| n.get());
    tracing::debug!(guests = guests.len(), workers, "starting");
    let mut startups = Vec::new();
    let statuses: Vec<u8> = run_on_workers(guests, workers, move |g| {
        let python = python.clone();
        async move {
            let began = Instant::now();
            python.run(&g).await.map(|(status, out)| {
                let startup = out.startup;
                (status, startup, began.elapsed())
            })
        }
    })
    .into_iter()
    .enumerate()
    .map(|(index, done)| {
        let status = match done {
            Ok(Ok((status, startup, took))) => {
                startups.push((
                    startup,
                    took.saturating_sub(startup.store + startup.instantiate),
                ));
                (status & 0xFF) as u8
            }
            Ok(Err(e)) => {
                eprintln!("pysocket: {e:#}");
                1
            }
            Err(e) => {
                eprintln!("pysocket: {e}");
                1
            }
        };
        tracing::debug!(guest = index, status, "guest finished");
        status
    })
    .collect();
    if timings {
        report_startups(&startups);
        eprintln!("pysocket: total {:.3}s", started.elapsed().as_secs_f64());
    }
    if args.instances.is_some() {
        eprintln!("pysocket: {}", summary(&statuses));
    }
    Ok(ExitCode::from(first_failure(&statuses)))
}
