//! The exported `poll` interface: every descriptor's readiness as
//! `wasi:io/poll` pollables (a stream's, a listener's, a pending connect's),
//! waited for together with a monotonic-clock timer.

use crate::exports::pysocket::socket::poll::{Guest, PollReady, PollRequest};
use crate::exports::pysocket::socket::types::Duration;
use crate::table::{self, Kind};
use crate::{Adapter, Error};
use std::collections::BTreeMap;
use wasi::clocks::monotonic_clock;
use wasi::io::poll::{poll, Pollable};

const POLLIN: u16 = 1;
const POLLHUP: u16 = 16;
const POLLNVAL: u16 = 32;
/// The most descriptors one call may watch.
const MAX_REQUESTS: usize = 4096;

/// Adds the events of the pollables at `indices` to `ready`.
fn found(ready: &mut BTreeMap<u32, u16>, indices: &[u32], waits: &[(Pollable, u32, u16)]) {
    for i in indices {
        if let Some((_, fd, ev)) = waits.get(*i as usize) {
            *ready.entry(*fd).or_default() |= ev;
        }
    }
}

impl Guest for Adapter {
    fn poll(
        requests: Vec<PollRequest>,
        timeout: Option<Duration>,
    ) -> Result<Vec<PollReady>, Error> {
        if requests.len() > MAX_REQUESTS {
            return Err(crate::errors::invalid("too many descriptors for poll"));
        }
        let deadline = timeout
            .filter(|t| *t > 0)
            .map(|t| monotonic_clock::now().saturating_add(t));
        loop {
            let mut ready = wait_once(&requests, timeout == Some(0), deadline)?;
            // A stream's pollable may be ready with nothing to read:
            // confirm by reading (into the peek buffer); settle connects so
            // SO_ERROR is known.
            for (fd, ev) in ready.iter_mut() {
                if let Ok(entry) = table::get(*fd) {
                    if let Kind::Tcp(t) = &mut entry.socket.borrow_mut().kind {
                        t.drive_connect();
                        if *ev & POLLIN != 0 && !t.confirm_readable() {
                            *ev &= !POLLIN;
                        }
                        if t.hung_up() {
                            *ev |= POLLHUP;
                        }
                    }
                }
            }
            ready.retain(|_, ev| *ev != 0);
            let expired = deadline.is_some_and(|d| monotonic_clock::now() >= d);
            if !ready.is_empty() || timeout == Some(0) || expired {
                return Ok(ready
                    .into_iter()
                    .map(|(fd, revents)| PollReady { fd, revents })
                    .collect());
            }
        }
    }
}

/// One wait: the descriptors ready now, or (unless `just_look`) after
/// waiting for any of them until `deadline`.
fn wait_once(
    requests: &[PollRequest],
    just_look: bool,
    deadline: Option<u64>,
) -> Result<BTreeMap<u32, u16>, Error> {
    let mut ready: BTreeMap<u32, u16> = BTreeMap::new();
    // (pollable, fd, events it stands for)
    let mut waits: Vec<(Pollable, u32, u16)> = Vec::new();
    for r in requests {
        let Ok(entry) = table::get(r.fd) else {
            *ready.entry(r.fd).or_default() |= POLLNVAL;
            continue;
        };
        let mut sock = entry.socket.borrow_mut();
        let (now, later) = match &mut sock.kind {
            Kind::Tcp(t) => t.poll_sources(r.events),
            Kind::Udp(u) => u.poll_sources(r.events),
        };
        if now != 0 {
            *ready.entry(r.fd).or_default() |= now;
        }
        waits.extend(later.into_iter().map(|(p, ev)| (p, r.fd, ev)));
    }
    if !ready.is_empty() || just_look {
        let now: Vec<u32> = (0..waits.len() as u32)
            .filter(|i| waits[*i as usize].0.ready())
            .collect();
        found(&mut ready, &now, &waits);
    } else {
        let timer = deadline.map(monotonic_clock::subscribe_instant);
        let mut list: Vec<&Pollable> = waits.iter().map(|(p, ..)| p).collect();
        if let Some(t) = &timer {
            list.push(t);
        }
        if list.is_empty() {
            return Err(crate::errors::unsupported(
                crate::exports::pysocket::socket::types::Errno::Einval,
                "poll with nothing to wait for and no timeout",
            ));
        }
        let hit = poll(&list);
        drop(list);
        found(&mut ready, &hit, &waits);
        drop(timer);
    }
    drop(waits);
    Ok(ready)
}
