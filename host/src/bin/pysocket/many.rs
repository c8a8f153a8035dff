//! What `python`, `run` and `serve` share for running many guests in one
//! process: the engine and its epoch ticker set up from [`HostOptions`],
//! the per-instance environment, the summary line and the start-up
//! timing report.

use crate::cli::HostOptions;
use crate::failure::Failure;
use pysocket_host::runtime::{
    new_engine_with, Allocator, EngineOptions, EpochTicker, GuestConfig, StartupTimes,
};
use std::time::Duration;
use wasmtime::Engine;

/// The variable that tells each of `--instances N` which one it is (0..N-1).
pub const INSTANCE_ENV: &str = "PYSOCKET_INSTANCE";

/// The engine guests run on, with its ticker running.
pub struct Host {
    pub engine: Engine,
    pub switch_interval: Duration,
    _ticker: EpochTicker,
}

/// An engine for up to `guests` concurrent guests, as `options` say.
pub fn host(options: &HostOptions, guests: usize) -> Result<Host, Failure> {
    let switch_interval = Duration::from_secs_f64(options.switch_interval / 1000.0);
    // A single guest starts faster on-demand (its first run in a fresh
    // pooled slot measured 34-86 ms against 11-16 ms); many guests get the
    // pool (see bench/findings.md, "Many guests").
    let pooling = match options.allocator.as_deref() {
        Some("on-demand") => false,
        Some(_) => true,
        None => guests > 1,
    };
    let allocator = if pooling {
        Allocator::Pooling {
            guests: u32::try_from(guests).unwrap_or(u32::MAX),
        }
    } else {
        Allocator::OnDemand
    };
    let engine = new_engine_with(&EngineOptions {
        switch_interval,
        allocator,
        ..EngineOptions::default()
    })
    .map_err(|e| Failure::runtime(format!("setting up the engine: {e:#}")))?;
    let ticker = EpochTicker::every(&engine, switch_interval);
    Ok(Host {
        engine,
        switch_interval,
        _ticker: ticker,
    })
}

/// `count` copies of `config`, the i-th with `PYSOCKET_INSTANCE=i`.
pub fn instance_configs(config: &GuestConfig, count: usize) -> Vec<GuestConfig> {
    (0..count)
        .map(|i| {
            let mut c = config.clone();
            c.env.push((INSTANCE_ENV.into(), i.to_string()));
            c
        })
        .collect()
}

/// The summary line of a run of many instances: `998 ok, 2 failed`.
pub fn summary(statuses: &[u8]) -> String {
    let failed = statuses.iter().filter(|s| **s != 0).count();
    format!("{} ok, {failed} failed", statuses.len() - failed)
}

/// The exit status of many guests: the first non-zero one, else 0.
pub fn first_failure(statuses: &[u8]) -> u8 {
    statuses.iter().copied().find(|s| *s != 0).unwrap_or(0)
}

/// `--timings` for many guests: the median and the worst start (store
/// set-up, instantiation) and run.
pub fn report_startups(startups: &[(StartupTimes, Duration)]) {
    if startups.is_empty() {
        return;
    }
    let pick = |f: &dyn Fn(&(StartupTimes, Duration)) -> Duration| {
        let mut v: Vec<Duration> = startups.iter().map(f).collect();
        v.sort();
        (v[v.len() / 2], v[v.len() - 1])
    };
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let (store, store_max) = pick(&|s| s.0.store);
    let (inst, inst_max) = pick(&|s| s.0.instantiate);
    let (start, start_max) = pick(&|s| s.0.store + s.0.instantiate);
    let (run, run_max) = pick(&|s| s.1);
    eprintln!(
        "pysocket: {} guests: start median {:.3} ms (store {:.3}, instantiate {:.3}), max {:.3} \
         (store {:.3}, instantiate {:.3}); run median {:.3} ms, max {:.3}",
        startups.len(),
        ms(start),
        ms(store),
        ms(inst),
        ms(start_max),
        ms(store_max),
        ms(inst_max),
        ms(run),
        ms(run_max)
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_and_status() {
        assert_eq!(summary(&[0, 0, 3, 0, 1]), "3 ok, 2 failed");
        assert_eq!(first_failure(&[0, 0, 3, 0, 1]), 3);
        assert_eq!(first_failure(&[0, 0]), 0);
    }

    #[test]
    fn each_instance_knows_its_number() {
        let configs = instance_configs(&GuestConfig::default(), 3);
        let numbers: Vec<_> = configs
            .iter()
            .map(|c| {
                c.env
                    .iter()
                    .find(|(k, _)| k == INSTANCE_ENV)
                    .unwrap()
                    .1
                    .clone()
            })
            .collect();
        assert_eq!(numbers, ["0", "1", "2"]);
    }
}
