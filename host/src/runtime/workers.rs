//! Where guests run: worker threads, each driving its own single-threaded
//! tokio runtime.
//!
//! A guest is one Python interpreter, so it never needs more than one thread
//! at a time. What it does need is a quick wake-up when a socket it waits on
//! becomes ready. On tokio's multi-threaded runtime every such wake-up went
//! through work-stealing bookkeeping and woke idle workers: a 64-byte TCP
//! round trip took 42 µs there against 33 µs on a single-threaded runtime
//! (native CPython: 32 µs). So each worker thread runs a `current_thread`
//! runtime, and guests are dealt out to the workers in turn. Guests that share
//! a worker take turns the way threads share CPython's GIL: a guest waiting
//! on a socket leaves the thread to the others, and a running one yields at
//! every epoch tick (see [`super::YIELD_INTERVAL`]).

use std::future::Future;

/// How many worker threads `jobs` guests get: one per guest, at most one per
/// CPU.
pub fn worker_count(jobs: usize) -> usize {
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    jobs.clamp(1, cpus)
}

/// Runs `run(job)` for every job, spread over `workers` threads (each job on
/// one thread, jobs dealt out in turn); returns the outputs in job order.
///
/// With one worker the jobs run on the calling thread. A job that panics
/// gives an `Err` with the panic message; the others run on.
pub fn run_on_workers<J, F, Fut>(
    jobs: Vec<J>,
    workers: usize,
    run: F,
) -> Vec<Result<Fut::Output, String>>
where
    J: Send + 'static,
    F: Fn(J) -> Fut + Send + Sync + Clone + 'static,
    Fut: Future + Send + 'static,
    Fut::Output: Send + 'static,
{
    let count = jobs.len();
    let workers = workers.clamp(1, count.max(1));
    let mut shares: Vec<Vec<(usize, J)>> = (0..workers).map(|_| Vec::new()).collect();
    for (index, job) in jobs.into_iter().enumerate() {
        shares[index % workers].push((index, job));
    }
    let mut results: Vec<Option<Result<Fut::Output, String>>> = (0..count).map(|_| None).collect();
    if workers == 1 {
        let share = shares.pop().unwrap_or_default();
        for (index, result) in run_share(share, run) {
            results[index] = Some(result);
        }
    } else {
        let threads: Vec<_> = shares
            .into_iter()
            .enumerate()
            .map(|(n, share)| {
                let run = run.clone();
                std::thread::Builder::new()
                    .name(format!("pysocket-worker-{n}"))
                    .spawn(move || run_share(share, run))
            })
            .collect();
        for thread in threads {
            let done = thread
                .map_err(|e| format!("starting a worker thread: {e}"))
                .and_then(|t| t.join().map_err(|_| "a worker thread panicked".to_string()));
            match done {
                Ok(outputs) => {
                    for (index, result) in outputs {
                        results[index] = Some(result);
                    }
                }
                Err(e) => {
                    // Its jobs are the ones without a result yet.
                    for slot in results.iter_mut().filter(|r| r.is_none()) {
                        *slot = Some(Err(e.clone()));
                    }
                }
            }
        }
    }
    results
        .into_iter()
        .map(|r| r.unwrap_or_else(|| Err("job did not run".into())))
        .collect()
}

/// Runs one worker's jobs concurrently on a new single-threaded runtime.
fn run_share<J, F, Fut>(share: Vec<(usize, J)>, run: F) -> Vec<(usize, Result<Fut::Output, String>)>
where
    F: Fn(J) -> Fut,
    Fut: Future + Send + 'static,
    Fut::Output: Send + 'static,
{
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            let message = format!("starting tokio: {e}");
            return share
                .into_iter()
                .map(|(index, _)| (index, Err(message.clone())))
                .collect();
        }
    };
    runtime.block_on(async {
        let tasks: Vec<_> = share
            .into_iter()
            .map(|(index, job)| (index, tokio::spawn(run(job))))
            .collect();
        let mut outputs = Vec::with_capacity(tasks.len());
        for (index, task) in tasks {
            outputs.push((
                index,
                task.await.map_err(|e| format!("guest task failed: {e}")),
            ));
        }
        outputs
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outputs_come_back_in_job_order_from_every_worker() {
        let jobs: Vec<u32> = (0..7).collect();
        let out = run_on_workers(jobs, 3, |n| async move {
            tokio::task::yield_now().await;
            (n * 10, std::thread::current().name().map(str::to_owned))
        });
        let values: Vec<u32> = out.iter().map(|r| r.as_ref().unwrap().0).collect();
        assert_eq!(values, vec![0, 10, 20, 30, 40, 50, 60]);
        let threads: std::collections::HashSet<_> =
            out.iter().map(|r| r.as_ref().unwrap().1.clone()).collect();
        assert_eq!(threads.len(), 3, "jobs were not spread: {threads:?}");
    }

    #[test]
    fn a_panicking_job_is_an_error_and_the_others_still_run() {
        let out = run_on_workers(vec![1, 2, 3], 1, |n| async move {
            assert_ne!(n, 2, "job two fails");
            n
        });
        assert_eq!(out[0].as_ref().unwrap(), &1);
        assert!(out[1].is_err());
        assert_eq!(out[2].as_ref().unwrap(), &3);
    }
}
