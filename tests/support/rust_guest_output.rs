//! What the Rust guest of `examples/rust-guest` prints when its three
//! steps went as described in its module doc, checked the same way for
//! every host that runs it (the pysocket host, and the plain WASI host
//! with the guest composed with the adapter, which includes this file).

/// Asserts the echo, `ECONNREFUSED` and receive-timeout lines of `stdout`.
pub fn assert_steps(stdout: &str) {
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
    // CPython's timeout model held: the 200 ms receive timeout expired, not
    // the 10 s connect one.
    assert!((200..10_000).contains(&waited), "{waited} ms");
}
