//! The conformance harness (`tests/conformance/conformance.py`), run under
//! native CPython and inside a pysocket guest; compared check by check.

use pysocket_host::policy::PolicyBuilder;
use pysocket_host::runtime::{GuestConfig, PythonGuest};
use pysocket_tests::*;
use std::collections::BTreeMap;
use std::process::Command;
use std::sync::Arc;

/// `id -> passed` from the harness's `PASS id` / `FAIL id: reason` lines.
fn results(stdout: &str) -> BTreeMap<String, bool> {
    stdout
        .lines()
        .filter_map(|l| {
            if let Some(id) = l.strip_prefix("PASS ") {
                Some((id.trim().to_string(), true))
            } else {
                l.strip_prefix("FAIL ").map(|rest| {
                    (
                        rest.split(':').next().unwrap_or(rest).trim().to_string(),
                        false,
                    )
                })
            }
        })
        .collect()
}

fn known_differences() -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(repo_root().join("tests/conformance/known_differences.txt"))
        .unwrap();
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (id, why) = l.split_once(char::is_whitespace).unwrap_or((l, ""));
            (id.to_string(), why.trim().to_string())
        })
        .collect()
}

/// The policy `make conformance` uses too: loopback, DNS, a private
/// AF_UNIX directory, abstract names.
fn conformance_policy(unix_dir: &std::path::Path) -> PolicyBuilder {
    loopback_policy()
        .allow_net_spec("localhost")
        .unwrap()
        .allow_bind_spec("0.0.0.0:*")
        .unwrap()
        .allow_bind_spec("[::]:*")
        .unwrap()
        .allow_dns(true)
        .allow_unix_spec(&format!("{}::/tmp", unix_dir.display()))
        .unwrap()
        .allow_abstract_unix(true)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn conformance_matches_native_cpython() {
    let script = repo_root().join("tests/conformance/conformance.py");
    let native = Command::new("python3")
        .arg(&script)
        .output()
        .expect("running python3");
    let native = results(&String::from_utf8_lossy(&native.stdout));
    assert!(
        native.len() >= 150,
        "only {} checks ran natively",
        native.len()
    );
    let native_failures: Vec<_> = native
        .iter()
        .filter(|(_, ok)| !**ok)
        .map(|(id, _)| id.clone())
        .collect();
    assert!(
        native_failures.is_empty(),
        "checks failing natively: {native_failures:?}"
    );

    let tmp = std::env::temp_dir().join(format!("pysocket-conf-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).unwrap();
    let config = GuestConfig {
        policy: Arc::new(conformance_policy(&tmp).build()),
        env: vec![("PYSOCKET_CONFORMANCE_TMP".into(), "/tmp".into())],
        capture_output: true,
        ..GuestConfig::default()
    }
    .dir(&tmp, "/tmp", true);
    let out = run(PythonGuest::script(script, vec![], config)).await;
    let _ = std::fs::remove_dir_all(&tmp);
    let guest = results(&out.stdout);
    let known = known_differences();

    let mut unexpected = Vec::new();
    for (id, native_ok) in &native {
        match (guest.get(id), known.contains_key(id)) {
            (None, _) => unexpected.push(format!("{id}: did not run in the guest")),
            (Some(ok), false) if ok != native_ok => {
                unexpected.push(format!("{id}: native {native_ok}, pysocket {ok}"))
            }
            (Some(true), true) => unexpected.push(format!(
                "{id}: passes now; remove it from known_differences.txt"
            )),
            _ => {}
        }
    }
    let passed = guest.values().filter(|ok| **ok).count();
    println!(
        "conformance: native {}/{}, pysocket {}/{}",
        native.len(),
        native.len(),
        passed,
        guest.len()
    );
    assert!(
        unexpected.is_empty(),
        "{} unexpected differences:\n{}\n--- guest stdout tail\n{}\n--- guest stderr\n{}",
        unexpected.len(),
        unexpected.join("\n"),
        out.stdout
            .lines()
            .rev()
            .take(5)
            .collect::<Vec<_>>()
            .join("\n"),
        out.stderr
    );
}
