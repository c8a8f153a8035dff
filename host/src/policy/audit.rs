//! The audit trail: one `tracing` event per policy decision, on target
//! [`TARGET`], all at INFO level, so that one filter shows every decision
//! in order.
//!
//! The CLI's `--log-net` turns the target on, to stderr:
//!
//! ```text
//! INFO pysocket_net: guest=3 op=connect addr=127.0.0.1:8080 verdict=deny rule="--deny-net loopback"
//! ```
//!
//! The address is written `HOST:PORT` as in the rules (IPv6 in brackets, a
//! name as the guest gave it for lookups). An embedder sees the same events
//! through its own subscriber.

use super::Verdict;

/// The tracing target of decisions.
pub const TARGET: &str = "pysocket_net";

/// Records one decision.
pub fn record(guest: u64, op: &str, addr: &str, verdict: &Verdict) {
    let word = if verdict.allowed { "allow" } else { "deny" };
    tracing::info!(
        target: "pysocket_net",
        guest,
        op = %op,
        addr = %addr,
        verdict = %word,
        rule = ?verdict.rule,
    );
}
