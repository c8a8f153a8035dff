//! `pysocket:socket/poll`: readiness of many sockets at once.

use super::duration;
use crate::bindings::poll::{Host, PollReady, PollRequest};
use crate::net::poll::{poll, PollEntry};
use crate::net::Wait;
use crate::{PysocketImpl, SocketError};

/// The most descriptors one call may watch.
const MAX_POLL_FDS: usize = 65536;

const POLLIN: u16 = libc::POLLIN as u16;

impl PysocketImpl<'_> {
    /// The descriptors asked about for POLLIN whose TLS session can be
    /// read from without waiting.
    fn tls_readable(&mut self, requests: &[PollRequest]) -> Vec<u32> {
        if self.ctx.tls.is_empty() {
            return Vec::new();
        }
        requests
            .iter()
            .filter(|r| r.events & POLLIN != 0)
            .filter(|r| {
                self.ctx
                    .tls
                    .get_mut(r.fd)
                    .is_ok_and(|stream| stream.readable_now())
            })
            .map(|r| r.fd)
            .collect()
    }
}

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
        let mut wait = match timeout {
            None => Wait::Forever,
            Some(0) => Wait::NonBlocking,
            Some(ns) => Wait::Until(tokio::time::Instant::now() + duration(ns)),
        };
        // A TLS session may hold decrypted data (or the peer's close) in
        // the host that the socket itself no longer signals: such a
        // descriptor is readable now.
        let tls_readable = self.tls_readable(&requests);
        if !tls_readable.is_empty() {
            wait = Wait::NonBlocking;
        }
        let mut ready = poll(&entries, wait).await?;
        for fd in tls_readable {
            match ready.iter_mut().find(|(f, _)| *f == fd) {
                Some((_, revents)) => *revents |= POLLIN,
                None => ready.push((fd, POLLIN)),
            }
        }
        Ok(ready
            .into_iter()
            .map(|(fd, revents)| PollReady { fd, revents })
            .collect())
    }
}
