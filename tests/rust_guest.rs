//! A Rust guest (`examples/rust-guest`, built by `make test` into
//! `build/rust-guest.wasm`) on the pysocket host through `pysocket run`:
//! the WIT interface serves a non-Python guest (a TCP client with
//! CPython's timeout model, errno names across the boundary).

use pysocket_tests::{echo_server, pysocket_command, refusing_port, repo_root, silent_peer};

fn rust_guest() -> std::path::PathBuf {
    let app = repo_root().join("build/rust-guest.wasm");
    assert!(
        app.is_file(),
        "{} is missing: run `make test`",
        app.display()
    );
    app
}

#[test]
fn rust_guest_connects_sends_receives_and_times_out() {
    let (echo, echo_thread) = echo_server("127.0.0.1:0", 1);
    let (refused_port, _held) = refusing_port();
    let (silent, hang_up, silent_thread) = silent_peer();
    let out = pysocket_command()
        .args(["run", "--allow-net", "127.0.0.1"])
        .arg(rust_guest())
        .arg(echo.to_string())
        .arg(format!("127.0.0.1:{refused_port}"))
        .arg(silent.to_string())
        .arg("check-denied")
        .output()
        .expect("running pysocket");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("echo=hello from a Rust guest\n"),
        "{stdout}"
    );
    assert!(stdout.contains("refused=ECONNREFUSED\n"), "{stdout}");
    let waited: u64 = stdout
        .lines()
        .find_map(|l| l.strip_prefix("timeout=timed out after "))
        .and_then(|rest| rest.strip_suffix(" ms"))
        .and_then(|ms| ms.parse().ok())
        .unwrap_or_else(|| panic!("no timeout line: {stdout}"));
    // The 200 ms receive timeout expired, not the 10 s connect one.
    assert!((200..10_000).contains(&waited), "{waited} ms");
    assert!(
        stdout.contains(&format!(
            "denied=EACCES: pysocket policy: connecting to 127.0.0.2:{refused_port} is not allowed"
        )),
        "{stdout}"
    );
    drop(hang_up);
    echo_thread.join().unwrap();
    silent_thread.join().unwrap();
}

/// Bad arguments are the guest's own failure (status 1), not the host's.
#[test]
fn rust_guest_reports_its_errors() {
    let out = pysocket_command()
        .arg("run")
        .arg(rust_guest())
        .arg("not-an-address")
        .output()
        .expect("running pysocket");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("rust-guest: \"not-an-address\" is not HOST:PORT"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
