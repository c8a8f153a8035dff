//! `pysocket`: run Python (or any `wasi:cli/run` component) in WebAssembly
//! with CPython's socket API served by real host sockets.
//!
//! ```text
//! pysocket python [OPTIONS] [PYTHON]... [--and PYTHON...]...   python3's command line
//! pysocket run    [OPTIONS] APP.wasm [ARGS...]
//! pysocket serve  [OPTIONS] --listen ADDR:PORT (SCRIPT.py | -m MOD | -c CMD | APP.wasm) [ARGS...]
//! pysocket pip install --target DIR PACKAGE...
//! ```
//!
//! One module per job: `cli` (the grammar, clap), `guest_options` (options
//! to a guest configuration), `python_cmdline` (python3's own command
//! line), `python_cmd`/`run_cmd`/`serve_cmd`/`pip` (the subcommands),
//! `many` (what they share to run many guests: engine, summary), `progress` (the
//! compile notice), `logging` (`--log`), `paths` (the source tree's build
//! files), `failure` (the runner's own errors: `pysocket: ...`, status 2 for
//! usage, else 1).

mod cli;
mod failure;
mod guest_options;
mod logging;
mod many;
mod paths;
mod pip;
mod progress;
mod python_cmd;
mod python_cmdline;
mod run_cmd;
mod serve_cmd;

use clap::{CommandFactory, Parser};
use cli::{Cli, Command};
use failure::Failure;
use std::process::ExitCode;

/// Keeps freed heap memory for reuse instead of handing it back to the OS
/// on every free. Every socket call that carries data allocates a buffer
/// of up to a few MiB for the payload; with glibc's defaults, freeing one
/// trims the heap (or unmaps it) and the next call faults the pages back
/// in, zeroed: measured at 40% of the time of a bulk send.
fn tune_allocator() {
    // SAFETY: mallopt only adjusts allocator parameters; called before any
    // other thread exists.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 64 << 20);
        libc::mallopt(libc::M_TRIM_THRESHOLD, 256 << 20);
    }
}

/// Parses the command line; clap's own errors are reworded to start with
/// `pysocket:` (help and version are printed as clap prints them).
fn parse() -> Result<Cli, ExitCode> {
    Cli::try_parse().map_err(|e| {
        use clap::error::ErrorKind;
        match e.kind() {
            ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
                let _ = e.print();
                ExitCode::from(if e.exit_code() == 0 { 0 } else { 2 })
            }
            _ => {
                let text = e.render().to_string();
                let text = text.strip_prefix("error: ").unwrap_or(&text);
                eprint!("pysocket: {text}");
                ExitCode::from(2)
            }
        }
    })
}

fn python_help() {
    let mut command = Cli::command();
    if let Some(python) = command.find_subcommand_mut("python") {
        let _ = python.print_long_help();
    }
}

fn run(cli: Cli) -> Result<ExitCode, Failure> {
    match &cli.command {
        Command::Python(args) => match python_cmd::plan(args)? {
            python_cmd::Plan::Help => {
                python_help();
                Ok(ExitCode::SUCCESS)
            }
            python_cmd::Plan::Guests(guests) => python_cmd::run(args, guests),
        },
        Command::Run(args) => run_cmd::run(args),
        Command::Serve(args) => serve_cmd::run(args),
        Command::Pip(args) => pip::run(args),
    }
}

fn main() -> ExitCode {
    tune_allocator();
    let cli = match parse() {
        Ok(cli) => cli,
        Err(status) => return status,
    };
    let log_net = cli.command.guest_options().is_some_and(|o| o.log_net);
    if let Err(e) = logging::init(cli.log.as_deref(), log_net) {
        eprintln!("pysocket: {e}");
        return ExitCode::from(2);
    }
    match run(cli) {
        Ok(status) => status,
        Err(failure) => {
            eprintln!("pysocket: {}", failure.message);
            ExitCode::from(failure.status)
        }
    }
}
