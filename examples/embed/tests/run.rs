//! Builds and runs the embedding example (`src/main.rs`) with the Python
//! component and the Rust guest that `make test` builds, and checks what it
//! printed: both guests ran in one custom host, the policy's hook allowed
//! and denied per guest.

use pysocket_tests::{output_with_input, repo_root};
use std::process::Command;

#[test]
fn the_embedding_example_runs_both_guests_under_its_policy() {
    let build = repo_root().join("build");
    let (python, stdlib, rust) = (
        build.join("pysocket-python.wasm"),
        build.join("stdlib"),
        build.join("rust-guest.wasm"),
    );
    for path in [&python, &stdlib, &rust] {
        assert!(
            path.exists(),
            "{} is missing: run `make test`",
            path.display()
        );
    }
    let mut command = Command::new(env!("CARGO_BIN_EXE_pysocket-embed"));
    command.arg(&python).arg(&stdlib).arg(&rust);
    let out = output_with_input(command, "");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    let has = |line: &str| stdout.lines().any(|l| l == line);
    let has_prefix = |p: &str| stdout.lines().any(|l| l.starts_with(p));

    // The Python guest: the hook allows the echo server, denies the rest.
    assert!(has("python: echo=hello from Python"), "{stdout}");
    assert!(
        has_prefix("python: other=PermissionError: pysocket policy hook: connecting to 127.0.0.1:"),
        "{stdout}"
    );
    assert!(
        has("python: exit status 0, sockets left open 0"),
        "{stdout}"
    );
    // The Rust guest: echo, a refused connect, a timeout, the rules'
    // denial (the hook is not asked about what the rules refuse).
    assert!(has("rust: echo=hello from a Rust guest"), "{stdout}");
    assert!(has("rust: refused=ECONNREFUSED"), "{stdout}");
    assert!(has_prefix("rust: timeout=timed out after "), "{stdout}");
    assert!(
        has_prefix("rust: denied=EACCES: pysocket policy: connecting to 127.0.0.2:"),
        "{stdout}"
    );
    assert!(has("rust: exit status 0, sockets left open 0"), "{stdout}");
    // The hook's log: one decision per use, per guest.
    let decisions: Vec<&str> = stdout.lines().filter(|l| l.starts_with("hook: ")).collect();
    assert_eq!(
        decisions
            .iter()
            .filter(|l| l.starts_with("hook: python connecting to"))
            .count(),
        2,
        "{stdout}"
    );
    assert_eq!(
        decisions
            .iter()
            .filter(|l| l.starts_with("hook: rust connecting to"))
            .count(),
        3,
        "{stdout}"
    );
    assert!(
        !stdout.contains("hook: rust connecting to 127.0.0.2"),
        "{stdout}"
    );
    assert!(
        has("summary: python exit 0, rust exit 0, hook asked 5 times, denied 1"),
        "{stdout}"
    );
}
