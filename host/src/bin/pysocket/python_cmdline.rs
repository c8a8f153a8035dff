//! python3's own command line, parsed as CPython's `Python/getopt.c` does
//! it: short options may be grouped (`-uc CMD`), an option's value may be
//! attached (`-Werror`, `-c'print(1)'`) or the next argument, `-c` and `-m`
//! end the options, `-` is a program (stdin), `--` ends the options, and
//! the first other argument is the script: everything after it is the
//! program's.
//!
//! Each option is either honoured in the guest, accepted as a no-op where
//! it changes nothing there, or refused with the reason (the guest's
//! interpreter was initialised when the component was built, so settings
//! CPython reads only at start-up cannot change).

use pysocket_host::runtime::{InterpreterOptions, Program};
use std::path::PathBuf;

/// What one guest's part of the command line asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    /// Run a program.
    Run {
        program: Program,
        args: Vec<String>,
        options: InterpreterOptions,
    },
    /// `-h`/`--help`: pysocket's help for `python`.
    Help,
    /// `-V` (1) or `-VV` (2): the guest's Python version.
    Version(u8),
}

/// Short options that take a value (python3's `c:m:W:X:`).
const WITH_VALUE: &[char] = &['c', 'm', 'W', 'X'];

/// `-X` options a guest honours (`NAME` or `NAME=VALUE`).
const X_HONOURED: &[&str] = &[
    "int_max_str_digits",
    "tracemalloc",
    "pycache_prefix",
    "utf8",
];

fn refused(option: &str, why: &str) -> String {
    format!("python option {option} is not supported in a guest: {why}")
}

const INITIALISED: &str = "the guest's interpreter is initialised when the \
component is built, so this start-up setting cannot change";

/// Checks a `-X` option, returning it as the guest will get it.
fn x_option(value: &str) -> Result<String, String> {
    let (name, arg) = match value.split_once('=') {
        Some((n, a)) => (n, Some(a)),
        None => (value, None),
    };
    let bad = |what: &str| Err(format!("-X {value}: {what}"));
    match (name, arg) {
        ("int_max_str_digits", Some(n)) => match n.parse::<u32>() {
            Ok(0) => Ok(value.to_owned()),
            Ok(n) if n >= 640 => Ok(value.to_owned()),
            _ => bad("needs 0 or a number of at least 640"),
        },
        ("int_max_str_digits", None) => bad("needs =N"),
        ("tracemalloc", None) => Ok(value.to_owned()),
        ("tracemalloc", Some(n)) => match n.parse::<u32>() {
            Ok(n) if n >= 1 => Ok(value.to_owned()),
            _ => bad("needs a number of frames of at least 1"),
        },
        ("pycache_prefix", Some(dir)) if !dir.is_empty() => Ok(value.to_owned()),
        ("pycache_prefix", _) => bad("needs =DIR"),
        // The guest's text encoding is UTF-8 already.
        ("utf8", None | Some("1")) => Ok(value.to_owned()),
        ("utf8", Some(_)) => bad("the guest's text encoding is always UTF-8"),
        _ => Err(refused(
            &format!("-X {name}"),
            &format!(
                "{INITIALISED} (the -X options a guest honours: {})",
                X_HONOURED.join(", ")
            ),
        )),
    }
}

/// Parses one guest's part of the command line (what follows pysocket's
/// options, or an `--and`).
pub fn parse(args: &[String]) -> Result<Request, String> {
    let mut options = InterpreterOptions::default();
    let mut version = 0u8;
    let mut i = 0;
    let program = loop {
        let Some(arg) = args.get(i) else {
            break None;
        };
        i += 1;
        if arg == "--" {
            break args.get(i).map(|s| {
                i += 1;
                match s.as_str() {
                    "-" => Program::Stdin,
                    _ => Program::Script(PathBuf::from(s)),
                }
            });
        }
        if arg == "-" {
            break Some(Program::Stdin);
        }
        if let Some(long) = arg.strip_prefix("--") {
            match long {
                "help" => return Ok(Request::Help),
                "version" => {
                    version += 1;
                    continue;
                }
                "help-env" | "help-xoptions" | "help-all" => {
                    return Err(format!(
                        "python option --{long} is not supported: \
                         `pysocket python --help` lists what a guest honours"
                    ))
                }
                "check-hash-based-pycs" => {
                    return Err(refused("--check-hash-based-pycs", INITIALISED))
                }
                _ => {
                    return Err(format!(
                        "unknown option --{long} (pysocket's own options go before \
                         the Python program; see `pysocket python --help`)"
                    ))
                }
            }
        }
        let Some(group) = arg.strip_prefix('-') else {
            break Some(Program::Script(PathBuf::from(arg)));
        };
        let mut ended = None;
        for (at, flag) in group.char_indices() {
            if WITH_VALUE.contains(&flag) {
                let rest = &group[at + flag.len_utf8()..];
                let value = if !rest.is_empty() {
                    rest.to_owned()
                } else if let Some(next) = args.get(i) {
                    i += 1;
                    next.clone()
                } else {
                    return Err(format!("argument expected for the -{flag} option"));
                };
                match flag {
                    'c' => ended = Some(Program::Command(value)),
                    'm' => ended = Some(Program::Module(value)),
                    'W' => options.warn_options.push(value),
                    _ => options.x_options.push(x_option(&value)?),
                }
                break;
            }
            match flag {
                'u' => options.unbuffered = true,
                'I' => options.isolated = true,
                'E' => options.ignore_environment = true,
                'P' => options.safe_path = true,
                'B' => options.dont_write_bytecode = true,
                'q' => options.quiet = true,
                'i' => options.inspect = true,
                // No user site-packages in a guest; hash randomisation is on;
                // -t has been a no-op since Python 3.
                's' | 'R' | 't' => {}
                'V' => version += 1,
                'h' | '?' => return Ok(Request::Help),
                'b' => return Err(refused("-b", INITIALISED)),
                'O' => return Err(refused("-O", INITIALISED)),
                'v' => return Err(refused("-v", INITIALISED)),
                'S' => {
                    return Err(refused(
                        "-S",
                        "the guest's interpreter has imported `site` already",
                    ))
                }
                'd' => return Err(refused("-d", "it needs a debug build of CPython")),
                'x' => return Err(refused("-x", "pysocket runs scripts from their first line")),
                other => {
                    return Err(format!(
                        "unknown option -{other} (see `pysocket python --help`)"
                    ))
                }
            }
        }
        if let Some(program) = ended {
            break Some(program);
        }
    };
    if version > 0 {
        return Ok(Request::Version(version.min(2)));
    }
    Ok(Request::Run {
        program: program.unwrap_or(Program::StdinOrConsole),
        args: args[i.min(args.len())..].to_vec(),
        options,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(args: &[&str]) -> (Program, Vec<String>, InterpreterOptions) {
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        match parse(&args) {
            Ok(Request::Run {
                program,
                args,
                options,
            }) => (program, args, options),
            other => panic!("{other:?}"),
        }
    }

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn program_forms() {
        let (p, a, _) = run(&["-c", "print(1)", "x", "-u"]);
        assert_eq!(p, Program::Command("print(1)".into()));
        assert_eq!(a, strings(&["x", "-u"]));
        let (p, a, _) = run(&["-m", "http.server", "8000"]);
        assert_eq!(p, Program::Module("http.server".into()));
        assert_eq!(a, strings(&["8000"]));
        let (p, a, _) = run(&["-", "a"]);
        assert_eq!((p, a), (Program::Stdin, strings(&["a"])));
        let (p, a, _) = run(&["s.py", "-c", "x"]);
        assert_eq!(p, Program::Script("s.py".into()));
        assert_eq!(a, strings(&["-c", "x"]));
        let (p, a, _) = run(&[]);
        assert_eq!((p, a), (Program::StdinOrConsole, vec![]));
        let (p, _, _) = run(&["--", "-odd-name.py"]);
        assert_eq!(p, Program::Script("-odd-name.py".into()));
    }

    #[test]
    fn grouped_and_attached_values() {
        let (p, _, o) = run(&["-uIc", "pass"]);
        assert_eq!(p, Program::Command("pass".into()));
        assert!(o.unbuffered && o.isolated);
        let (p, _, _) = run(&["-cpass"]);
        assert_eq!(p, Program::Command("pass".into()));
        let (_, _, o) = run(&[
            "-Werror",
            "-W",
            "ignore::DeprecationWarning",
            "-X",
            "utf8",
            "-c",
            "",
        ]);
        assert_eq!(
            o.warn_options,
            strings(&["error", "ignore::DeprecationWarning"])
        );
        assert_eq!(o.x_options, strings(&["utf8"]));
        let (_, _, o) = run(&["-sRtBEPqi"]);
        assert!(o.dont_write_bytecode && o.ignore_environment && o.safe_path);
        assert!(o.quiet && o.inspect);
    }

    #[test]
    fn refusals_and_mistakes_say_why() {
        let err = |args: &[&str]| parse(&strings(args)).unwrap_err();
        assert!(err(&["-O", "s.py"]).contains("-O is not supported"));
        assert!(err(&["-X", "dev"]).contains("int_max_str_digits"));
        assert!(err(&["-X", "int_max_str_digits=5"]).contains("640"));
        assert!(err(&["-z"]).contains("unknown option -z"));
        assert!(err(&["--allow-net", "x"]).contains("go before"));
        assert!(err(&["-c"]).contains("argument expected for the -c option"));
    }

    #[test]
    fn help_and_version() {
        assert_eq!(parse(&strings(&["-h"])), Ok(Request::Help));
        assert_eq!(parse(&strings(&["-V"])), Ok(Request::Version(1)));
        assert_eq!(parse(&strings(&["-VV"])), Ok(Request::Version(2)));
        assert_eq!(parse(&strings(&["--version"])), Ok(Request::Version(1)));
        // After the program, -V is the program's.
        let (p, a, _) = run(&["-c", "x", "-V"]);
        assert_eq!((p, a), (Program::Command("x".into()), strings(&["-V"])));
    }
}
