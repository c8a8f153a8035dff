//! `pysocket:socket/poll`: readiness of many sockets at once.

use super::duration;
use crate::bindings::poll::{Host, PollReady, PollRequest};
use crate::net::poll::{poll, PollEntry};
use crate::net::Wait;
use crate::{PysocketImpl, SocketError};

/// The most descriptors one call may watch.
const MAX_POLL_FDS: usize = 65536;

impl Host for PysocketImpl<'_> {
    async fn poll(
        &mut self,
        requests: Vec<PollRequest>,
        timeout: Option<u64>,
    ) -> Result<Vec<PollReady>, SocketError> {
        if requests.len() > MAX_POLL_FDS {
            return Err(crate::net::NetError::Invalid(format!(
                "too many file descriptors to poll (at most {MAX_POLL_FDS})"
            ))
            .into());
        }
        let entries: Vec<PollEntry> = requests
            .iter()
            .map(|r| PollEntry {
                fd: r.fd,
                events: r.events,
                sock: self.ctx.fds.get(r.fd).ok(),
            })
            .collect();
        let wait = match timeout {
            None => Wait::Forever,
            Some(0) => Wait::NonBlocking,
            Some(ns) => Wait::Until(tokio::time::Instant::now() + duration(ns)),
        };
        let ready = poll(&entries, wait).await?;
        Ok(ready
            .into_iter()
            .map(|(fd, revents)| PollReady { fd, revents })
            .collect())
    }
}
