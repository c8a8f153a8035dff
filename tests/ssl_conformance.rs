//! The ssl conformance harness (`tests/ssl_conformance/ssl_conformance.py`),
//! run under native CPython (OpenSSL) and inside a pysocket guest (rustls);
//! compared check by check, with the known differences listed in
//! `tests/ssl_conformance/known_differences.txt`.

use pysocket_host::runtime::Program;
use pysocket_tests::tls::pki;
use pysocket_tests::*;
use std::collections::BTreeMap;
use std::process::Command;

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
    std::fs::read_to_string(repo_root().join("tests/ssl_conformance/known_differences.txt"))
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (id, why) = l.split_once(char::is_whitespace).unwrap_or((l, ""));
            (id.to_string(), why.trim().to_string())
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ssl_conformance_matches_native_cpython() {
    let script = repo_root().join("tests/ssl_conformance/ssl_conformance.py");
    let pki_dir = pki().dir.to_string_lossy().into_owned();
    let native = Command::new("python3")
        .arg(&script)
        .args(["--pki", &pki_dir])
        .output()
        .expect("running python3");
    let native_text = String::from_utf8_lossy(&native.stdout).into_owned();
    let native = results(&native_text);
    assert!(
        native.len() >= 60,
        "only {} checks ran natively",
        native.len()
    );
    let failing: Vec<_> = native.iter().filter(|(_, ok)| !**ok).collect();
    assert!(
        failing.is_empty(),
        "checks failing natively: {failing:?}\n{native_text}"
    );

    let mut g = guest("tls_client.py", &[], loopback_policy());
    g.program = Program::Script(script);
    g.args = vec!["--pki".into(), pki_dir.clone()];
    g.config = g.config.dir(&pki().dir, &pki_dir, false);
    let out = run(g).await;
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
        "ssl conformance: native {}/{}, pysocket {}/{} ({} known differences)",
        native.len(),
        native.len(),
        passed,
        guest.len(),
        known.len()
    );
    assert!(
        unexpected.is_empty(),
        "{} unexpected differences:\n{}\n--- guest stdout\n{}\n--- guest stderr\n{}",
        unexpected.len(),
        unexpected.join("\n"),
        out.stdout,
        out.stderr
    );
}
