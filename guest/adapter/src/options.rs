//! `setsockopt`/`getsockopt` for the options `wasi:sockets` 0.2 has
//! (keep-alive and its timers, hop limit, buffer sizes), the read-only ones
//! every socket can answer (SO_TYPE, SO_DOMAIN, SO_PROTOCOL, SO_ERROR,
//! SO_ACCEPTCONN), and SO_REUSEADDR on TCP, which wasmtime-wasi sets on
//! every TCP bind itself. Any other option fails with `enoprotoopt`.
//! Numbers are Linux's.

use crate::errors::{errno_of, from_wasi, number, os, unsupported};
use crate::exports::pysocket::socket::types::Errno;
use crate::table::{Kind, Socket};
use crate::Error;

const SOL_SOCKET: i32 = 1;
const IPPROTO_IP: i32 = 0;
const IPPROTO_TCP: i32 = 6;
const IPPROTO_IPV6: i32 = 41;

const SO_REUSEADDR: i32 = 2;
const SO_TYPE: i32 = 3;
const SO_ERROR: i32 = 4;
const SO_SNDBUF: i32 = 7;
const SO_RCVBUF: i32 = 8;
const SO_KEEPALIVE: i32 = 9;
const SO_ACCEPTCONN: i32 = 30;
const SO_PROTOCOL: i32 = 38;
const SO_DOMAIN: i32 = 39;
const TCP_KEEPIDLE: i32 = 4;
const TCP_KEEPINTVL: i32 = 5;
const TCP_KEEPCNT: i32 = 6;
const IP_TTL: i32 = 2;
const IPV6_UNICAST_HOPS: i32 = 16;
const IPV6_V6ONLY: i32 = 26;

const NS_PER_S: u64 = 1_000_000_000;

fn not_available(level: i32, name: i32) -> Error {
    unsupported(
        Errno::Enoprotoopt,
        &format!("socket option (level {level}, name {name})"),
    )
}

fn to_u64(value: i32) -> Result<u64, Error> {
    u64::try_from(value).map_err(|_| os(Errno::Einval))
}

fn to_i32(value: u64) -> i32 {
    i32::try_from(value).unwrap_or(i32::MAX)
}

/// `setsockopt(level, name, value)` with an integer value.
pub fn set(sock: &mut Socket, level: i32, name: i32, value: i32) -> Result<(), Error> {
    let ipv6 = sock.family() == crate::addr::AF_INET6;
    match (&sock.kind, level, name) {
        (Kind::Tcp(_), SOL_SOCKET, SO_REUSEADDR) => {
            sock.reuse_addr = i32::from(value != 0);
            Ok(())
        }
        (Kind::Tcp(t), SOL_SOCKET, SO_KEEPALIVE) => t
            .wasi()?
            .set_keep_alive_enabled(value != 0)
            .map_err(from_wasi),
        (Kind::Tcp(t), IPPROTO_TCP, TCP_KEEPIDLE) => t
            .wasi()?
            .set_keep_alive_idle_time(to_u64(value)? * NS_PER_S)
            .map_err(from_wasi),
        (Kind::Tcp(t), IPPROTO_TCP, TCP_KEEPINTVL) => t
            .wasi()?
            .set_keep_alive_interval(to_u64(value)? * NS_PER_S)
            .map_err(from_wasi),
        (Kind::Tcp(t), IPPROTO_TCP, TCP_KEEPCNT) => t
            .wasi()?
            .set_keep_alive_count(u32::try_from(value).map_err(|_| os(Errno::Einval))?)
            .map_err(from_wasi),
        (Kind::Tcp(t), SOL_SOCKET, SO_SNDBUF) => t
            .wasi()?
            .set_send_buffer_size(to_u64(value)?)
            .map_err(from_wasi),
        (Kind::Tcp(t), SOL_SOCKET, SO_RCVBUF) => t
            .wasi()?
            .set_receive_buffer_size(to_u64(value)?)
            .map_err(from_wasi),
        (Kind::Udp(u), SOL_SOCKET, SO_SNDBUF) => u
            .wasi()
            .set_send_buffer_size(to_u64(value)?)
            .map_err(from_wasi),
        (Kind::Udp(u), SOL_SOCKET, SO_RCVBUF) => u
            .wasi()
            .set_receive_buffer_size(to_u64(value)?)
            .map_err(from_wasi),
        (kind, IPPROTO_IP, IP_TTL) | (kind, IPPROTO_IPV6, IPV6_UNICAST_HOPS)
            if (level == IPPROTO_IPV6) == ipv6 =>
        {
            let hops = u8::try_from(value).map_err(|_| os(Errno::Einval))?;
            match kind {
                Kind::Tcp(t) => t.wasi()?.set_hop_limit(hops),
                Kind::Udp(u) => u.wasi().set_unicast_hop_limit(hops),
            }
            .map_err(from_wasi)
        }
        // wasi:sockets' IPv6 sockets are always IPv6-only.
        (_, IPPROTO_IPV6, IPV6_V6ONLY) if ipv6 && value != 0 => Ok(()),
        (_, IPPROTO_IPV6, IPV6_V6ONLY) if ipv6 => Err(unsupported(
            Errno::Enoprotoopt,
            "dual-stack IPv6 sockets (IPV6_V6ONLY = 0)",
        )),
        _ => Err(not_available(level, name)),
    }
}

/// `getsockopt(level, name)`.
pub fn get(sock: &mut Socket, level: i32, name: i32) -> Result<i32, Error> {
    let ipv6 = sock.family() == crate::addr::AF_INET6;
    let socket_type = sock.socket_type();
    let family = sock.family();
    let reuse = sock.reuse_addr;
    match (&mut sock.kind, level, name) {
        (_, SOL_SOCKET, SO_TYPE) => Ok(socket_type),
        (_, SOL_SOCKET, SO_DOMAIN) => Ok(family),
        (Kind::Tcp(_), SOL_SOCKET, SO_PROTOCOL) => Ok(IPPROTO_TCP),
        (Kind::Udp(_), SOL_SOCKET, SO_PROTOCOL) => Ok(17),
        (Kind::Tcp(t), SOL_SOCKET, SO_ERROR) => {
            t.drive_connect();
            Ok(t.pending_error.take().map_or(0, number))
        }
        (Kind::Udp(_), SOL_SOCKET, SO_ERROR) => Ok(0),
        (Kind::Tcp(t), SOL_SOCKET, SO_ACCEPTCONN) => Ok(i32::from(t.is_listening())),
        (Kind::Udp(_), SOL_SOCKET, SO_ACCEPTCONN) => Ok(0),
        (Kind::Tcp(_), SOL_SOCKET, SO_REUSEADDR) => Ok(reuse),
        (Kind::Tcp(t), SOL_SOCKET, SO_KEEPALIVE) => t
            .wasi()?
            .keep_alive_enabled()
            .map(i32::from)
            .map_err(from_wasi),
        (Kind::Tcp(t), IPPROTO_TCP, TCP_KEEPIDLE) => t
            .wasi()?
            .keep_alive_idle_time()
            .map(|d| to_i32(d / NS_PER_S))
            .map_err(from_wasi),
        (Kind::Tcp(t), IPPROTO_TCP, TCP_KEEPINTVL) => t
            .wasi()?
            .keep_alive_interval()
            .map(|d| to_i32(d / NS_PER_S))
            .map_err(from_wasi),
        (Kind::Tcp(t), IPPROTO_TCP, TCP_KEEPCNT) => t
            .wasi()?
            .keep_alive_count()
            .map(|c| to_i32(u64::from(c)))
            .map_err(from_wasi),
        (Kind::Tcp(t), SOL_SOCKET, SO_SNDBUF) => {
            t.wasi()?.send_buffer_size().map(to_i32).map_err(from_wasi)
        }
        (Kind::Tcp(t), SOL_SOCKET, SO_RCVBUF) => t
            .wasi()?
            .receive_buffer_size()
            .map(to_i32)
            .map_err(from_wasi),
        (Kind::Udp(u), SOL_SOCKET, SO_SNDBUF) => {
            u.wasi().send_buffer_size().map(to_i32).map_err(from_wasi)
        }
        (Kind::Udp(u), SOL_SOCKET, SO_RCVBUF) => u
            .wasi()
            .receive_buffer_size()
            .map(to_i32)
            .map_err(from_wasi),
        (kind, IPPROTO_IP, IP_TTL) | (kind, IPPROTO_IPV6, IPV6_UNICAST_HOPS)
            if (level == IPPROTO_IPV6) == ipv6 =>
        {
            match kind {
                Kind::Tcp(t) => t.wasi()?.hop_limit(),
                Kind::Udp(u) => u.wasi().unicast_hop_limit(),
            }
            .map(i32::from)
            .map_err(|e| os(errno_of(e)))
        }
        (_, IPPROTO_IPV6, IPV6_V6ONLY) if ipv6 => Ok(1),
        _ => Err(not_available(level, name)),
    }
}
