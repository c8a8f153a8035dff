//! `sendmsg(2)`/`recvmsg(2)` with ancillary data (SCM_RIGHTS and the rest).
//!
//! Why the control messages are built by hand (with libc's `CMSG_*`) and
//! not with `nix::sys::socket::ControlMessage`: CPython's `sendmsg` passes
//! any `(level, type, data)` item through, and nix's control messages are
//! a closed set of typed variants (no raw item); `recvmsg` likewise must
//! hand back items nix does not decode. socket2's `MsgHdr` takes the
//! control buffer as bytes and would not remove the `CMSG_*` walk. The
//! unsafe code is confined to this file, each block with its `// SAFETY:`.

use super::error::{NetError, NetResult};
use super::sock::{Sock, Wait};
use socket2::SockAddr;
use std::os::fd::{FromRawFd, OwnedFd, RawFd};
use tokio::io::Interest;

/// One ancillary item to send.
#[derive(Debug, Clone)]
pub enum ControlOut {
    /// SCM_RIGHTS: OS descriptors to pass.
    Rights(Vec<RawFd>),
    /// Any other item, passed as is.
    Other {
        level: i32,
        kind: i32,
        data: Vec<u8>,
    },
}

/// One ancillary item received.
#[derive(Debug)]
pub enum ControlIn {
    /// SCM_RIGHTS: descriptors now owned by us.
    Rights(Vec<OwnedFd>),
    Other {
        level: i32,
        kind: i32,
        data: Vec<u8>,
    },
}

/// What `recvmsg` got.
#[derive(Debug)]
pub struct Received {
    pub data: Vec<u8>,
    pub control: Vec<ControlIn>,
    pub flags: i32,
    pub from: Option<SockAddr>,
}

fn payload(item: &ControlOut) -> (i32, i32, Vec<u8>) {
    match item {
        ControlOut::Rights(fds) => (
            libc::SOL_SOCKET,
            libc::SCM_RIGHTS,
            fds.iter().flat_map(|fd| fd.to_ne_bytes()).collect(),
        ),
        ControlOut::Other { level, kind, data } => (*level, *kind, data.clone()),
    }
}

/// Lays out ancillary items as the kernel expects them.
fn control_buffer(items: &[ControlOut]) -> NetResult<(Vec<u64>, usize)> {
    let payloads: Vec<_> = items.iter().map(payload).collect();
    let mut total = 0usize;
    for (_, _, data) in &payloads {
        let len = u32::try_from(data.len())
            .map_err(|_| NetError::Overflow("ancillary data item too large".into()))?;
        // SAFETY: CMSG_SPACE is a pure size computation.
        total += unsafe { libc::CMSG_SPACE(len) } as usize;
    }
    // A u64 backing store keeps the buffer aligned for cmsghdr.
    let mut buf = vec![0u64; total.div_ceil(8)];
    if total == 0 {
        return Ok((buf, 0));
    }
    // SAFETY: msghdr is plain old data; we only set the control fields and
    // walk headers inside `buf`, which is exactly as large as CMSG_SPACE says.
    unsafe {
        let mut msg: libc::msghdr = std::mem::zeroed();
        msg.msg_control = buf.as_mut_ptr().cast();
        msg.msg_controllen = total as _;
        let mut cmsg = libc::CMSG_FIRSTHDR(&msg);
        for (level, kind, data) in &payloads {
            if cmsg.is_null() {
                return Err(NetError::errno(libc::EINVAL));
            }
            (*cmsg).cmsg_level = *level;
            (*cmsg).cmsg_type = *kind;
            (*cmsg).cmsg_len = libc::CMSG_LEN(data.len() as u32) as _;
            std::ptr::copy_nonoverlapping(data.as_ptr(), libc::CMSG_DATA(cmsg), data.len());
            cmsg = libc::CMSG_NXTHDR(&msg, cmsg);
        }
    }
    Ok((buf, total))
}

impl Sock {
    /// `sendmsg(2)`: gathers `buffers`, with ancillary `control`, to `to`
    /// (or the connected peer).
    pub async fn send_msg(
        &self,
        buffers: &[Vec<u8>],
        control: &[ControlOut],
        flags: i32,
        to: Option<&SockAddr>,
    ) -> NetResult<usize> {
        let (mut control_buf, control_len) = control_buffer(control)?;
        let wait = self.wait_for_call(flags);
        self.call(Interest::WRITABLE, wait, |s| {
            let mut iov: Vec<libc::iovec> = buffers
                .iter()
                .map(|b| libc::iovec {
                    iov_base: b.as_ptr() as *mut _,
                    iov_len: b.len(),
                })
                .collect();
            // SAFETY: every pointer in `msg` refers to live buffers of the
            // declared lengths for the duration of the call.
            unsafe {
                let mut msg: libc::msghdr = std::mem::zeroed();
                if let Some(addr) = to {
                    msg.msg_name = addr.as_ptr() as *mut _;
                    msg.msg_namelen = addr.len();
                }
                msg.msg_iov = iov.as_mut_ptr();
                msg.msg_iovlen = iov.len() as _;
                if !control_buf.is_empty() {
                    msg.msg_control = control_buf.as_mut_ptr().cast();
                    msg.msg_controllen = control_len as _;
                }
                let n = libc::sendmsg(
                    std::os::fd::AsRawFd::as_raw_fd(s),
                    &msg,
                    flags | libc::MSG_NOSIGNAL,
                );
                if n < 0 {
                    Err(std::io::Error::last_os_error())
                } else {
                    Ok(n as usize)
                }
            }
        })
        .await
    }

    /// `recvmsg(2)` of at most `len` bytes and `ancbufsize` bytes of
    /// ancillary data. Received descriptors are close-on-exec.
    pub async fn recv_msg(&self, len: usize, ancbufsize: usize, flags: i32) -> NetResult<Received> {
        self.recv_msg_filtered(len, ancbufsize, flags, |_| true)
            .await
    }

    /// Like [`Sock::recv_msg`], but datagrams from senders `allow` refuses
    /// are consumed and dropped and the wait goes on, within the same
    /// deadline. Only for IPv4/IPv6 sockets, which pass no descriptors.
    pub async fn recv_msg_filtered(
        &self,
        len: usize,
        ancbufsize: usize,
        flags: i32,
        allow: impl Fn(&SockAddr) -> bool,
    ) -> NetResult<Received> {
        let wait: Wait = self.wait_for_call(flags);
        let mut data = vec![0u8; len];
        let mut control = vec![0u64; ancbufsize.div_ceil(8)];
        let (n, msg_flags, controllen, from) = self
            .call(Interest::READABLE, wait, |s| loop {
                // SAFETY: storage from `try_init` and our buffers are valid
                // for the lengths we declare.
                let got = unsafe {
                    SockAddr::try_init(|storage, addrlen| {
                        let mut iov = libc::iovec {
                            iov_base: data.as_mut_ptr().cast(),
                            iov_len: data.len(),
                        };
                        let mut msg: libc::msghdr = std::mem::zeroed();
                        msg.msg_name = storage.cast();
                        msg.msg_namelen = *addrlen;
                        msg.msg_iov = &mut iov;
                        msg.msg_iovlen = 1;
                        if ancbufsize > 0 {
                            msg.msg_control = control.as_mut_ptr().cast();
                            msg.msg_controllen = ancbufsize as _;
                        }
                        let n = libc::recvmsg(
                            std::os::fd::AsRawFd::as_raw_fd(s),
                            &mut msg,
                            flags | libc::MSG_CMSG_CLOEXEC,
                        );
                        if n < 0 {
                            return Err(std::io::Error::last_os_error());
                        }
                        *addrlen = msg.msg_namelen;
                        Ok((n as usize, msg.msg_flags, msg.msg_controllen as usize))
                    })
                }
                .map(|((n, f, c), addr)| (n, f, c, addr))?;
                let from_known = got.3.len() as usize > std::mem::size_of::<libc::sa_family_t>();
                if !from_known || allow(&got.3) {
                    return Ok(got);
                }
                if flags & libc::MSG_PEEK != 0 {
                    super::sock::discard_datagram(s)?;
                }
            })
            .await?;
        data.truncate(n.min(len));
        let items = parse_control(control.as_ptr().cast(), controllen);
        let from = (from.len() as usize > std::mem::size_of::<libc::sa_family_t>()).then_some(from);
        Ok(Received {
            data,
            control: items,
            // MSG_CMSG_CLOEXEC is ours, not the caller's: do not echo it.
            flags: msg_flags & !libc::MSG_CMSG_CLOEXEC,
            from,
        })
    }
}

/// Reads the ancillary items the kernel wrote; takes ownership of passed
/// descriptors.
fn parse_control(buf: *const u8, len: usize) -> Vec<ControlIn> {
    let mut out = Vec::new();
    if len == 0 {
        return out;
    }
    // SAFETY: the kernel wrote `len` bytes of well-formed cmsghdrs at `buf`;
    // CMSG_* walk only within them.
    unsafe {
        let mut msg: libc::msghdr = std::mem::zeroed();
        msg.msg_control = buf as *mut _;
        msg.msg_controllen = len as _;
        let mut cmsg = libc::CMSG_FIRSTHDR(&msg);
        while !cmsg.is_null() {
            let header = libc::CMSG_LEN(0) as usize;
            let data_len = ((*cmsg).cmsg_len as usize).saturating_sub(header);
            let data = std::slice::from_raw_parts(libc::CMSG_DATA(cmsg), data_len).to_vec();
            if (*cmsg).cmsg_level == libc::SOL_SOCKET && (*cmsg).cmsg_type == libc::SCM_RIGHTS {
                let fds = data
                    .chunks_exact(4)
                    .map(|c| OwnedFd::from_raw_fd(i32::from_ne_bytes([c[0], c[1], c[2], c[3]])))
                    .collect();
                out.push(ControlIn::Rights(fds));
            } else {
                out.push(ControlIn::Other {
                    level: (*cmsg).cmsg_level,
                    kind: (*cmsg).cmsg_type,
                    data,
                });
            }
            cmsg = libc::CMSG_NXTHDR(&msg, cmsg);
        }
    }
    out
}
