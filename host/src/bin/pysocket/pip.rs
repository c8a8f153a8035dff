//! `pysocket pip install --target DIR PACKAGE...`: the host's pip, told to
//! take only wheels a WebAssembly guest can run (pure Python), and a plain
//! explanation when a package has none. Without `--target`, packages go to
//! the project's `__pypackages__/3.14/lib` in the working directory, where
//! `pysocket python` finds them by itself.
//!
//! pip does the resolving and downloading; pysocket adds the target
//! platform options and, when pip finds nothing, reads pip's verbose log
//! (`--log`) to say why: only wheels with native code (tags such as
//! `cp314-cp314-manylinux_2_17_x86_64`), or only a source distribution.

use crate::cli::PipArgs;
use crate::failure::Failure;
use crate::paths::pip_python;
use pysocket_host::runtime::PROJECT_PACKAGES;
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, ExitCode, Stdio};

/// What makes pip choose wheels for the guest: any platform, pure Python,
/// the guest's Python version, binaries only (nothing is built).
const GUEST_TARGET: &[&str] = &[
    "--platform",
    "any",
    "--only-binary=:all:",
    "--python-version",
    "3.14",
    "--implementation",
    "py",
    "--abi",
    "none",
];

/// Options pysocket sets itself and a user may not override.
const OWN_OPTIONS: &[&str] = &[
    "--platform",
    "--python-version",
    "--implementation",
    "--abi",
    "--no-binary",
    "--only-binary",
];

fn option_name(arg: &str) -> &str {
    arg.split_once('=').map_or(arg, |(name, _)| name)
}

fn has_target(args: &[String]) -> bool {
    args.iter()
        .any(|a| option_name(a) == "--target" || (a.starts_with("-t") && !a.starts_with("--")))
}

/// Runs `pip install` for the guest; the exit status is pip's.
pub fn run(args: &PipArgs) -> Result<ExitCode, Failure> {
    let (command, rest) = args
        .args
        .split_first()
        .ok_or_else(|| Failure::usage("pip needs `install`"))?;
    if command != "install" {
        return Err(Failure::usage(format!(
            "pip {command}: only `pysocket pip install --target DIR PACKAGE...` is \
             supported (use the host's pip for anything else)"
        )));
    }
    if let Some(own) = rest.iter().find(|a| OWN_OPTIONS.contains(&option_name(a))) {
        return Err(Failure::usage(format!(
            "pip install {own}: pysocket sets it itself ({})",
            GUEST_TARGET.join(" ")
        )));
    }
    let help = rest.iter().any(|a| a == "-h" || a == "--help");
    let default_target = (!has_target(rest) && !help).then_some(PROJECT_PACKAGES);
    if let Some(dir) = default_target {
        eprintln!(
            "pysocket: installing into ./{dir}, where `pysocket python` finds packages by \
             itself (next to a script, or in the working directory for -c, -m and the \
             console); give --target DIR for another place"
        );
    }
    let python = pip_python();
    let log = std::env::temp_dir().join(format!("pysocket-pip-{}.log", std::process::id()));
    let mut pip = Command::new(&python);
    pip.args(["-m", "pip", "install", "--disable-pip-version-check"])
        .args(GUEST_TARGET)
        .arg("--log")
        .arg(&log)
        .args(default_target.iter().flat_map(|dir| ["--target", dir]))
        .args(rest)
        .stdin(Stdio::null())
        .stderr(Stdio::piped());
    tracing::debug!(?pip, "running pip");
    let mut child = pip.spawn().map_err(|e| {
        Failure::runtime(format!(
            "cannot run {}: {e} (install Python 3 with pip, run `make setup` in \
             pysocket's source tree, or set PYSOCKET_PIP_PYTHON)",
            python.display()
        ))
    })?;
    // pip's messages go on to the user as they come; a copy is kept.
    let mut said = String::new();
    if let Some(stderr) = child.stderr.take() {
        let mut out = std::io::stderr();
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = writeln!(out, "{line}");
            said.push_str(&line);
            said.push('\n');
        }
    }
    let status = child
        .wait()
        .map_err(|e| Failure::runtime(format!("waiting for pip: {e}")))?;
    let verbose = std::fs::read_to_string(&log).unwrap_or_default();
    let _ = std::fs::remove_file(&log);
    if status.success() {
        return Ok(ExitCode::SUCCESS);
    }
    if said.contains("No module named pip") {
        eprintln!(
            "pysocket: {} has no pip: install it (Debian: apt-get install python3-pip), \
             run `make setup` in pysocket's source tree, or set PYSOCKET_PIP_PYTHON \
             to a Python that has pip",
            python.display()
        );
    }
    for message in diagnose(&said, &verbose) {
        eprintln!("pysocket: {message}");
    }
    Ok(ExitCode::from(
        status.code().map_or(1, |c| (c & 0xFF) as u8),
    ))
}

/// PEP 503's normalised project name.
fn normalize(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        let c = c.to_ascii_lowercase();
        if matches!(c, '-' | '_' | '.') {
            if !out.ends_with('-') {
                out.push('-');
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// The project a requirement names (`requests>=2[security]` -> requests).
fn requirement_project(requirement: &str) -> String {
    let end = requirement
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
        .unwrap_or(requirement.len());
    normalize(&requirement[..end])
}

/// The file name at the end of a link (`.../x-1.0-py3-none-any.whl#sha256=...
/// (from https://pypi.org/simple/x/)`).
fn link_file(link: &str) -> &str {
    let link = link.split_whitespace().next().unwrap_or(link);
    let link = link.split('#').next().unwrap_or(link);
    link.rsplit('/').next().unwrap_or(link)
}

/// What pip skipped for one project.
#[derive(Default)]
struct Skipped {
    native_wheels: Vec<String>,
    source_only: Vec<String>,
}

/// Explains each requirement pip found nothing for, from pip's verbose log.
fn diagnose(said: &str, verbose: &str) -> Vec<String> {
    // Indexes list files oldest first: the last one is the example given.
    let mut skipped: BTreeMap<String, Skipped> = BTreeMap::new();
    for line in verbose.lines() {
        let Some((_, what)) = line.split_once("Skipping link: ") else {
            continue;
        };
        let Some((reason, link)) = what.rsplit_once(": ") else {
            continue;
        };
        let file = link_file(link).to_owned();
        let project = normalize(file.split('-').next().unwrap_or_default());
        if reason.starts_with("none of the wheel's tags") {
            skipped.entry(project).or_default().native_wheels.push(file);
        } else if reason.starts_with("No sources permitted") {
            skipped.entry(project).or_default().source_only.push(file);
        }
    }
    let mut messages = Vec::new();
    for line in said.lines() {
        let Some(requirement) = line
            .split_once("No matching distribution found for ")
            .map(|(_, r)| r.trim())
        else {
            continue;
        };
        let project = requirement_project(requirement);
        let found = skipped.get(&project);
        let message = match found {
            Some(s) if !s.native_wheels.is_empty() => format!(
                "{requirement} cannot run in a guest: it has only wheels with native \
                 code (such as {}), and a WebAssembly guest can load pure-Python code \
                 only (wheels tagged py3-none-any). Look for a pure-Python alternative \
                 or release.",
                s.native_wheels[s.native_wheels.len() - 1]
            ),
            Some(s) if !s.source_only.is_empty() => format!(
                "{requirement} has no wheel, only a source distribution ({}); pysocket \
                 installs wheels only. If it is pure Python, build its wheel with `pip \
                 wheel --no-deps -w DIR {project}` and install it with --find-links DIR.",
                s.source_only[s.source_only.len() - 1]
            ),
            _ => format!(
                "no release of {requirement} was found (check the name, the index, \
                 --find-links and the network)"
            ),
        };
        messages.push(message);
    }
    messages
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOG: &str = "\
2026-12-02T09:42:09,880 Skipping link: wrong project name (not nativepkg): file:///w/tinypkg-1.0-py3-none-any.whl
2026-12-02T09:42:09,880 Skipping link: none of the wheel's tags (cp314-cp314-manylinux_2_17_x86_64) are compatible (run pip debug --verbose to show compatible tags): file:///w/native_pkg-1.0-cp314-cp314-manylinux_2_17_x86_64.whl
2026-12-02T09:42:09,880 Skipping link: No sources permitted for srconly: https://x/srconly-2.0.tar.gz#sha256=00 (from https://pypi.org/simple/srconly/)
";

    #[test]
    fn says_why_nothing_was_found() {
        let said = "ERROR: No matching distribution found for Native.Pkg>=1\n\
                    ERROR: No matching distribution found for srconly\n\
                    ERROR: No matching distribution found for nosuch\n";
        let m = diagnose(said, LOG);
        assert_eq!(m.len(), 3, "{m:?}");
        assert!(
            m[0].contains("native code") && m[0].contains("manylinux"),
            "{}",
            m[0]
        );
        assert!(
            m[1].contains("only a source distribution (srconly-2.0.tar.gz)"),
            "{}",
            m[1]
        );
        assert!(m[2].contains("no release of nosuch"), "{}", m[2]);
    }

    #[test]
    fn target_spellings() {
        let s = |v: &[&str]| v.iter().map(|a| a.to_string()).collect::<Vec<_>>();
        assert!(has_target(&s(&["--target", "d", "x"])));
        assert!(has_target(&s(&["--target=d", "x"])));
        assert!(has_target(&s(&["-t", "d", "x"])));
        assert!(has_target(&s(&["-td", "x"])));
        assert!(!has_target(&s(&["x"])));
    }
}
