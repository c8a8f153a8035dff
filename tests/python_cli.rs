//! `pysocket python` speaks python3's command line: each program form sets
//! `sys.argv`, `sys.path[0]` and `__main__` as CPython 3.14 does; the
//! interpreter options; exit statuses; the guest's working directory; `--`
//! and `--and`; the runner's own messages.

use pysocket_tests::{output_with_input, pysocket_command, repo_root, TempDir};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn tests_python() -> PathBuf {
    repo_root().join("tests/python")
}

/// `pysocket python ARGS...` run in `cwd` with `stdin` as input.
fn python_in(cwd: &Path, args: &[&str], stdin: &str) -> Output {
    let mut command: Command = pysocket_command();
    command.current_dir(cwd).arg("python").args(args);
    output_with_input(command, stdin)
}

fn python(args: &[&str]) -> Output {
    python_in(&tests_python(), args, "")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The output of a run that must have succeeded.
fn ok(out: Output) -> String {
    assert!(
        out.status.success(),
        "status {:?}\n--- stdout\n{}\n--- stderr\n{}",
        out.status.code(),
        stdout(&out),
        stderr(&out)
    );
    stdout(&out)
}

/// The value of `KEY=value` in a probe's output.
fn value(text: &str, key: &str) -> String {
    let prefix = format!("{key}=");
    text.lines()
        .find_map(|l| l.strip_prefix(&prefix))
        .unwrap_or_else(|| panic!("no {key}= in\n{text}"))
        .to_owned()
}

fn dir_text(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

#[test]
fn script_form_is_python3s() {
    let dir = dir_text(&tests_python());
    let out = ok(python(&["cli_probe.py", "a", "b c"]));
    assert_eq!(value(&out, "argv"), "['cli_probe.py', 'a', 'b c']");
    assert_eq!(value(&out, "path0"), format!("'{dir}'"));
    assert_eq!(value(&out, "main_name"), "__main__");
    assert_eq!(value(&out, "main_file"), format!("{dir}/cli_probe.py"));
    assert_eq!(value(&out, "main_loader"), "SourceFileLoader");
    assert_eq!(value(&out, "main_spec"), "None");
    assert_eq!(value(&out, "cwd"), dir);
    assert_eq!(value(&out, "chdir_cwd"), "ok");
}

/// A directory or zip file with `__main__.py` runs that module, the path
/// first on `sys.path` (`python3 -m zipapp` makes the zip).
#[test]
fn directory_and_zip_forms_run_their_main_module() {
    let work = TempDir::new("dirzip");
    let app = work.path().join("app");
    std::fs::create_dir(&app).unwrap();
    let main = "import sys; print(sys.argv, sys.path[0], __name__)\n";
    std::fs::write(app.join("__main__.py"), main).unwrap();
    let zipped = Command::new("python3")
        .current_dir(work.path())
        .args(["-m", "zipapp", "app", "-o", "app.pyz"])
        .status()
        .unwrap();
    assert!(zipped.success());
    let root = dir_text(work.path());
    let out = ok(python_in(work.path(), &["app", "x"], ""));
    assert_eq!(out, format!("['app', 'x'] {root}/app __main__\n"));
    let out = ok(python_in(work.path(), &["app.pyz", "y"], ""));
    assert_eq!(out, format!("['app.pyz', 'y'] {root}/app.pyz __main__\n"));
}

/// Run from a directory the guest cannot see, the script is named by its
/// full path and its directory is the guest's working directory.
#[test]
fn a_script_run_from_an_unshared_directory() {
    let elsewhere = TempDir::new("elsewhere");
    let dir = dir_text(&tests_python());
    let script = format!("{dir}/cli_probe.py");
    let out = ok(python_in(elsewhere.path(), &[&script], ""));
    assert_eq!(value(&out, "argv"), format!("['{script}']"));
    assert_eq!(value(&out, "cwd"), dir);
    assert_eq!(value(&out, "chdir_cwd"), "ok");
}

#[test]
fn command_form_is_python3s() {
    let out = ok(python(&["-c", "import cli_probe", "a", "-u"]));
    assert_eq!(value(&out, "argv"), "['-c', 'a', '-u']");
    assert_eq!(value(&out, "path0"), "''");
    assert_eq!(value(&out, "main_file"), "<unset>");
    assert_eq!(value(&out, "main_loader"), "BuiltinImporter");
    assert_eq!(value(&out, "main_spec"), "None");
    assert_eq!(value(&out, "cwd"), dir_text(&tests_python()));
    assert_eq!(value(&out, "chdir_cwd"), "ok");
    // The code is named <string> in tracebacks.
    let out = python(&["-c", "1/0"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("File \"<string>\", line 1"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn module_form_is_python3s() {
    let dir = dir_text(&tests_python());
    let out = ok(python(&["-m", "cli_probe", "x"]));
    assert_eq!(value(&out, "argv"), format!("['{dir}/cli_probe.py', 'x']"));
    assert_eq!(value(&out, "path0"), format!("'{dir}'"));
    assert_eq!(value(&out, "main_file"), format!("{dir}/cli_probe.py"));
    assert_eq!(value(&out, "main_spec"), "cli_probe");
    // A stdlib module, and a module that is not there.
    let out = ok(python_in(
        &tests_python(),
        &["-m", "json.tool", "--compact"],
        "{\"a\": [1, 2]}",
    ));
    assert_eq!(out, "{\"a\":[1,2]}\n");
    let out = python(&["-m", "no_such_module_anywhere"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("No module named no_such_module_anywhere"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn stdin_forms_are_python3s() {
    let out = ok(python_in(
        &tests_python(),
        &["-", "x"],
        "import cli_probe\n",
    ));
    assert_eq!(value(&out, "argv"), "['-', 'x']");
    assert_eq!(value(&out, "path0"), "''");
    assert_eq!(value(&out, "main_file"), "<stdin>");
    // No program and stdin not a terminal: stdin is the program.
    let out = ok(python_in(&tests_python(), &[], "import cli_probe\n"));
    assert_eq!(value(&out, "argv"), "['']");
    assert_eq!(value(&out, "main_file"), "<stdin>");
    let out = python_in(&tests_python(), &[], "print('before')\n1/0\n");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stdout(&out), "before\n");
    assert!(
        stderr(&out).contains("File \"<stdin>\", line 2"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn exit_statuses_are_the_programs() {
    for code in [0, 3, 255] {
        let exit = format!("import sys; sys.exit({code})");
        assert_eq!(python(&["-c", &exit]).status.code(), Some(code), "{exit}");
        let os_exit = format!("import os; print('lost', end=''); os._exit({code})");
        let out = python(&["-c", &os_exit]);
        assert_eq!(out.status.code(), Some(code), "{os_exit}: {}", stderr(&out));
        // os._exit does not flush: python3 loses buffered output too.
        assert_eq!(stdout(&out), "", "{os_exit}");
    }
    // As on Linux: the low 8 bits; a non-integer code is printed, status 1.
    assert_eq!(
        python(&["-c", "raise SystemExit(256 + 7)"]).status.code(),
        Some(7)
    );
    assert_eq!(
        python(&["-c", "raise SystemExit(-1)"]).status.code(),
        Some(255)
    );
    let out = python(&["-c", "raise SystemExit('bye now')"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stderr(&out), "bye now\n");
    // atexit handlers run on the way out, as in python3.
    let out = ok(python(&[
        "-c",
        "import atexit, sys; atexit.register(print, 'at exit'); sys.exit(0)",
    ]));
    assert_eq!(out, "at exit\n");
}

/// The guest's working directory is the host's when a --dir share covers
/// it: relative paths mean what they mean on the host.
#[test]
fn the_working_directory_is_the_hosts_when_shared() {
    let work = TempDir::new("cwd-shared");
    let sub = work.path().join("sub");
    std::fs::create_dir(&sub).unwrap();
    let code =
        "import os; os.chdir(os.getcwd()); open('made-here', 'w').write('x'); print(os.getcwd())";
    let out = ok(python_in(
        &sub,
        &["--dir", &dir_text(work.path()), "-c", code],
        "",
    ));
    assert_eq!(out.trim(), dir_text(&sub));
    assert!(sub.join("made-here").is_file());
    // Mapped elsewhere with HOST::GUEST, the guest sees the mapped path.
    let mapped = format!("{}::/work", work.path().display());
    let out = ok(python_in(
        &sub,
        &["--dir", &mapped, "-c", "import os; print(os.getcwd())"],
        "",
    ));
    assert_eq!(out.trim(), "/work/sub");
    // Not shared with --dir: read-only (sys.path[0] is the cwd for -c).
    let out = python_in(&sub, &["-c", "open('nope', 'w')"], "");
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("Error"), "{}", stderr(&out));
    assert!(!sub.join("nope").exists());
}

#[test]
fn double_dash_ends_pysockets_options_and_program_args_are_the_programs() {
    let out = ok(python(&[
        "--",
        "-c",
        "import sys; print(sys.argv)",
        "--dir",
        "x",
    ]));
    assert_eq!(out.trim(), "['-c', '--dir', 'x']");
    let out = ok(python(&["-c", "import sys; print(sys.argv)", "--", "-V"]));
    assert_eq!(out.trim(), "['-c', '--', '-V']");
}

#[test]
fn and_starts_one_guest_per_form() {
    let work = TempDir::new("and");
    std::fs::write(work.path().join("mod_and.py"), "print('module ran')\n").unwrap();
    std::fs::write(
        work.path().join("script_and.py"),
        "import sys; sys.exit(5)\n",
    )
    .unwrap();
    let out = python_in(
        work.path(),
        &[
            "--workers",
            "1",
            "-c",
            "print('command ran')",
            "--and",
            "-m",
            "mod_and",
            "--and",
            "script_and.py",
            "--and",
            "-",
        ],
        "print('stdin ran')\n",
    );
    let text = stdout(&out);
    for ran in ["command ran", "module ran", "stdin ran"] {
        assert!(text.contains(ran), "{ran}: {text}\n{}", stderr(&out));
    }
    assert_eq!(out.status.code(), Some(5));
    let out = python(&["-c", "pass", "--and"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).starts_with("pysocket: --and needs a program"));
}

#[test]
fn unbuffered_and_environment_options() {
    let probe = "import sys; print(type(sys.stdout.buffer).__name__, sys.stdout.write_through)";
    assert_eq!(ok(python(&["-c", probe])).trim(), "BufferedWriter False");
    assert_eq!(ok(python(&["-u", "-c", probe])).trim(), "FileIO True");
    let env = ["--env", "PYTHONUNBUFFERED=1"];
    assert_eq!(
        ok(python(&[env[0], env[1], "-c", probe])).trim(),
        "FileIO True"
    );
    // -E ignores PYTHON* variables; -I also keeps '' off sys.path.
    assert_eq!(
        ok(python(&[env[0], env[1], "-E", "-c", probe])).trim(),
        "BufferedWriter False"
    );
    let path0 = "import sys; print(repr(sys.path[0]))";
    assert_eq!(ok(python(&["-c", path0])).trim(), "''");
    assert_eq!(ok(python(&["-I", "-c", path0])).trim(), "'/python'");
    assert_eq!(ok(python(&["-P", "-c", path0])).trim(), "'/python'");
    assert_eq!(
        ok(python(&["--env", "PYTHONSAFEPATH=1", "-c", path0])).trim(),
        "'/python'"
    );
    assert_eq!(
        ok(python(&[
            "-B",
            "-c",
            "import sys; print(sys.dont_write_bytecode)"
        ]))
        .trim(),
        "True"
    );
}

#[test]
fn warning_and_x_options() {
    let warn = "import warnings; warnings.warn('careful'); print('went on')";
    let out = ok(python(&["-c", warn]));
    assert_eq!(out, "went on\n");
    let out = python(&["-W", "error::UserWarning", "-c", warn]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("UserWarning: careful"),
        "{}",
        stderr(&out)
    );
    let out = python(&["--env", "PYTHONWARNINGS=error", "-c", warn]);
    assert_eq!(out.status.code(), Some(1));
    // -W later wins over PYTHONWARNINGS.
    let out = ok(python(&[
        "--env",
        "PYTHONWARNINGS=error",
        "-Wignore",
        "-c",
        warn,
    ]));
    assert_eq!(out, "went on\n");

    let digits = "int('1' * 700)";
    assert!(python(&["-c", digits]).status.success());
    let out = python(&["-X", "int_max_str_digits=640", "-c", digits]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("ValueError"), "{}", stderr(&out));
    let out = ok(python(&[
        "-Xutf8",
        "-X",
        "pycache_prefix=/tmp/pyc",
        "-c",
        "import sys; print(sys._xoptions, sys.pycache_prefix)",
    ]));
    assert_eq!(
        out.trim(),
        "{'utf8': True, 'pycache_prefix': '/tmp/pyc'} /tmp/pyc"
    );
}

#[test]
fn options_a_guest_cannot_honour_are_refused_with_the_reason() {
    for (args, says) in [
        (&["-O", "-c", "pass"][..], "-O is not supported in a guest"),
        (&["-X", "dev", "-c", "pass"][..], "-X dev is not supported"),
        (&["-S", "-c", "pass"][..], "imported `site` already"),
        (&["-z"][..], "unknown option -z"),
        (&["-c"][..], "argument expected for the -c option"),
    ] {
        let out = python(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = stderr(&out);
        assert!(err.starts_with("pysocket: "), "{err}");
        assert!(err.contains(says), "{args:?}: {err}");
    }
}

#[test]
fn version_and_help() {
    let out = ok(python(&["-V"]));
    assert!(out.starts_with("Python 3.14."), "{out}");
    let out = ok(python(&["-h"]));
    for form in [
        "-c CMD",
        "-m MOD",
        "--and PYTHON",
        "working directory",
        "--path",
    ] {
        assert!(out.contains(form), "{form} not in help:\n{out}");
    }
}

#[test]
fn runner_errors_start_with_pysocket_and_say_what_to_do() {
    let out = python(&["no_such_script.py"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).starts_with("pysocket: can't open file 'no_such_script.py'"),
        "{}",
        stderr(&out)
    );
    let out = python(&["--dir", "/no/such/pysocket/dir", "-c", "pass"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).starts_with("pysocket: --dir"),
        "{}",
        stderr(&out)
    );
    let out = python(&["--python-wasm", "/no/such.wasm", "-c", "pass"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("make build"), "{}", stderr(&out));
    let out = python(&["--workers", "0", "-c", "pass"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).starts_with("pysocket: "), "{}", stderr(&out));
}

#[test]
fn log_levels_show_host_diagnostics() {
    let out = python(&["--log", "debug", "-c", "pass"]);
    assert!(out.status.success());
    assert!(
        stderr(&out).contains("sharing a directory"),
        "{}",
        stderr(&out)
    );
    let quiet = python(&["-c", "pass"]);
    assert_eq!(stderr(&quiet), "");
    let mut command = pysocket_command();
    command
        .current_dir(tests_python())
        .env("RUST_LOG", "pysocket_host=debug")
        .args(["python", "-c", "pass"]);
    let out = output_with_input(command, "");
    assert!(
        stderr(&out).contains("sharing a directory"),
        "{}",
        stderr(&out)
    );
    let out = python(&["--log", "nonsense=level=x", "-c", "pass"]);
    assert_eq!(out.status.code(), Some(2));
}

/// The first run compiles the component (seconds) and says so on stderr,
/// in one line when stderr is not a terminal; the next run is silent.
#[test]
fn the_first_compile_is_announced() {
    let cache = TempDir::new("compile-cache");
    let run = || {
        let mut command = pysocket_command();
        command
            .current_dir(tests_python())
            .env("PYSOCKET_CACHE_DIR", cache.path())
            .args(["python", "-c", "print('ran')"]);
        output_with_input(command, "")
    };
    let first = run();
    assert_eq!(ok(first.clone()), "ran\n");
    let notice = format!(
        "pysocket: compiling the Python component once (about 10 s); cached in {}\n",
        cache.path().display()
    );
    assert_eq!(stderr(&first), notice);
    let second = run();
    assert_eq!(ok(second.clone()), "ran\n");
    assert_eq!(stderr(&second), "");
}

/// `python -m http.server`, as a user first tries it: the guest serves the
/// working directory (read-only) to a native client. Its
/// ThreadingHTTPServer serves requests in turn, since a guest has no
/// threads. `-u` makes the "Serving HTTP" line arrive at once.
#[test]
fn module_http_server_serves_the_working_directory() {
    use std::io::{BufRead, BufReader, Read, Write};
    use std::process::Stdio;
    let work = TempDir::new("http-server");
    std::fs::write(work.path().join("hello.txt"), "hello from the host\n").unwrap();
    let mut child = pysocket_command()
        .current_dir(work.path())
        .args([
            "python",
            "--allow-bind",
            "127.0.0.1:*",
            "-u",
            "-m",
            "http.server",
        ])
        .args(["0", "--bind", "127.0.0.1"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let serving = rx.recv_timeout(pysocket_tests::BOUND);
    let port: u16 = match &serving {
        Ok(line) if line.starts_with("Serving HTTP on 127.0.0.1 port ") => {
            line.split_whitespace().nth(5).unwrap().parse().unwrap()
        }
        other => {
            let _ = child.kill();
            panic!("no Serving line: {other:?}");
        }
    };
    for _ in 0..2 {
        let mut conn = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
        conn.set_read_timeout(Some(pysocket_tests::BOUND)).unwrap();
        conn.write_all(b"GET /hello.txt HTTP/1.0\r\n\r\n").unwrap();
        let mut reply = String::new();
        conn.read_to_string(&mut reply).unwrap();
        assert!(reply.starts_with("HTTP/1.0 200 OK"), "{reply}");
        assert!(reply.ends_with("\r\n\r\nhello from the host\n"), "{reply}");
    }
    let _ = child.kill();
    let _ = child.wait();
}
