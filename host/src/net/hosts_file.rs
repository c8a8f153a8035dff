//! Which names the OS resolver answers from the hosts file alone.
//!
//! A lookup may wait on the network for seconds, so name lookups run in the
//! blocking pool. That hop costs tens of microseconds, while a name listed in
//! `/etc/hosts` (`localhost` above all) is answered by glibc in a few: when
//! `/etc/nsswitch.conf` consults `files` first and the hosts file lists the
//! name for the family asked for, glibc stops there and never queries DNS,
//! so such a lookup can run on the spot. Anything else (no nsswitch.conf,
//! another source first, a name or family not listed) takes the blocking
//! pool as before.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};
use std::time::SystemTime;

const NSSWITCH: &str = "/etc/nsswitch.conf";
const HOSTS: &str = "/etc/hosts";

/// The families the hosts file lists a name with.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct Listed {
    v4: bool,
    v6: bool,
}

/// The parsed hosts file and the modification stamp it was read at.
struct HostsCache {
    stamp: Option<(SystemTime, u64)>,
    names: HashMap<String, Listed>,
}

/// Does glibc answer a lookup of `name` for `family` (AF_INET, AF_INET6 or
/// AF_UNSPEC) from the hosts file, without any other source?
pub fn answered_by_hosts_file(name: &str, family: i32) -> bool {
    static FILES_FIRST: OnceLock<bool> = OnceLock::new();
    let files_first = *FILES_FIRST.get_or_init(|| {
        std::fs::read_to_string(NSSWITCH).is_ok_and(|text| files_come_first(&text))
    });
    if !files_first {
        return false;
    }
    let Some(listed) = lookup(name) else {
        return false;
    };
    match family {
        libc::AF_INET => listed.v4,
        libc::AF_INET6 => listed.v6,
        libc::AF_UNSPEC => listed.v4 || listed.v6,
        _ => false,
    }
}

/// The hosts file's entry for `name` (re-read when the file changes).
fn lookup(name: &str) -> Option<Listed> {
    static CACHE: Mutex<Option<HostsCache>> = Mutex::new(None);
    let stamp = std::fs::metadata(HOSTS)
        .ok()
        .and_then(|m| Some((m.modified().ok()?, m.len())));
    let mut cache = CACHE.lock().unwrap_or_else(|e| e.into_inner());
    let fresh = matches!(&*cache, Some(c) if c.stamp == stamp && stamp.is_some());
    if !fresh {
        let names = std::fs::read_to_string(HOSTS)
            .map(|text| parse_hosts(&text))
            .unwrap_or_default();
        *cache = Some(HostsCache { stamp, names });
    }
    cache
        .as_ref()
        .and_then(|c| c.names.get(&name.to_ascii_lowercase()).copied())
}

/// Is `files` the first source of the `hosts:` line of nsswitch.conf?
fn files_come_first(nsswitch: &str) -> bool {
    nsswitch
        .lines()
        .map(|line| line.split('#').next().unwrap_or_default().trim())
        .find_map(|line| line.strip_prefix("hosts:"))
        .and_then(|sources| sources.split_whitespace().next())
        .is_some_and(|first| first == "files")
}

/// Names (lower-cased) of a hosts file, with the families listed for each.
fn parse_hosts(text: &str) -> HashMap<String, Listed> {
    let mut names: HashMap<String, Listed> = HashMap::new();
    for line in text.lines() {
        let line = line.split('#').next().unwrap_or_default();
        let mut fields = line.split_whitespace();
        let Some(address) = fields.next() else {
            continue;
        };
        let (v4, v6) = match address.parse::<std::net::IpAddr>() {
            Ok(std::net::IpAddr::V4(_)) => (true, false),
            Ok(std::net::IpAddr::V6(_)) => (false, true),
            Err(_) => continue,
        };
        for name in fields {
            let entry = names.entry(name.to_ascii_lowercase()).or_default();
            entry.v4 |= v4;
            entry.v6 |= v6;
        }
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nsswitch_files_first_or_not() {
        assert!(files_come_first("passwd: files\nhosts:   files dns\n"));
        assert!(files_come_first("hosts: files [NOTFOUND=return] dns"));
        assert!(!files_come_first("hosts: dns files"));
        assert!(!files_come_first(
            "# hosts: files\nhosts: mdns4_minimal files"
        ));
        assert!(!files_come_first("passwd: files\n"));
    }

    #[test]
    fn hosts_file_names_and_families() {
        let names = parse_hosts(
            "127.0.0.1 localhost Box # comment\n::1 localhost ip6-localhost\n# 127.0.0.2 hidden\nbogus line\n",
        );
        assert_eq!(names["localhost"], Listed { v4: true, v6: true });
        assert_eq!(
            names["box"],
            Listed {
                v4: true,
                v6: false
            }
        );
        assert_eq!(
            names["ip6-localhost"],
            Listed {
                v4: false,
                v6: true
            }
        );
        assert!(!names.contains_key("hidden"));
        assert!(!names.contains_key("line"));
    }
}
