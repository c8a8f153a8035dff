//! pysocket's Python component composed with the adapter, on a host with
//! wasmtime-wasi alone: it imports only WASI 0.2, and it passes the TCP,
//! UDP, DNS, timeout and poll checks of `tests/conformance/conformance.py`
//! except the ones listed, with their reasons, in
//! `tests/conformance/composed_failures.txt`.

use pysocket_plain_host::{check_imports_only_wasi, engine, run_script, Run};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;
use wasmtime::component::Component;

/// The conformance groups a plain WASI 0.2 host can serve.
const SUBSET: &str = "tcp.,udp.,timeout.,gai.,gni.,hostdb.,cc.,poll.,select.";

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn composed_component() -> PathBuf {
    let path = repo_root().join("build/pysocket-python-composed.wasm");
    assert!(
        path.exists(),
        "{} is missing: run `make test` (or `make build/pysocket-python-composed.wasm`)",
        path.display()
    );
    path
}

/// `id -> passed` from the harness's `PASS id` / `FAIL id: reason` lines.
fn results(stdout: &str) -> BTreeMap<String, bool> {
    let mut out = BTreeMap::new();
    for line in stdout.lines() {
        if let Some(id) = line.strip_prefix("PASS ") {
            out.insert(id.trim().to_string(), true);
        } else if let Some(rest) = line.strip_prefix("FAIL ") {
            let id = rest.split(':').next().unwrap_or(rest).trim();
            out.insert(id.to_string(), false);
        }
    }
    out
}

/// `id -> reason` lines of a list file (`#` comments, blank lines skipped).
fn listed(file: &str) -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(repo_root().join(file)).unwrap();
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (id, why) = l.split_once(char::is_whitespace).unwrap_or((l, ""));
            (id.to_string(), why.trim().to_string())
        })
        .collect()
}

fn in_subset(id: &str) -> bool {
    SUBSET.split(',').any(|p| id.starts_with(p))
}

#[test]
fn composed_component_imports_only_wasi() {
    let engine = engine().unwrap();
    let component = Component::from_file(&engine, composed_component()).unwrap();
    check_imports_only_wasi(&engine, &component).unwrap();
}

#[tokio::test(flavor = "current_thread")]
async fn composed_conformance_subset() {
    let script = repo_root().join("tests/conformance/conformance.py");
    let native = Command::new("python3")
        .arg(&script)
        .args(["--only", SUBSET])
        .output()
        .expect("running python3");
    let native = results(&String::from_utf8_lossy(&native.stdout));
    assert!(
        native.len() >= 150,
        "only {} checks ran natively",
        native.len()
    );
    let native_failures: Vec<_> = native.iter().filter(|(_, ok)| !**ok).collect();
    assert!(
        native_failures.is_empty(),
        "failing natively: {native_failures:?}"
    );

    let engine = engine().unwrap();
    let component = Component::from_file(&engine, composed_component()).unwrap();
    let tmp = std::env::temp_dir().join(format!("pysocket-composed-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).unwrap();
    let stdlib = repo_root().join("build/stdlib");
    let run = run_script(
        &engine,
        Run {
            component: &component,
            stdlib: &stdlib,
            script: &script,
            args: vec!["--only".into(), SUBSET.into()],
            capture: true,
            tmp: Some(&tmp),
            env: vec![("PYSOCKET_CONFORMANCE_TMP".into(), "/tmp".into())],
        },
    );
    let outcome = tokio::time::timeout(Duration::from_secs(600), run)
        .await
        .expect("the composed run took over 10 minutes")
        .expect("running the composed component");
    let _ = std::fs::remove_dir_all(&tmp);
    let composed = results(&outcome.stdout);

    let expected = listed("tests/conformance/composed_failures.txt");
    let host_known = listed("tests/conformance/known_differences.txt");
    let mut unexpected = Vec::new();
    for id in native.keys() {
        match (composed.get(id), expected.contains_key(id)) {
            (None, _) => unexpected.push(format!("{id}: did not run composed")),
            (Some(false), false) => {
                let prefix = format!("FAIL {id}:");
                let why = outcome.stdout.lines().find(|l| l.starts_with(&prefix));
                unexpected.push(format!("{id}: fails composed: {}", why.unwrap_or("")))
            }
            (Some(true), true) => unexpected.push(format!(
                "{id}: passes composed now; remove it from composed_failures.txt"
            )),
            _ => {}
        }
    }
    for id in expected.keys() {
        if !native.contains_key(id) {
            unexpected.push(format!("{id}: listed but not a check of the subset"));
        }
    }
    let passed = composed.values().filter(|ok| **ok).count();
    let host_passed = native
        .keys()
        .filter(|id| !host_known.contains_key(*id))
        .count();
    println!(
        "composed subset ({SUBSET}): native {n}/{n}, pysocket host {host_passed}/{n}, composed on wasmtime-wasi {passed}/{n}",
        n = native.len()
    );
    assert!(
        unexpected.is_empty(),
        "{} unexpected results:\n{}\n--- stdout tail\n{}\n--- stderr\n{}",
        unexpected.len(),
        unexpected.join("\n"),
        outcome
            .stdout
            .lines()
            .rev()
            .take(5)
            .collect::<Vec<_>>()
            .join("\n"),
        outcome.stderr
    );
    assert!(native.keys().all(|id| in_subset(id)));
}
