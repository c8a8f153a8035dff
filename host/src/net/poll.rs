//! `poll(2)` over a guest's sockets, waiting asynchronously.
//!
//! Readiness is first asked of the OS with a zero-timeout `poll(2)` (exact
//! `revents`, no registration cost). Only when nothing is ready does the
//! call wait on the reactor for any of the sockets, then ask the OS again.

use super::error::NetResult;
use super::sock::{Sock, Wait};
use std::future::{poll_fn, Future};
use std::os::fd::{AsRawFd, RawFd};
use std::sync::Arc;
use std::task::Poll;
use tokio::io::Interest;

/// POLLNVAL: the descriptor is not open.
pub const POLLNVAL: u16 = 0x20;

/// One descriptor to watch.
#[derive(Debug, Clone)]
pub struct PollEntry {
    /// The guest's descriptor number.
    pub fd: u32,
    /// POLL* bits wanted.
    pub events: u16,
    /// The socket, or `None` if the guest has no such descriptor.
    pub sock: Option<Arc<Sock>>,
}

/// Returns `(fd, revents)` for every ready entry; waits per `wait` while
/// none is. An unknown descriptor is ready with POLLNVAL.
pub async fn poll(entries: &[PollEntry], wait: Wait) -> NetResult<Vec<(u32, u16)>> {
    let mut first = true;
    loop {
        if !first {
            // A wake-up the OS did not confirm: let other tasks (guests)
            // run before looking again, so that even a readiness state that
            // cannot be cleared never monopolises a worker thread.
            tokio::task::yield_now().await;
        }
        first = false;
        let ready = poll_now(entries)?;
        if !ready.is_empty() {
            return Ok(ready);
        }
        if entries.is_empty() && matches!(wait, Wait::Forever) {
            // poll([], -1) never returns; refuse to hang forever silently.
            std::future::pending::<()>().await;
        }
        if !wait_any(entries, wait).await? {
            return Ok(Vec::new());
        }
    }
}

/// One non-blocking `poll(2)` of all entries.
fn poll_now(entries: &[PollEntry]) -> NetResult<Vec<(u32, u16)>> {
    let mut fds: Vec<libc::pollfd> = entries
        .iter()
        .map(|e| libc::pollfd {
            fd: e.sock.as_ref().map_or(-1, |s| s.raw_fd()),
            events: e.events as i16,
            revents: 0,
        })
        .collect();
    if !fds.is_empty() {
        // SAFETY: `fds` is a valid array of its length; timeout 0 never blocks.
        let rc = unsafe { libc::poll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, 0) };
        if rc < 0 {
            return Err(std::io::Error::last_os_error().into());
        }
    }
    Ok(entries
        .iter()
        .zip(&fds)
        .filter_map(|(e, p)| {
            let revents = if e.sock.is_none() {
                POLLNVAL
            } else {
                p.revents as u16
            };
            (revents != 0).then_some((e.fd, revents))
        })
        .collect())
}

fn interest_of(events: u16) -> Interest {
    let wants_read = events & (libc::POLLIN | libc::POLLPRI | libc::POLLRDHUP) as u16 != 0;
    let wants_write = events & libc::POLLOUT as u16 != 0;
    match (wants_read, wants_write) {
        (_, false) => Interest::READABLE,
        (false, true) => Interest::WRITABLE,
        (true, true) => Interest::READABLE | Interest::WRITABLE,
    }
}

/// Waits until the reactor reports any entry ready. Returns false on
/// timeout. Readiness the OS does not confirm is cleared, so a stale
/// notification costs one extra round, never a busy loop.
async fn wait_any(entries: &[PollEntry], wait: Wait) -> NetResult<bool> {
    let watched: Vec<(&Sock, u16)> = entries
        .iter()
        .filter_map(|e| e.sock.as_deref().map(|s| (s, e.events)))
        .collect();
    let regs = watched
        .iter()
        .map(|(s, events)| Ok((s.io()?, *events)))
        .collect::<NetResult<Vec<_>>>()?;
    let mut waits: Vec<_> = regs
        .iter()
        .map(|(io, events)| Box::pin(io.ready(interest_of(*events))))
        .collect();
    let any = poll_fn(|cx| {
        for (i, w) in waits.iter_mut().enumerate() {
            if let Poll::Ready(r) = w.as_mut().poll(cx) {
                return Poll::Ready(r.map(|guard| (i, guard)));
            }
        }
        Poll::Pending
    });
    let (index, mut guard) = match wait {
        Wait::NonBlocking => return Ok(false),
        Wait::Forever => any.await?,
        Wait::Until(deadline) => match tokio::time::timeout_at(deadline, any).await {
            Ok(r) => r?,
            Err(_) => return Ok(false),
        },
    };
    // Ask the OS about the events this entry wants (plus the ones poll(2)
    // always reports). Checking any other event would keep a stale wake-up
    // alive whenever the socket is ready for something nobody asked for,
    // and the caller would spin.
    let wanted = regs[index].1 as i16 | libc::POLLERR | libc::POLLHUP;
    if ready_now(guard.get_inner().as_raw_fd(), regs[index].1 as i16) & wanted == 0 {
        guard.clear_ready();
    }
    Ok(true)
}

/// The events `fd` has right now among `events` (plus POLLERR, POLLHUP and
/// POLLNVAL, which poll(2) always reports): a zero-timeout poll(2). 0 when
/// none, or when poll fails.
pub(crate) fn ready_now(fd: RawFd, events: i16) -> i16 {
    let mut probe = libc::pollfd {
        fd,
        events,
        revents: 0,
    };
    // SAFETY: one valid pollfd, and a timeout of 0 never blocks.
    let rc = unsafe { libc::poll(&mut probe, 1, 0) };
    if rc == 1 {
        probe.revents
    } else {
        0
    }
}
