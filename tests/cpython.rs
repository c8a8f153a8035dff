//! CPython 3.14's own socket-related tests, run in a pysocket guest.
//!
//! `make test` fetches CPython's `test` package (`tests/cpython/fetch.py`,
//! into `build/cpython-tests/`) and this test runs the modules listed in
//! `tests/cpython/modules.txt` with `tests/cpython/run_tests.py` inside one
//! guest. It fails on any test that fails and is not on the reviewed list
//! `tests/cpython/skips.txt` (each entry there says why a WASI guest cannot
//! run it). `make test-cpython` shows every test;
//! `PYSOCKET_CPYTHON_CHECK_LIST=1` (`make test-cpython-check`) also runs
//! the listed tests and fails if one of them passes.
//!
//! The guest gets what CPython's tests expect of a machine: loopback to
//! connect to and bind on (IPv4 and IPv6), a writable working directory
//! where AF_UNIX sockets may live, abstract AF_UNIX names, and names that
//! resolve from a fixed table (`localhost`, the host name) so that no test
//! can make a DNS query leave the machine (`--hosts`).

use pysocket_host::net::HostsTable;
use pysocket_host::policy::PolicyBuilder;
use pysocket_host::runtime::{GuestConfig, PythonGuest};
use pysocket_tests::*;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The whole suite's bound (it takes about 20 s; the listed tests, run by
/// `make test-cpython-check`, add a minute).
const SUITE_BOUND: std::time::Duration = std::time::Duration::from_secs(900);

/// What `gethostname()` says in the guest, and names 127.0.0.1.
const GUEST_HOSTNAME: &str = "pysocket-guest";

fn names() -> HostsTable {
    HostsTable::parse(&format!(
        "127.0.0.1 localhost\n::1 localhost ip6-localhost ip6-loopback\n127.0.0.1 {GUEST_HOSTNAME}\n"
    ))
    .expect("the hosts table")
}

fn policy(workdir: &Path) -> PolicyBuilder {
    loopback_policy()
        .allow_bind_spec("0.0.0.0:*")
        .unwrap()
        .allow_bind_spec("[::]:*")
        .unwrap()
        .allow_unix_spec(&format!("{}::/work", workdir.display()))
        .unwrap()
        .allow_abstract_unix(true)
        .hosts_table(names())
        .hostname(GUEST_HOSTNAME)
}

fn modules() -> Vec<String> {
    let list = repo_root().join("tests/cpython/modules.txt");
    std::fs::read_to_string(&list)
        .unwrap_or_else(|e| panic!("{}: {e}", list.display()))
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_owned)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cpython_socket_tests_pass_in_a_guest() {
    let tests_dir = std::env::var_os("PYSOCKET_CPYTHON_TESTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("build/cpython-tests"));
    assert!(
        tests_dir.join("test/support/__init__.py").is_file(),
        "{} has no CPython test package: run `make test` (it fetches it)",
        tests_dir.display()
    );
    let workdir = std::env::temp_dir().join(format!("pysocket-cpython-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&workdir);
    std::fs::create_dir_all(&workdir).unwrap();

    let here = repo_root().join("tests/cpython");
    let mut args = vec![
        "--tests".to_string(),
        "/cpython-tests".into(),
        "--list".into(),
        here.join("skips.txt").to_string_lossy().into_owned(),
        "--workdir".into(),
        "/work".into(),
    ];
    if std::env::var_os("PYSOCKET_CPYTHON_VERBOSE").is_some() {
        args.push("--verbose".into());
    }
    let check_list = std::env::var_os("PYSOCKET_CPYTHON_CHECK_LIST").is_some();
    if check_list {
        args.push("--check-list".into());
    }
    args.extend(modules());
    let config = GuestConfig {
        policy: Arc::new(policy(&workdir).build()),
        capture_output: true,
        ..GuestConfig::default()
    }
    .dir(&tests_dir, "/cpython-tests", false)
    .dir(&workdir, "/work", true);
    let out = run_within(
        PythonGuest::script(here.join("run_tests.py"), args, config),
        SUITE_BOUND,
    )
    .await;
    let _ = std::fs::remove_dir_all(&workdir);

    let summary: Vec<&str> = out
        .stdout
        .lines()
        .filter(|l| {
            ["MODULE ", "TOTAL:", "NOT RUN ", "PASSED ON RERUN"]
                .iter()
                .any(|p| l.starts_with(p))
        })
        .collect();
    println!(
        "CPython {} tests in a guest:\n{}",
        std::fs::read_to_string(tests_dir.join("VERSION"))
            .unwrap_or_default()
            .trim(),
        summary.join("\n")
    );
    let failed: usize = out.expect("failed").parse().unwrap();
    let passed: usize = out.expect("passed").parse().unwrap();
    assert!(
        out.status == 0 && failed == 0,
        "{failed} CPython tests failed in the guest (status {})\n--- stdout\n{}\n--- stderr\n{}",
        out.status,
        out.stdout,
        out.stderr
    );
    assert!(passed > 700, "only {passed} tests passed:\n{}", out.stdout);
    if check_list {
        assert_eq!(
            out.expect("listed_passing"),
            "0",
            "tests on the reviewed list pass now; remove them from skips.txt:\n{}",
            out.stdout
        );
    }
}
