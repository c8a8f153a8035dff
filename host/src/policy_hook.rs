//! The per-use policy hook: an async callback of the embedder that decides
//! about each use of an address at run time, after the built-in rules.
//!
//! The analogue of wasmtime-wasi's `socket_addr_check`. An embedder
//! registers one on the policy ([`crate::PolicyBuilder::policy_hook`]); the
//! host then calls it once for every use of an IP address by a guest:
//!
//! | [`SocketUse`] | guest call | address passed |
//! |---|---|---|
//! | `Connect` | `connect`, `connect_ex` (TCP and UDP) | the peer |
//! | `Bind`    | `bind` | the address asked for (port 0 stays 0) |
//! | `Listen`  | `listen` | the socket's local address |
//! | `Accept`  | `accept` | the peer of the new connection |
//! | `Send`    | `sendto`, `sendmsg` with an address | the destination |
//!
//! **It can only narrow.** The built-in rules decide first: a use they deny
//! fails without calling the hook, so the hook never widens a policy. Uses
//! the rules do not restrict (`listen` on a bound socket, `accept`) go to
//! the hook alone. A use the hook denies fails with `PermissionError`
//! (`EACCES`) whose message names the hook. A denied `accept` closes the
//! connection it took (its peer sees the close) and raises in the guest;
//! the listening socket stays usable.
//!
//! Not passed to the hook: `send`/`sendall`/`recv` on a connected socket
//! (its `Connect` or `Accept` was decided), AF_UNIX addresses (the
//! `--allow-unix` directories decide), name lookups (the DNS rules decide;
//! the address a name resolved to is passed when it is used).
//!
//! The hook runs on the guest's executor while the guest waits in the
//! call; it may await (ask a service, look up a tenant), and other guests
//! run meanwhile. Keep it short: the guest's socket timeout does not cover
//! the wait for the hook.

use crate::net::Address;
use crate::{PysocketImpl, SocketError};
use std::fmt;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;

/// What a guest is about to do with an address (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SocketUse {
    Connect,
    Bind,
    Listen,
    Accept,
    Send,
}

impl SocketUse {
    /// For messages: "connecting to", "binding", ...
    pub fn verb(self) -> &'static str {
        match self {
            SocketUse::Connect => "connecting to",
            SocketUse::Bind => "binding",
            SocketUse::Listen => "listening on",
            SocketUse::Accept => "accepting a connection from",
            SocketUse::Send => "sending to",
        }
    }
}

/// The future a hook returns: `true` allows the use.
pub type HookFuture = Pin<Box<dyn Future<Output = bool> + Send>>;

type HookFn = dyn Fn(SocketUse, SocketAddr) -> HookFuture + Send + Sync;

/// An embedder's per-use decision, shared by every guest of a policy.
#[derive(Clone)]
pub struct PolicyHook(Arc<HookFn>);

impl PolicyHook {
    /// Wraps an async decision: `hook(use, address)` resolves to `true` to
    /// allow, `false` to deny.
    pub fn new<F, Fut>(hook: F) -> PolicyHook
    where
        F: Fn(SocketUse, SocketAddr) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = bool> + Send + 'static,
    {
        PolicyHook(Arc::new(move |u, a| Box::pin(hook(u, a))))
    }

    /// Asks the hook about one use.
    pub fn decide(&self, what: SocketUse, address: SocketAddr) -> HookFuture {
        (self.0)(what, address)
    }
}

impl fmt::Debug for PolicyHook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PolicyHook(..)")
    }
}

impl PysocketImpl<'_> {
    /// Asks the policy's hook, if any, about `what` on `address` (AF_UNIX
    /// addresses are not asked about); EACCES naming the hook if it denies.
    /// Call it once per use, after the built-in rules allowed it.
    pub(crate) fn check_use(
        &self,
        what: SocketUse,
        address: &Address,
    ) -> impl Future<Output = Result<(), SocketError>> + Send + 'static {
        // The future owns what it needs: the guest's state is not borrowed
        // while the hook waits.
        let asked = self.ctx.policy().hook().cloned().zip(address.ip());
        async move {
            let Some((hook, sa)) = asked else {
                return Ok(());
            };
            if hook.decide(what, sa).await {
                return Ok(());
            }
            Err(SocketError::os(
                libc::EACCES,
                format!(
                    "pysocket policy hook: {} {} was denied by the embedder's policy hook",
                    what.verb(),
                    display(sa)
                ),
            ))
        }
    }
}

fn display(sa: SocketAddr) -> String {
    match sa {
        SocketAddr::V4(a) => a.to_string(),
        SocketAddr::V6(a) => format!("[{}]:{}", a.ip(), a.port()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bindings::types::{Errno, Error as WitError};
    use crate::{Policy, PysocketCtx};
    use std::sync::Mutex;

    fn sa(s: &str) -> SocketAddr {
        s.parse().unwrap()
    }

    type Seen = Arc<Mutex<Vec<(SocketUse, SocketAddr)>>>;

    /// A policy whose hook allows only port 80 and records what it saw.
    fn recording_policy() -> (Policy, Seen) {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = seen.clone();
        let policy = Policy::builder()
            .policy_hook(move |what, addr: SocketAddr| {
                log.lock().unwrap().push((what, addr));
                async move { addr.port() == 80 }
            })
            .build();
        (policy, seen)
    }

    fn block_on<F: Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(f)
    }

    #[test]
    fn the_hook_decides_and_names_itself() {
        let (policy, seen) = recording_policy();
        let mut ctx = PysocketCtx::new(Arc::new(policy));
        let this = PysocketImpl { ctx: &mut ctx };
        let allowed = Address::Inet(std::net::SocketAddrV4::new([127, 0, 0, 1].into(), 80));
        let denied = Address::Inet(std::net::SocketAddrV4::new([127, 0, 0, 1].into(), 81));
        block_on(this.check_use(SocketUse::Connect, &allowed)).unwrap();
        let err = block_on(this.check_use(SocketUse::Accept, &denied)).unwrap_err();
        match err {
            SocketError::Guest(WitError::Os(e)) => {
                assert_eq!(e.code, Errno::Eacces);
                assert!(
                    e.message.contains("accepting a connection from 127.0.0.1:81 was denied by the embedder's policy hook"),
                    "{}",
                    e.message
                );
            }
            other => panic!("{other}"),
        }
        assert_eq!(
            *seen.lock().unwrap(),
            vec![
                (SocketUse::Connect, sa("127.0.0.1:80")),
                (SocketUse::Accept, sa("127.0.0.1:81"))
            ]
        );
    }

    #[test]
    fn without_a_hook_or_for_unix_addresses_nothing_is_asked() {
        let mut ctx = PysocketCtx::new(Arc::new(Policy::default()));
        let this = PysocketImpl { ctx: &mut ctx };
        let any = Address::Inet(std::net::SocketAddrV4::new([127, 0, 0, 1].into(), 1));
        block_on(this.check_use(SocketUse::Send, &any)).unwrap();

        let (policy, seen) = recording_policy();
        let mut ctx = PysocketCtx::new(Arc::new(policy));
        let this = PysocketImpl { ctx: &mut ctx };
        block_on(this.check_use(SocketUse::Bind, &Address::Unix(b"/tmp/x".to_vec()))).unwrap();
        assert!(seen.lock().unwrap().is_empty());
    }
}
