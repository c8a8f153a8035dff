//! Name and service lookups through the OS resolver (glibc), as CPython
//! does them. Every function here may block: call them off the executor
//! (`tokio::task::spawn_blocking`).
//!
//! Why hand-written FFI and not the `dns-lookup` crate: that crate covers
//! `getaddrinfo`, `getnameinfo` and `gethostname`, but CPython's `_socket`
//! also needs `gethostbyname_r`/`gethostbyaddr_r` (with `h_errno` and
//! `hstrerror` texts), `getservbyname`/`getservbyport`,
//! `getprotobyname` and `if_nameindex`, none of which it has. Using it
//! for two functions would leave most of the unsafe code here and split
//! the error handling (`socket.gaierror` needs the `EAI_*` code and the
//! `gai_strerror` text) in two. Replacing `getaddrinfo`/`getnameinfo`
//! with it remains possible and was not done in issue 13. Every `unsafe`
//! block has a `// SAFETY:` comment; the raw lookups are confined to
//! this file.

use super::addr::Address;
use super::error::{NetError, NetResult};
use socket2::SockAddr;
use std::ffi::{CStr, CString};
use std::net::Ipv4Addr;
use std::os::raw::{c_char, c_int, c_void};
use std::sync::Mutex;

/// One `getaddrinfo` result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddrInfo {
    pub family: i32,
    pub socktype: i32,
    pub proto: i32,
    pub canonname: String,
    pub address: Address,
}

/// What `gethostbyname_ex`/`gethostbyaddr` return.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostEntry {
    pub name: String,
    pub aliases: Vec<String>,
    pub addresses: Vec<String>,
}

/// The non-reentrant NSS functions (`getservby*`, `getprotobyname`) share
/// static buffers; this lock serialises them.
static NSS_LOCK: Mutex<()> = Mutex::new(());

fn c_string(s: &str, what: &str) -> NetResult<CString> {
    CString::new(s).map_err(|_| NetError::Invalid(format!("embedded null character in {what}")))
}

fn gai_error(code: c_int) -> NetError {
    if code == libc::EAI_SYSTEM {
        return NetError::Io(std::io::Error::last_os_error());
    }
    // SAFETY: gai_strerror returns a static NUL-terminated string.
    let message = unsafe { CStr::from_ptr(libc::gai_strerror(code)) }
        .to_string_lossy()
        .into_owned();
    NetError::Gai { code, message }
}

/// `getaddrinfo(3)`.
pub fn getaddrinfo(
    host: Option<&str>,
    service: Option<&str>,
    family: i32,
    socktype: i32,
    proto: i32,
    flags: i32,
) -> NetResult<Vec<AddrInfo>> {
    let host_c = host.map(|h| c_string(h, "host name")).transpose()?;
    let service_c = service.map(|s| c_string(s, "service")).transpose()?;
    // SAFETY: addrinfo is plain old data; zero is the documented "unset".
    let mut hints: libc::addrinfo = unsafe { std::mem::zeroed() };
    hints.ai_family = family;
    hints.ai_socktype = socktype;
    hints.ai_protocol = proto;
    hints.ai_flags = flags;
    let mut list: *mut libc::addrinfo = std::ptr::null_mut();
    // SAFETY: all pointers are valid or NULL; `list` receives an allocation
    // that we free below.
    let rc = unsafe {
        libc::getaddrinfo(
            host_c.as_ref().map_or(std::ptr::null(), |c| c.as_ptr()),
            service_c.as_ref().map_or(std::ptr::null(), |c| c.as_ptr()),
            &hints,
            &mut list,
        )
    };
    if rc != 0 {
        return Err(gai_error(rc));
    }
    let mut out = Vec::new();
    let mut cur = list;
    while !cur.is_null() {
        // SAFETY: `cur` walks the list getaddrinfo returned.
        let ai = unsafe { &*cur };
        let canonname = if ai.ai_canonname.is_null() {
            String::new()
        } else {
            // SAFETY: NUL-terminated string owned by the list.
            unsafe { CStr::from_ptr(ai.ai_canonname) }
                .to_string_lossy()
                .into_owned()
        };
        // SAFETY: ai_addr points to ai_addrlen bytes of a sockaddr.
        let sa = unsafe {
            SockAddr::try_init(|storage, len| {
                std::ptr::copy_nonoverlapping(
                    ai.ai_addr as *const u8,
                    storage as *mut u8,
                    ai.ai_addrlen as usize,
                );
                *len = ai.ai_addrlen;
                Ok(())
            })
        }
        .map(|(_, sa)| sa);
        if let Ok(sa) = sa {
            if let Some(address) = Address::from_sockaddr(&sa) {
                out.push(AddrInfo {
                    family: ai.ai_family,
                    socktype: ai.ai_socktype,
                    proto: ai.ai_protocol,
                    canonname,
                    address,
                });
            }
        }
        cur = ai.ai_next;
    }
    // SAFETY: `list` came from getaddrinfo and is freed once.
    unsafe { libc::freeaddrinfo(list) };
    Ok(out)
}

/// `getnameinfo(3)`: `(host, service)`.
pub fn getnameinfo(addr: &SockAddr, flags: i32) -> NetResult<(String, String)> {
    let mut host = [0 as c_char; 1025];
    let mut serv = [0 as c_char; 32];
    // SAFETY: buffers are valid for their lengths; addr is a valid sockaddr.
    let rc = unsafe {
        libc::getnameinfo(
            addr.as_ptr().cast(),
            addr.len(),
            host.as_mut_ptr(),
            host.len() as libc::socklen_t,
            serv.as_mut_ptr(),
            serv.len() as libc::socklen_t,
            flags,
        )
    };
    if rc != 0 {
        return Err(gai_error(rc));
    }
    // SAFETY: getnameinfo NUL-terminates both on success.
    let (h, s) = unsafe { (CStr::from_ptr(host.as_ptr()), CStr::from_ptr(serv.as_ptr())) };
    Ok((
        h.to_string_lossy().into_owned(),
        s.to_string_lossy().into_owned(),
    ))
}

extern "C" {
    fn gethostbyname_r(
        name: *const c_char,
        ret: *mut libc::hostent,
        buf: *mut c_char,
        buflen: libc::size_t,
        result: *mut *mut libc::hostent,
        h_errnop: *mut c_int,
    ) -> c_int;
    fn gethostbyaddr_r(
        addr: *const c_void,
        len: libc::socklen_t,
        kind: c_int,
        ret: *mut libc::hostent,
        buf: *mut c_char,
        buflen: libc::size_t,
        result: *mut *mut libc::hostent,
        h_errnop: *mut c_int,
    ) -> c_int;
}

fn herror(code: c_int) -> NetError {
    // SAFETY: hstrerror returns a static NUL-terminated string.
    let message = unsafe { CStr::from_ptr(libc::hstrerror(code)) }
        .to_string_lossy()
        .into_owned();
    NetError::Herror { code, message }
}

/// Reads a `hostent` into owned strings.
///
/// # Safety
/// `h` must point to a valid hostent filled by the resolver.
unsafe fn host_entry(h: &libc::hostent) -> HostEntry {
    // SAFETY (for every block below): per the caller's contract, `h` was
    // filled by the resolver: h_name and each alias are NUL-terminated
    // strings, h_aliases and h_addr_list are NULL-terminated arrays, and
    // each address holds h_length bytes (4 for AF_INET, 16 for AF_INET6).
    let cstr = |p: *const c_char| unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned();
    let mut aliases = Vec::new();
    let mut p = h.h_aliases;
    // SAFETY: see above; `p` stays within the NULL-terminated array.
    while !p.is_null() && !unsafe { *p }.is_null() {
        // SAFETY: `*p` is a non-NULL alias string.
        aliases.push(cstr(unsafe { *p }));
        // SAFETY: the NULL terminator has not been reached.
        p = unsafe { p.add(1) };
    }
    let mut addresses = Vec::new();
    let mut p = h.h_addr_list;
    // SAFETY: see above.
    while !p.is_null() && !unsafe { *p }.is_null() {
        // SAFETY: `*p` is a non-NULL address.
        let raw = unsafe { *p } as *const u8;
        match h.h_addrtype {
            libc::AF_INET => {
                // SAFETY: an AF_INET address is 4 bytes.
                let b = unsafe { std::slice::from_raw_parts(raw, 4) };
                addresses.push(Ipv4Addr::new(b[0], b[1], b[2], b[3]).to_string());
            }
            libc::AF_INET6 => {
                let mut b = [0u8; 16];
                // SAFETY: an AF_INET6 address is 16 bytes.
                b.copy_from_slice(unsafe { std::slice::from_raw_parts(raw, 16) });
                addresses.push(std::net::Ipv6Addr::from(b).to_string());
            }
            _ => {}
        }
        // SAFETY: the NULL terminator has not been reached.
        p = unsafe { p.add(1) };
    }
    HostEntry {
        name: cstr(h.h_name),
        aliases,
        addresses,
    }
}

/// Runs a `gethostby*_r` call with a growing buffer.
fn with_hostent(
    mut call: impl FnMut(
        *mut libc::hostent,
        *mut c_char,
        usize,
        *mut *mut libc::hostent,
        *mut c_int,
    ) -> c_int,
) -> NetResult<HostEntry> {
    let mut buflen = 16 * 1024;
    loop {
        let mut buf = vec![0 as c_char; buflen];
        // SAFETY: hostent is plain old data.
        let mut ent: libc::hostent = unsafe { std::mem::zeroed() };
        let mut result: *mut libc::hostent = std::ptr::null_mut();
        let mut h_err: c_int = 0;
        let rc = call(&mut ent, buf.as_mut_ptr(), buflen, &mut result, &mut h_err);
        if rc == libc::ERANGE && buflen < 1 << 22 {
            buflen *= 4;
            continue;
        }
        if result.is_null() {
            return Err(herror(if h_err == 0 { 1 } else { h_err }));
        }
        // SAFETY: `result` points at `ent`, filled with pointers into `buf`.
        return Ok(unsafe { host_entry(&*result) });
    }
}

/// `gethostbyname_ex(name)`: IPv4 only, like CPython's. Unknown names are a
/// gaierror, since CPython resolves the name with getaddrinfo first.
pub fn gethostbyname_ex(name: &str) -> NetResult<HostEntry> {
    getaddrinfo(Some(name), None, libc::AF_INET, 0, 0, 0)?;
    let name_c = c_string(name, "host name")?;
    // SAFETY: all pointers come from `with_hostent` and are valid.
    with_hostent(|ent, buf, len, res, herr| unsafe {
        gethostbyname_r(name_c.as_ptr(), ent, buf, len, res, herr)
    })
}

/// `gethostbyaddr(ip)`: the reverse lookup of a numeric address.
pub fn gethostbyaddr(address: &Address) -> NetResult<HostEntry> {
    let (bytes, kind): (Vec<u8>, c_int) = match address {
        Address::Inet(a) => (a.ip().octets().to_vec(), libc::AF_INET),
        Address::Inet6(a) => (a.ip().octets().to_vec(), libc::AF_INET6),
        Address::Unix(_) => return Err(NetError::errno(libc::EAFNOSUPPORT)),
    };
    // SAFETY: `bytes` holds an in_addr/in6_addr of the declared length.
    with_hostent(|ent, buf, len, res, herr| unsafe {
        gethostbyaddr_r(
            bytes.as_ptr().cast(),
            bytes.len() as libc::socklen_t,
            kind,
            ent,
            buf,
            len,
            res,
            herr,
        )
    })
}

/// `gethostname(2)`.
pub fn gethostname() -> NetResult<String> {
    let mut buf = [0 as c_char; 256];
    // SAFETY: the buffer is valid for its length.
    if unsafe { libc::gethostname(buf.as_mut_ptr(), buf.len()) } < 0 {
        return Err(std::io::Error::last_os_error().into());
    }
    // SAFETY: NUL-terminated on success (the buffer is larger than HOST_NAME_MAX).
    Ok(unsafe { CStr::from_ptr(buf.as_ptr()) }
        .to_string_lossy()
        .into_owned())
}

/// `getservbyname(3)`: the port of a service.
pub fn getservbyname(name: &str, proto: Option<&str>) -> NetResult<u16> {
    let name_c = c_string(name, "service name")?;
    let proto_c = proto.map(|p| c_string(p, "protocol name")).transpose()?;
    let _guard = NSS_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    // SAFETY: valid C strings; the result is read under the lock.
    let ent = unsafe {
        libc::getservbyname(
            name_c.as_ptr(),
            proto_c.as_ref().map_or(std::ptr::null(), |c| c.as_ptr()),
        )
    };
    if ent.is_null() {
        return Err(NetError::refused(libc::ENOENT, "service/proto not found"));
    }
    // SAFETY: non-null result of getservbyname; s_port is in network order.
    Ok(u16::from_be(unsafe { (*ent).s_port } as u16))
}

/// `getservbyport(3)`: the name of a service.
pub fn getservbyport(port: u16, proto: Option<&str>) -> NetResult<String> {
    let proto_c = proto.map(|p| c_string(p, "protocol name")).transpose()?;
    let _guard = NSS_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    // SAFETY: valid arguments; the result is read under the lock.
    let ent = unsafe {
        libc::getservbyport(
            c_int::from(port.to_be()),
            proto_c.as_ref().map_or(std::ptr::null(), |c| c.as_ptr()),
        )
    };
    if ent.is_null() {
        return Err(NetError::refused(libc::ENOENT, "port/proto not found"));
    }
    // SAFETY: non-null result; s_name is NUL-terminated.
    Ok(unsafe { CStr::from_ptr((*ent).s_name) }
        .to_string_lossy()
        .into_owned())
}

/// `getprotobyname(3)`.
pub fn getprotobyname(name: &str) -> NetResult<i32> {
    let name_c = c_string(name, "protocol name")?;
    let _guard = NSS_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    // SAFETY: valid C string; the result is read under the lock.
    let ent = unsafe { libc::getprotobyname(name_c.as_ptr()) };
    if ent.is_null() {
        return Err(NetError::refused(libc::ENOENT, "protocol not found"));
    }
    // SAFETY: non-null result.
    Ok(unsafe { (*ent).p_proto })
}

/// `if_nameindex(3)`: `(index, name)` of every interface.
pub fn if_nameindex() -> NetResult<Vec<(u32, String)>> {
    // SAFETY: the list is walked up to its zero terminator and freed once.
    unsafe {
        let list = libc::if_nameindex();
        if list.is_null() {
            return Err(std::io::Error::last_os_error().into());
        }
        let mut out = Vec::new();
        let mut cur = list;
        while (*cur).if_index != 0 {
            out.push((
                (*cur).if_index,
                CStr::from_ptr((*cur).if_name)
                    .to_string_lossy()
                    .into_owned(),
            ));
            cur = cur.add(1);
        }
        libc::if_freenameindex(list);
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numeric_lookup_needs_no_resolver() {
        let r = getaddrinfo(
            Some("127.0.0.1"),
            Some("80"),
            libc::AF_INET,
            libc::SOCK_STREAM,
            0,
            libc::AI_NUMERICHOST,
        )
        .unwrap();
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].address, Address::Inet("127.0.0.1:80".parse().unwrap()));
    }

    #[test]
    fn bad_service_is_a_gaierror() {
        let e = getaddrinfo(Some("127.0.0.1"), Some("no-such-service-x"), 0, 0, 0, 0).unwrap_err();
        assert!(
            matches!(
                e,
                NetError::Gai {
                    code: libc::EAI_SERVICE,
                    ..
                }
            ),
            "{e:?}"
        );
    }

    #[test]
    fn services_and_protocols() {
        assert_eq!(getprotobyname("tcp").unwrap(), 6);
        assert!(getprotobyname("no-such-proto").is_err());
    }
}
