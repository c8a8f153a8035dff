//! The descriptor table: the guest's socket numbers (lowest free first,
//! from 3, like the pysocket host), each with its own CPython timeout;
//! `dup` makes a second number for the same socket, which closes when its
//! last number does.

use crate::errors::os;
use crate::exports::pysocket::socket::types::Errno;
use crate::tcp::Tcp;
use crate::udp::Udp;
use crate::Error;
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

/// The most descriptors a guest may hold (`emfile` beyond).
const MAX_DESCRIPTORS: usize = 1024;

/// A socket of either kind.
pub enum Kind {
    Tcp(Tcp),
    Udp(Udp),
}

/// A socket and what `socket(fileno=fd)` reports about it.
pub struct Socket {
    pub kind: Kind,
    /// As given to `create` (0 when chosen by default).
    pub proto: i32,
    /// Options accepted without a WASI counterpart that have the asked
    /// effect anyway (SO_REUSEADDR on TCP: wasmtime-wasi sets it itself).
    pub reuse_addr: i32,
}

impl Socket {
    pub fn family(&self) -> i32 {
        match &self.kind {
            Kind::Tcp(t) => t.family,
            Kind::Udp(u) => u.family,
        }
    }

    /// SOCK_STREAM = 1 or SOCK_DGRAM = 2.
    pub fn socket_type(&self) -> i32 {
        match self.kind {
            Kind::Tcp(_) => 1,
            Kind::Udp(_) => 2,
        }
    }
}

/// One descriptor: a shared socket and this number's timeout.
#[derive(Clone)]
pub struct Entry {
    pub socket: Rc<RefCell<Socket>>,
    pub timeout: Option<u64>,
}

thread_local! {
    static TABLE: RefCell<BTreeMap<u32, Entry>> = const { RefCell::new(BTreeMap::new()) };
}

/// Gives `entry` the lowest free number from 3.
pub fn insert(entry: Entry) -> Result<u32, Error> {
    TABLE.with(|t| {
        let mut t = t.borrow_mut();
        if t.len() >= MAX_DESCRIPTORS {
            return Err(os(Errno::Emfile));
        }
        let mut fd = 3;
        for used in t.keys() {
            if *used != fd {
                break;
            }
            fd += 1;
        }
        t.insert(fd, entry);
        Ok(fd)
    })
}

/// The entry of `fd`, or `ebadf`.
pub fn get(fd: u32) -> Result<Entry, Error> {
    TABLE.with(|t| t.borrow().get(&fd).cloned().ok_or_else(|| os(Errno::Ebadf)))
}

/// Sets `fd`'s timeout.
pub fn set_timeout(fd: u32, timeout: Option<u64>) -> Result<(), Error> {
    TABLE.with(|t| match t.borrow_mut().get_mut(&fd) {
        Some(e) => {
            e.timeout = timeout;
            Ok(())
        }
        None => Err(os(Errno::Ebadf)),
    })
}

/// Frees `fd`, returning its entry.
pub fn remove(fd: u32) -> Result<Entry, Error> {
    TABLE.with(|t| t.borrow_mut().remove(&fd).ok_or_else(|| os(Errno::Ebadf)))
}
