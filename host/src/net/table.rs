//! [`FdTable`]: a guest's socket descriptors, numbered like POSIX does it
//! (lowest free number first), starting at 3.

use super::error::{NetError, NetResult};
use super::sock::Sock;
use std::sync::Arc;

/// The first descriptor number handed out (0-2 look like stdio to Python code).
pub const FIRST_FD: u32 = 3;

/// Descriptor number → socket, with a limit on how many may be open.
#[derive(Debug)]
pub struct FdTable {
    slots: Vec<Option<Arc<Sock>>>,
    open: usize,
    limit: usize,
}

impl FdTable {
    /// An empty table that holds at most `limit` sockets.
    pub fn new(limit: usize) -> Self {
        FdTable {
            slots: Vec::new(),
            open: 0,
            limit,
        }
    }

    /// How many descriptors are open.
    pub fn len(&self) -> usize {
        self.open
    }

    pub fn is_empty(&self) -> bool {
        self.open == 0
    }

    /// Adds a socket under the lowest free number. EMFILE at the limit.
    pub fn insert(&mut self, sock: Sock) -> NetResult<u32> {
        if self.open >= self.limit {
            return Err(NetError::refused(
                libc::EMFILE,
                format!("Too many open sockets (this guest may have {})", self.limit),
            ));
        }
        let sock = Arc::new(sock);
        let index = match self.slots.iter().position(Option::is_none) {
            Some(i) => {
                self.slots[i] = Some(sock);
                i
            }
            None => {
                self.slots.push(Some(sock));
                self.slots.len() - 1
            }
        };
        self.open += 1;
        Ok(FIRST_FD + index as u32)
    }

    fn index(fd: u32) -> Option<usize> {
        fd.checked_sub(FIRST_FD).map(|i| i as usize)
    }

    /// The socket behind `fd`, or EBADF.
    pub fn get(&self, fd: u32) -> NetResult<Arc<Sock>> {
        Self::index(fd)
            .and_then(|i| self.slots.get(i))
            .and_then(|s| s.clone())
            .ok_or_else(NetError::bad_fd)
    }

    /// Removes `fd`; the OS socket closes when the last user lets go of it.
    pub fn remove(&mut self, fd: u32) -> NetResult<Arc<Sock>> {
        let slot = Self::index(fd)
            .and_then(|i| self.slots.get_mut(i))
            .ok_or_else(NetError::bad_fd)?;
        let sock = slot.take().ok_or_else(NetError::bad_fd)?;
        self.open -= 1;
        while matches!(self.slots.last(), Some(None)) {
            self.slots.pop();
        }
        Ok(sock)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use socket2::{Domain, Socket, Type};

    fn sock() -> Sock {
        let s = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
        Sock::new(s, libc::AF_INET, libc::SOCK_STREAM, 0).unwrap()
    }

    #[tokio::test]
    async fn lowest_free_number_first_and_limit() {
        let mut t = FdTable::new(3);
        assert_eq!(t.insert(sock()).unwrap(), 3);
        assert_eq!(t.insert(sock()).unwrap(), 4);
        assert_eq!(t.insert(sock()).unwrap(), 5);
        assert_eq!(
            t.insert(sock()).unwrap_err().raw_errno(),
            Some(libc::EMFILE)
        );
        t.remove(4).unwrap();
        assert_eq!(t.insert(sock()).unwrap(), 4);
        assert_eq!(t.remove(99).unwrap_err().raw_errno(), Some(libc::EBADF));
        assert_eq!(t.get(0).unwrap_err().raw_errno(), Some(libc::EBADF));
        assert_eq!(t.len(), 3);
    }
}
