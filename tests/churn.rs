//! No fd or memory growth across many sequential short-lived guests, each
//! leaving sockets open for the host to close. Alone in its test binary, so
//! nothing else opens descriptors meanwhile.
//!
//! `make test` runs 1,000 guests; `PYSOCKET_CHURN=10000` (what `make
//! test-many` sets) runs the 10,000.

use pysocket_host::runtime::{Allocator, EngineOptions};
use pysocket_tests::*;

/// The host's open descriptors.
fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd").unwrap().count()
}

/// The host's resident memory, in bytes.
fn rss() -> usize {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap();
    let pages: usize = statm.split_whitespace().nth(1).unwrap().parse().unwrap();
    // SAFETY: sysconf has no preconditions.
    pages * unsafe { libc::sysconf(libc::_SC_PAGESIZE) } as usize
}

#[tokio::test(flavor = "current_thread")]
async fn sequential_guests_leave_no_fds_and_no_memory_behind() {
    let count: usize = std::env::var("PYSOCKET_CHURN")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1000);
    let (python, _ticker) = new_python(&EngineOptions {
        allocator: Allocator::Pooling { guests: 4 },
        ..EngineOptions::default()
    });
    let one = || guest("churn.py", &[], loopback_policy());
    // Warm-up: the reactor, pool slots, caches.
    for _ in 0..50 {
        run_on(python.clone(), one(), BOUND).await.assert_ok();
    }
    let (fds_before, rss_before) = (open_fds(), rss());
    let started = std::time::Instant::now();
    for _ in 0..count {
        run_on(python.clone(), one(), BOUND).await.assert_ok();
    }
    let (fds_after, rss_after) = (open_fds(), rss());
    eprintln!(
        "{count} guests in {:.1}s: fds {fds_before} -> {fds_after}, RSS {:.1} -> {:.1} MiB",
        started.elapsed().as_secs_f64(),
        rss_before as f64 / 1048576.0,
        rss_after as f64 / 1048576.0
    );
    assert_eq!(fds_after, fds_before, "descriptors leaked");
    let growth = rss_after.saturating_sub(rss_before);
    assert!(
        growth < 32 << 20,
        "RSS grew by {:.1} MiB over {count} guests",
        growth as f64 / 1048576.0
    );
}
