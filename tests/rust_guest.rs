//! A Rust guest (`examples/rust-guest`, built by `make test` into
//! `build/rust-guest.wasm`) on the pysocket host through `pysocket run`:
//! the WIT interface serves a non-Python guest (a TCP client with
//! CPython's timeout model, errno names across the boundary).

use pysocket_tests::{
    echo_server, pysocket_command, refusing_port, repo_root, rust_guest_output, silent_peer,
};

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
    rust_guest_output::assert_steps(&stdout);
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
