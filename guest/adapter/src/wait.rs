//! CPython's timeout model (`sock_call_ex` in `Modules/socketmodule.c`) on
//! `wasi:io/poll` and the monotonic clock: `None` waits as long as it takes,
//! `Some(0)` never waits (`eagain`), `Some(t)` is a deadline `t` after the
//! call began, after which the call fails with `error::timeout`.

use crate::errors::os;
use crate::exports::pysocket::socket::types::Errno;
use crate::Error;
use wasi::clocks::monotonic_clock;
use wasi::io::poll::{poll, Pollable};

/// When a call must give up.
#[derive(Clone, Copy, Debug)]
pub enum Deadline {
    /// Blocking: no deadline.
    Never,
    /// Non-blocking: the call must not wait at all.
    Now,
    /// The monotonic-clock instant (ns) at which the call times out.
    At(u64),
}

impl Deadline {
    /// The deadline of a call that starts now on a socket with `timeout`.
    pub fn start(timeout: Option<u64>) -> Deadline {
        match timeout {
            None => Deadline::Never,
            Some(0) => Deadline::Now,
            Some(t) => Deadline::At(monotonic_clock::now().saturating_add(t)),
        }
    }

    /// Waits until `pollable` is ready. `eagain` for a non-blocking call,
    /// `timeout` when the deadline passes first.
    pub fn wait(self, pollable: &Pollable) -> Result<(), Error> {
        match self {
            Deadline::Now => {
                if pollable.ready() {
                    Ok(())
                } else {
                    Err(os(Errno::Eagain))
                }
            }
            Deadline::Never => {
                pollable.block();
                Ok(())
            }
            Deadline::At(instant) => {
                if pollable.ready() {
                    return Ok(());
                }
                let timer = monotonic_clock::subscribe_instant(instant);
                let ready = poll(&[pollable, &timer]);
                drop(timer);
                if ready.contains(&0) {
                    Ok(())
                } else {
                    Err(Error::Timeout)
                }
            }
        }
    }

    /// Waits until the deadline itself (for a call that has nothing it
    /// could become ready for, such as `recv` on an unbound UDP socket).
    pub fn wait_out(self) -> Result<(), Error> {
        match self {
            Deadline::Now => Err(os(Errno::Eagain)),
            Deadline::At(instant) => {
                monotonic_clock::subscribe_instant(instant).block();
                Err(Error::Timeout)
            }
            Deadline::Never => Err(crate::errors::unsupported(
                Errno::Einval,
                "waiting forever on a socket that can never become ready",
            )),
        }
    }
}

/// One attempt of a call: its value, or the pollable that says when
/// trying again makes sense.
pub enum Step<T> {
    Done(T),
    Wait(Pollable),
}

/// `sock_call_ex`: runs `attempt` until it is done; each time it would
/// block, waits for its pollable within `deadline` (the pollable is dropped
/// before the next attempt, as `wasi:io` requires of child resources).
pub fn retry<T>(
    deadline: Deadline,
    mut attempt: impl FnMut() -> Result<Step<T>, Error>,
) -> Result<T, Error> {
    loop {
        match attempt()? {
            Step::Done(value) => return Ok(value),
            Step::Wait(p) => deadline.wait(&p)?,
        }
    }
}
