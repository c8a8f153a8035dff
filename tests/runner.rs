//! The `pysocket` command line: exit status, argv, imports, policy flags.

use pysocket_tests::repo_root;
use std::process::Command;

fn pysocket() -> Command {
    let bin = repo_root().join("target/release/pysocket");
    assert!(
        bin.is_file(),
        "{} is missing: run `make build` first",
        bin.display()
    );
    Command::new(bin)
}

/// The stdout of a run that must have succeeded (else shows its output).
fn success_stdout(out: &std::process::Output) -> String {
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

fn script(name: &str) -> String {
    repo_root()
        .join("tests/python")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

#[test]
fn exit_status_is_the_scripts() {
    let out = pysocket()
        .args(["python", &script("exit_status.py"), "code", "7"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(7),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn uncaught_exception_prints_traceback_and_exits_1() {
    let out = pysocket()
        .args(["python", &script("exit_status.py"), "raise"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("Traceback (most recent call last)"),
        "{stderr}"
    );
    assert!(
        stderr.contains("RuntimeError: boom from the guest"),
        "{stderr}"
    );
    assert!(!stderr.contains("wasm backtrace"), "{stderr}");
}

#[test]
fn argv_sibling_modules_and_lazy_stdlib_imports() {
    let out = pysocket()
        .args(["python", &script("exit_status.py"), "a", "b c"])
        .output()
        .unwrap();
    let stdout = success_stdout(&out);
    assert!(stdout.contains("argv=['a', 'b c']"), "{stdout}");
    assert!(stdout.contains("helper=42"), "{stdout}");
    assert!(stdout.contains("lazy_import=[1]"), "{stdout}");
}

#[test]
fn bad_flags_are_usage_errors() {
    let out = pysocket()
        .args([
            "python",
            "--allow-net",
            "127.0.0.1:99999",
            &script("exit_status.py"),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("bad network rule"));
    let out = pysocket()
        .args(["python", "--no-such-flag", &script("exit_status.py")])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn two_guests_in_one_process_with_and() {
    let out = pysocket()
        .args([
            "python",
            &script("exit_status.py"),
            "code",
            "0",
            "--and",
            &script("exit_status.py"),
            "code",
            "5",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(5));
}

/// With `--workers 1` the demo's server and client share one thread: the
/// server waiting in accept/recv must leave the thread to the client (and
/// the client's sleeps to the server), or the exchange never finishes.
#[test]
fn guests_sharing_one_worker_thread_take_turns() {
    let shared = std::env::temp_dir().join(format!("pysocket-workers-{}", std::process::id()));
    std::fs::create_dir_all(&shared).unwrap();
    let dir = format!("{}::/shared", shared.display());
    let example = |name: &str| {
        repo_root()
            .join("examples")
            .join(name)
            .to_string_lossy()
            .into_owned()
    };
    let out = pysocket()
        .args(["python", "--workers", "1", "--allow-bind", "127.0.0.1:0"])
        .args(["--allow-net", "127.0.0.1", "--dir", &dir])
        .args([&example("echo_server.py"), "/shared", "--and"])
        .args([&example("echo_client.py"), "/shared"])
        .output()
        .unwrap();
    let _ = std::fs::remove_dir_all(&shared);
    let stdout = success_stdout(&out);
    assert!(
        stdout.contains("[client] <- HELLO FROM ONE WASM GUEST"),
        "{stdout}"
    );
    assert!(stdout.contains("1000 round trips"), "{stdout}");
}

/// `pysocket run` runs a `wasi:cli/run` component with pysocket linked
/// (tests/apps/cli_app.py, built by `make test` into build/cli-app.wasm).
#[test]
fn run_subcommand_runs_a_command_component() {
    let app = repo_root().join("build/cli-app.wasm");
    assert!(
        app.is_file(),
        "{} is missing: run `make test`",
        app.display()
    );
    let (addr, server) = pysocket_tests::echo_server("127.0.0.1:0", 1);
    let out = pysocket()
        .args(["run", "--allow-net", "127.0.0.1"])
        .arg(&app)
        .args([addr.port().to_string(), "through pysocket run".into()])
        .output()
        .unwrap();
    let stdout = success_stdout(&out);
    assert!(stdout.contains("reply=through pysocket run"), "{stdout}");
    server.join().unwrap();

    // Without --allow-net the component's connect is refused and it fails.
    let out = pysocket()
        .arg("run")
        .arg(&app)
        .args(["9", "x"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("PermissionError"));
}
